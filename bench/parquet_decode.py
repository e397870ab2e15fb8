"""Parquet decode benchmark: writes a 1,000,000-row file with pyarrow (a ~100-character text
column, an int64, a list<string> of 4, an ARC-like struct{text: list<string>, label: list<string>}),
then times `pq.read_table(f).to_pylist()` and reports its peak RSS. The Swift side is
`swift build -c release --product ParquetBenchmark && .build/release/ParquetBenchmark FILE`.

    python bench/parquet_decode.py [--rows N] [--compression snappy|none|zstd] [--file PATH] [--write-only] [--json]

bench/parquet.sh runs both sides three times each on a snappy file and prints a table.
"""
import argparse, json, os, random, resource, string, time
import pyarrow as pa
import pyarrow.parquet as pq

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=1_000_000)
parser.add_argument("--compression", default="snappy")
parser.add_argument("--file", default="/tmp/parquet_bench.parquet")
parser.add_argument("--write-only", action="store_true")
parser.add_argument("--json", action="store_true", help="print one JSON line")
args = parser.parse_args()

if not os.path.exists(args.file) or args.write_only:
    random.seed(1)
    vocabulary = ["".join(random.choices(string.ascii_lowercase, k=random.randint(2, 9))) for _ in range(5000)]
    batch = 100_000
    writer = None
    for start in range(0, args.rows, batch):
        n = min(batch, args.rows - start)
        def sentence(length):
            words, size = [], 0
            while size < length:
                w = random.choice(vocabulary)
                words.append(w)
                size += len(w) + 1
            return " ".join(words)[:length]
        table = pa.table({
            "text": [sentence(100) for _ in range(n)],
            "idx": pa.array(range(start, start + n), pa.int64()),
            "endings": [[sentence(random.randint(10, 40)) for _ in range(4)] for _ in range(n)],
            "choices": [{"text": [sentence(random.randint(5, 30)) for _ in range(4)], "label": ["A", "B", "C", "D"]} for _ in range(n)],
        })
        if writer is None:
            writer = pq.ParquetWriter(args.file, table.schema, compression=args.compression)
        writer.write_table(table)
    writer.close()
    print(f"wrote {args.file}: {os.path.getsize(args.file) / 1e6:.1f} MB, compression {args.compression}")
    if args.write_only:
        raise SystemExit

start = time.perf_counter()
rows = pq.read_table(args.file).to_pylist()
elapsed = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if args.json:
    print(json.dumps({"reader": "pyarrow read_table().to_pylist()", "rows": len(rows), "seconds": elapsed,
                      "rows_per_s": int(len(rows) / elapsed), "ru_maxrss_kb": peak_kb}))
    raise SystemExit
print(f"pyarrow read_table().to_pylist(): {len(rows)} rows in {elapsed:.2f} s = {len(rows) / elapsed:,.0f} rows/s, peak RSS {peak_kb / 1024:.0f} MB")
