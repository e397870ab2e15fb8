#!/usr/bin/env bash
# Config engine benchmark: in-process compositions per second, cold `--cfg job` start-up,
# and the ratio against Python Hydra 1.3 when hydra-core is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh release >/dev/null
swift build -c release --static-swift-stdlib --product ConfigBenchmark | tail -n 1
.build/release/ConfigBenchmark conf 2
python3 bench/compare_hydra.py .build/release/runner "${RUNS:-30}"
