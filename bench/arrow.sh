#!/usr/bin/env bash
# Arrow IPC reading: ArrowStream (release build) against pyarrow's to_pylist() on the same
# 1,000,000-row stream (text + list<string> + int64, batches of 1000 rows).
#   PYTHON=/path/to/python-with-pyarrow bench/arrow.sh
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
file="$(mktemp -d)/bench.arrow"
"$python" bench/arrow_bench.py "$file"
swift build -c release --product ArrowBenchmark 2>&1 | tail -n 1
.build/release/ArrowBenchmark "$file"
rm -rf "$(dirname "$file")"
