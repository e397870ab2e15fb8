#!/usr/bin/env bash
# Sets everything up, then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh debug tests
# The Slurm launcher's tests run on a real single-node Slurm started here (needs root).
if [ "$(id -u)" -eq 0 ]; then
    scripts/slurm_local.sh start
    export RUNNER_TEST_SLURM=1
else
    echo "test: not root, so no local Slurm: the Slurm launcher's cluster tests are skipped" >&2
fi
# setup.sh installed chromium and fetched SmolLM2: the browser and local-model tests must run.
export RUNNER_TEST_BROWSER=1 RUNNER_TEST_SMOLLM2=1
# lm-eval's task files import their own Python (datasets, numpy, sacrebleu) in !function hooks:
# a venv with lm-eval 0.4.13 (no torch) for the hook and library parity tests, made once.
lmeval_venv=.build/lmeval-venv
if [ ! -x "$lmeval_venv/bin/python" ] || ! "$lmeval_venv/bin/python" -c 'import lm_eval, datasets' 2>/dev/null; then
    python3 -m venv "$lmeval_venv"
    "$lmeval_venv/bin/pip" install --quiet 'lm-eval==0.4.13'
fi
export RUNNER_LMEVAL_PYTHON="$PWD/$lmeval_venv/bin/python"
exec swift test --disable-xctest 2>&1
