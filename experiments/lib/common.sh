# Shared by the experiment scripts: find the runner, and a server to talk to.
#
#   BASE_URL  an OpenAI-compatible server (vLLM, llama.cpp's llama-server, ...), e.g.
#             http://127.0.0.1:8000/v1. Unset: the project's fake test server is started on a
#             free loopback port and stopped when the script ends.
#   RUNNER    the runner binary; default: the newer of .build/release/runner and
#             .build/debug/runner (built on first use). FAKE_LLM_SERVER likewise.
#
# The scripts run the runner as a child (not with exec), so that the EXIT trap below stops
# the fake server however the sweep ends.
#   SWEEP_DIR where the sweep writes; default multirun/<date>/<time>_<experiment>.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# The most recently built of the release and debug binaries, building one if neither exists.
find_binary() {
    local name=$1 newest=""
    for candidate in ".build/release/$name" ".build/debug/$name"; do
        if [[ -x $candidate && ( -z $newest || $candidate -nt $newest ) ]]; then newest=$candidate; fi
    done
    if [[ -z $newest ]]; then
        swift build --product "$name" >&2
        newest=".build/debug/$name"
    fi
    echo "$newest"
}

RUNNER=${RUNNER:-$(find_binary runner)}

if [[ -z ${BASE_URL:-} ]]; then
    server_bin=${FAKE_LLM_SERVER:-$(find_binary fake-llm-server)}
    server_log=$(mktemp)
    "$server_bin" --port 0 --idle-timeout 30 > "$server_log" &
    server_pid=$!
    trap 'kill $server_pid 2>/dev/null || true; rm -f "$server_log"' EXIT
    for _ in $(seq 50); do
        grep -q listening "$server_log" && break
        sleep 0.1
    done
    BASE_URL="$(sed -n 's/^listening on //p' "$server_log")/v1"
    echo "[experiments] no BASE_URL given: using the fake test server at $BASE_URL" >&2
fi
