#!/usr/bin/env bash
# Sets everything up, then runs the main job: SmolLM2-135M-Instruct, in process on the Torch
# engine, answers the bundled multiple-choice questions. No key, no server, no network after
# setup. Extra arguments are passed to runner as overrides (task.scoring.mode=loglikelihood,
# +task=qa is not allowed twice: use MAIN_TASK=qa).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh release
exec .build/release/runner +model=smollm2 +task="${MAIN_TASK:-mcq}" "$@"
