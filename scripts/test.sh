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
# setup.sh installed chromium: the report's browser tests must run.
export RUNNER_TEST_BROWSER=1
exec swift test --disable-xctest 2>&1
