#!/usr/bin/env bash
# The lm-eval task index over lm-eval 0.4.13's whole installed library, same machine, same run:
# `runner lm-eval list` with no cache (cold: walk, read and scan every YAML file, write the
# cache) and with its cache (warm), against lm-eval's own `TaskManager()` (its index build).
# Prints medians and the ratio.
#
# Usage: bench/lm_eval_index.sh VENV [RUNS]
#   VENV  a venv with lm-eval==0.4.13 (python3 -m venv V && V/bin/pip install lm-eval==0.4.13)
#   RUNS  runner runs per mode, default 7 (lm-eval runs: 3)
# It builds nothing: build the release runner first (scripts/setup.sh release).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:?usage: bench/lm_eval_index.sh VENV [RUNS]  (a venv with lm-eval==0.4.13)}"
runs="${2:-7}"
[[ -x .build/release/runner ]] || { echo "lm_eval_index.sh: build the release runner first (scripts/setup.sh release)" >&2; exit 1; }
library=$("$venv/bin/python" -c 'import importlib.util, os; print(os.path.join(os.path.dirname(importlib.util.find_spec("lm_eval").origin), "tasks"))')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$library" "$work" "$runs" "$venv/bin/python" <<'PY'
import os, shutil, statistics, subprocess, sys, time
library, work, runs, python = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
files = sum(1 for _, _, names in os.walk(library) for n in names if n.endswith(".yaml"))
cache = os.path.join(work, "cache")
command = [".build/release/runner", "lm-eval", "list", "no-such-name", "--library", library]
def run(cold):
    if cold: shutil.rmtree(cache, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(command, env=dict(os.environ, XDG_CACHE_HOME=cache), stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start
cold = [run(True) for _ in range(runs)]
warm = [run(False) for _ in range(runs)]
probe = "import time; from lm_eval.tasks import TaskManager; t = time.perf_counter(); m = TaskManager(); print(time.perf_counter() - t, len(m.all_tasks))"
lm = []
for _ in range(3):
    out = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    lm.append(float(out[0])); names = int(out[1])
c, w, l = statistics.median(cold), statistics.median(warm), statistics.median(lm)
print(f"{files} YAML files, {names} names (lm-eval)")
print(f"runner lm-eval list, whole process: cold {c:.3f} s (min {min(cold):.3f}), warm {w:.3f} s (min {min(warm):.3f}); {runs} runs each")
print(f"lm-eval TaskManager(), index only: {l:.2f} s (min {min(lm):.2f}); 3 runs")
print(f"ratio lm-eval / runner: cold {l / c:.1f}x, warm {l / w:.1f}x")
PY
