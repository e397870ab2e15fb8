#!/usr/bin/env bash
# Sets everything up, then runs the main job: an evaluation of the multiple-choice task.
#
# With BASE_URL set (an OpenAI-compatible server: vLLM, llama.cpp's llama-server, ...), the
# model behind it is evaluated. Without it, the project's fake server answers on loopback,
# so the whole pipeline (composition, requests, cache, scoring, results) runs offline.
# Extra arguments are passed to runner as overrides.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh release

if [[ -z ${BASE_URL:-} ]]; then
    log=$(mktemp)
    .build/release/fake-llm-server --port 0 --idle-timeout 30 >"$log" &
    server=$!
    trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
    for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
    BASE_URL="$(sed -n 's/^listening on //p' "$log")/v1"
fi

.build/release/runner +model=local_chat +task=mcq model.params.base_url="$BASE_URL" "$@"
