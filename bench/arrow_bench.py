"""Writes a 1,000,000-row Arrow stream like a `datasets` cache (text, list<string>, int64;
record batches of 1000 rows) and times pyarrow's read_all().to_pylist() on it.
Usage: python bench/arrow_bench.py OUT.arrow [REPEATS]   (pyarrow needed; bench/arrow.sh runs both sides)"""
import sys
import time

import pyarrow as pa
import pyarrow.ipc as ipc

path = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
n = 1_000_000
table = pa.table({
    "question": pa.array(["Which of these is question number %d, asked about science?" % i for i in range(n)]),
    "choices": pa.array([["answer a %d" % i, "answer b", "answer c", "answer d"][: 3 + i % 2] for i in range(n)]),
    "label": pa.array([i % 4 for i in range(n)], pa.int64()),
})
with ipc.new_stream(path, table.schema) as writer:
    writer.write_table(table, max_chunksize=1000)
best = float("inf")
for _ in range(repeats):
    start = time.perf_counter()
    rows = ipc.open_stream(pa.memory_map(path)).read_all().to_pylist()
    best = min(best, time.perf_counter() - start)
print("pyarrow %s to_pylist(): %d rows in %.3f s = %d rows/s (best of %d)" % (pa.__version__, len(rows), best, len(rows) / best, repeats))
