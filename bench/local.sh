#!/usr/bin/env bash
# The local backend against its peers, same machine, same run: greedy tokens/s and MCQ
# loglikelihood items/s for SmolLM2-135M-Instruct.
#
#   runner's Torch engine       bench/LocalBenchmark (release build)
#   llama-cpp-python            in process          (LLAMA_PYTHON: a python with llama_cpp)
#   transformers + torch (CPU)  in process          (TORCH_PYTHON: a python with torch, transformers, gguf)
#   llama.cpp's server          over HTTP, scored by runner's local_completions backend
#                               (LLAMA_PYTHON with llama_cpp[server] dependencies)
#
# Usage: LLAMA_PYTHON=... TORCH_PYTHON=... [DTYPES="float32 bfloat16 int8"] bench/local.sh
# Peers whose python is not given are skipped. Prints a JSON line per peer, then a table of ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh release >/dev/null
swift build -c release --static-swift-stdlib --product LocalBenchmark >/dev/null
swift build -c release --product RunnerTorch >/dev/null
model=$(ls models/smollm2/*.gguf | head -1)
out=$(mktemp)
trap 'rm -f "$out"; [[ -n ${server:-} ]] && kill $server 2>/dev/null || true' EXIT

# Every precision the engine has: float32, bfloat16 (what dtype auto picks on AVX-512 BF16 CPUs)
# and int8 (quantization: int8: weights and activations in int8 blocks of 32, VNNI products,
# float32 between them). DTYPES narrows the list.
for dtype in ${DTYPES:-float32 bfloat16 int8}; do
    .build/release/LocalBenchmark "$model" "$dtype" | tee -a "$out"
done
if [[ -n ${LLAMA_PYTHON:-} ]]; then
    "$LLAMA_PYTHON" bench/local_peers.py llama_cpp "$model" | tee -a "$out"
    # llama.cpp's OpenAI-compatible server, scored over HTTP the way any server is.
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$LLAMA_PYTHON" -m llama_cpp.server --model "$model" --host 127.0.0.1 --port "$port" --n_ctx 2048 --logits_all true >/dev/null 2>&1 &
    server=$!
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null && break; sleep 0.2; done
    if ! curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null; then
        echo "llama.cpp's server did not start (it needs llama-cpp-python[server]); skipped" >&2
        kill $server 2>/dev/null || true; server=""
    else
    dir=$(mktemp -d)
    start=$(date +%s.%N)
    .build/release/runner --quiet +model=local_completions +task=mcq task.scoring.mode=loglikelihood \
        model.params.base_url="http://127.0.0.1:$port/v1" response.cache.mode=off task.dataset.limit=20 hydra.run.dir="$dir/run" >/dev/null
    python3 - "$dir/run/results.json" >>"$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"backend": "llama.cpp server over HTTP (runner local_completions)", "mcq_items_per_second": r["timings"]["items_per_second"]}))
PY
    tail -n 1 "$out"
    kill $server; server=""
    rm -rf "$dir"
    fi
fi
if [[ -n ${TORCH_PYTHON:-} ]]; then
    "$TORCH_PYTHON" bench/local_peers.py transformers "$model" 2>/dev/null | tail -n 1 | tee -a "$out" || echo "transformers peer failed (it needs torch, transformers, gguf and accelerate)" >&2
fi

python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
ours = [r for r in rows if r["backend"].startswith("runner (libtorch")]
peers = [r for r in rows if r not in ours]
llama = next((r for r in peers if r["backend"].startswith("llama-cpp-python")), None)
f = lambda x: f"{x:.1f}" if x else "-"
print()
print("| backend | greedy tok/s, 1 stream | 16 streams | 64 streams | MCQ items/s |")
print("|---|---|---|---|---|")
for r in rows:
    print(f"| {r['backend']} | {f(r.get('greedy_tokens_per_second_1_stream'))} | {f(r.get('greedy_tokens_per_second_16_streams'))} "
          f"| {f(r.get('greedy_tokens_per_second_64_streams'))} | {f(r.get('mcq_items_per_second'))} |")
if llama:
    # Issue 16's goals, as ratios to llama-cpp-python in the same run.
    print()
    print("| runner dtype | MCQ / llama-cpp-python (goal 2x) | 64 streams / llama.cpp 1 stream (goal 3x) | 1 stream / llama.cpp 1 stream (goal 0.8x) |")
    print("|---|---|---|---|")
    l1, lm = llama["greedy_tokens_per_second_1_stream"], llama["mcq_items_per_second"]
    for r in ours:
        print(f"| {r['backend']} | {r['mcq_items_per_second'] / lm:.2f}x | {r['greedy_tokens_per_second_64_streams'] / l1:.2f}x "
              f"| {r['greedy_tokens_per_second_1_stream'] / l1:.2f}x |")
if ours:
    # A decoding step of 64 streams against its matrix products timed alone (goal: 80%).
    print()
    print("| runner dtype | 64-stream decoding steps, tok/s | weight products alone | + attention's products | step / products (goal 0.8) |")
    print("|---|---|---|---|---|")
    for r in ours:
        print(f"| {r['backend']} | {f(r.get('decode_steps_tokens_per_second_64_streams'))} | {f(r.get('weight_products_tokens_per_second_64_rows'))} "
              f"| {f(r.get('matrix_products_tokens_per_second_64_rows'))} | {r.get('decode_step_share_of_matrix_products_64', 0):.2f} |")
PY
