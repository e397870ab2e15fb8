#!/usr/bin/env bash
# Snappy and LZ4 block decompression: the Swift decoders against the C libraries (through
# python-snappy and lz4 in PYTHON, a venv's python) on the same ~50 MB of JSON lines.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:?set PYTHON to a python with python-snappy and lz4 (python3 -m venv V && V/bin/pip install python-snappy lz4)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
swift build -c release --product CodecBenchmark 2>&1 | tail -n 1
"$python" bench/codecs.py "$work" "${REPETITIONS:-10}"
for codec in snappy lz4raw; do
    .build/release/CodecBenchmark "$codec" "$work/text.$codec" "$work/text.raw" "${REPETITIONS:-10}"
done
