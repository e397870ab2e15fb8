#!/usr/bin/env bash
# Sets everything up, then runs the main job: compose the default evaluation config and print it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh release
exec .build/release/runner --cfg job +model=openai_chat +task=mcq "$@"
