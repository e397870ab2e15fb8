#!/usr/bin/env bash
# Parquet decode speed and peak memory, ours against pyarrow, on the same 1,000,000-row
# snappy file (pyarrow's default compression; a ~100-character text, an int64, a list<string> of
# 4, an ARC-like struct{text: list<string>, label: list<string>}). Writes the file into a temp
# dir if it is missing (PARQUET_BENCH_FILE overrides the path), then runs each reader RUNS times
# (default 3), alternating, and prints one JSON line per measurement and a table of medians.
# Ours: rows/s, VmHWM (counts the mapped file's pages) and peak RssAnon (our own memory);
# pyarrow: rows/s of read_table().to_pylist() and ru_maxrss.
# Builds nothing: first `swift build -c release --product ParquetBenchmark`.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:?set PYTHON to a python with pyarrow (python3 -m venv V && V/bin/pip install pyarrow)}"
command -v "$python" >/dev/null || python=python3
runs="${RUNS:-3}"
file="${PARQUET_BENCH_FILE:-${TMPDIR:-/tmp}/runner-parquet-bench/snappy-1000000.parquet}"
binary=.build/release/ParquetBenchmark
if [ ! -x "$binary" ]; then
    echo "build first: swift build -c release --product ParquetBenchmark" >&2
    exit 1
fi
if [ ! -f "$file" ]; then
    mkdir -p "$(dirname "$file")"
    "$python" bench/parquet_decode.py --rows 1000000 --compression snappy --file "$file" --write-only >&2
fi
lines="$(mktemp)"
trap 'rm -f "$lines"' EXIT
for _ in $(seq "$runs"); do
    "$binary" --json "$file" | tee -a "$lines"
    "$python" bench/parquet_decode.py --file "$file" --json | tee -a "$lines"
done
"$python" - "$lines" "$file" <<'PY'
import json, os, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
ours = [r for r in runs if r["reader"].startswith("runner")]
theirs = [r for r in runs if r["reader"].startswith("pyarrow")]
median = lambda rs, key: statistics.median(r[key] for r in rs)
print(f"\n{sys.argv[2]}: {os.path.getsize(sys.argv[2]) / 1e6:.0f} MB, {ours[0]['rows']:,} rows, {len(ours)} runs each (medians)")
print(f"{'reader':34} {'rows/s':>11} {'seconds':>8} {'peak MB':>24}")
print(f"{ours[0]['reader']:34} {median(ours, 'rows_per_s'):>11,.0f} {median(ours, 'seconds'):>8.2f} "
      f"{median(ours, 'vmhwm_kb') / 1024:>7.0f} VmHWM {median(ours, 'peak_rss_anon_kb') / 1024:>5.0f} RssAnon")
print(f"{theirs[0]['reader']:34} {median(theirs, 'rows_per_s'):>11,.0f} {median(theirs, 'seconds'):>8.2f} "
      f"{median(theirs, 'ru_maxrss_kb') / 1024:>7.0f} ru_maxrss")
print(f"ours / pyarrow rows/s: {median(ours, 'rows_per_s') / median(theirs, 'rows_per_s'):.2f}x")
PY
