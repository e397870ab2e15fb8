#!/usr/bin/env bash
# The runner's lm_eval task against lm-evaluation-harness 0.4.13 itself, same machine, same
# run, same task YAMLs (bench/lm_eval/):
#
#   multiple_choice   lm-eval --model hf (batch 1 and batch 8)   vs  runner +model=hf_local
#                     on mc_bench.yaml (40 questions, 2 shots), SmolLM2-135M-Instruct as a
#                     float32 Hugging Face folder (models/smollm2-hf, made from the GGUF by
#                     transformers' GGUF loader when missing), CPU
#   generate_until    lm-eval --model local-chat-completions     vs  runner +model=local_chat
#                     on gen_bench.yaml (200 docs, 3 shots, until "\n\n", 16 tokens), both
#                     against .build/release/fake-llm-server (20 ms a request), 8 in flight
#
# Usage: LMEVAL_VENV=/path/to/venv bench/lm_eval.sh        (or: bench/lm_eval.sh /path/to/venv)
#   LMEVAL_VENV     a venv with lm-eval[hf,api]==0.4.13, transformers, torch (CPU) (required)
#   CONVERT_PYTHON  the python that makes models/smollm2-hf when it is missing (needs torch, accelerate,
#                   transformers and gguf); default LMEVAL_VENV's
#   BATCH_SIZES     lm-eval hf batch sizes, default "1 8";  LATENCY_MS default 20;
#   CONCURRENCY     requests in flight on both sides, default 8;  PARTS default "mc gen"
#   KEEP=1          keep the temp folder (both tools' results, samples and logs)
# It builds nothing: build the release binaries first (scripts/setup.sh release builds runner
# and fake-llm-server). Prints a JSON line per measurement, then the tables. Wall times are of
# whole commands (process start, imports, model load, data, scoring, writing results and
# per-doc samples: lm-eval gets --log_samples, as the runner always writes samples.jsonl); the
# runner's own timer (results.json timings.items_per_second) leaves the model load out.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${1:-${LMEVAL_VENV:?give a venv with lm-eval[hf,api]==0.4.13, transformers and CPU torch as LMEVAL_VENV=... or the first argument}}"
batch_sizes="${BATCH_SIZES:-1 8}"
latency="${LATENCY_MS:-20}"
concurrency="${CONCURRENCY:-8}"
parts="${PARTS:-mc gen}"
gguf=models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
hf=models/smollm2-hf

die() { echo "lm_eval.sh: $*" >&2; exit 1; }

py="$venv/bin/python"
[[ -x "$py" && -x "$venv/bin/lm_eval" ]] ||
    die "no lm-eval venv at '$venv' (need $venv/bin/python and $venv/bin/lm_eval). Give one as LMEVAL_VENV=... or as the first argument; make it with: python3.11 -m venv V && V/bin/pip install 'lm-eval[hf,api]==0.4.13' torch --extra-index-url https://download.pytorch.org/whl/cpu"
for binary in runner fake-llm-server; do
    [[ -x .build/release/$binary ]] ||
        die "missing .build/release/$binary: build the release binaries first (scripts/setup.sh release builds runner and fake-llm-server)"
done
version="$("$py" -c 'import importlib.metadata as m; print(m.version("lm_eval"))' 2>/dev/null)" ||
    die "$py cannot import lm_eval"
[[ "$version" == 0.4.13 ]] || echo "lm_eval.sh: warning: lm_eval $version in $venv; the runner follows 0.4.13" >&2
for file in bench/lm_eval/mc_bench.yaml bench/lm_eval/gen_bench.yaml bench/lm_eval/data/{mc,gen}_bench_{train,test}.jsonl; do
    [[ -f "$file" ]] || die "missing $file (the data files are written by: python3 bench/lm_eval_peers.py data)"
done

read -r load _ </proc/loadavg || load=0
"$py" -c 'import sys; sys.exit(float(sys.argv[1]) < 0.5)' "$load" &&
    echo "lm_eval.sh: warning: load average $load before starting; another job (a build?) makes these timings noisy" >&2

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [[ -n "${KEEP:-}" ]]; then echo "lm_eval.sh: outputs and logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# lm-eval reads only local files; its datasets cache goes to the temp folder (removed at the end).
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export HF_DATASETS_CACHE="$work/datasets"
out="$work/rows.jsonl"

# timed NAME COMMAND...: runs COMMAND (output to $work/NAME.log, shown if it fails); sets $wall.
timed() {
    local name=$1 start end
    shift
    start=$(date +%s.%N)
    if ! "$@" >"$work/$name.log" 2>&1; then
        echo "lm_eval.sh: $name failed: $*" >&2
        tail -n 40 "$work/$name.log" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    wall=$("$py" -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$end")
}

record() { "$py" bench/lm_eval_peers.py record "$@" | tee -a "$out"; }

if [[ " $parts " == *" mc "* ]]; then
    if [[ ! -f $hf/config.json || ! -f $hf/model.safetensors ]]; then
        [[ -f $gguf ]] || die "missing $gguf (scripts/setup.sh fetches it) to make $hf from"
        convert_py="${CONVERT_PYTHON:-$py}"
        "$convert_py" -c 'import gguf, torch, transformers, accelerate' 2>/dev/null ||
            die "$hf is missing and $convert_py cannot make it: it needs torch, transformers, gguf and accelerate ('$convert_py -m pip install gguf accelerate', or CONVERT_PYTHON=a python that has them, or copy a converted folder to $hf)"
        echo "lm_eval.sh: making $hf from $gguf (float32, transformers' GGUF loader)" >&2
        rm -rf "$hf.partial"
        "$convert_py" bench/lm_eval_peers.py convert "$gguf" "$hf" >"$work/convert.log" 2>&1 ||
            { tail -n 40 "$work/convert.log" >&2; rm -rf "$hf.partial"; die "conversion failed"; }
    fi
    for b in $batch_sizes; do
        timed "lmeval_mc_b$b" "$venv/bin/lm_eval" --model hf --model_args "pretrained=$PWD/$hf,dtype=float32" \
            --tasks mc_bench --include_path bench/lm_eval --batch_size "$b" --device cpu --log_samples --output_path "$work/lmeval_mc_b$b"
        record multiple_choice "lm-eval $version hf (batch $b)" "$wall" "$work/lmeval_mc_b$b"
    done
    timed runner_mc .build/release/runner --quiet +model=hf_local +task=lm_eval task.path=bench/lm_eval/mc_bench.yaml \
        model.params.checkpoint_path=$hf response.cache.mode=off hydra.run.dir="$work/runner_mc"
    record multiple_choice "runner hf_local" "$wall" "$work/runner_mc/results.json"
fi

if [[ " $parts " == *" gen "* ]]; then
    # --port 0: the server binds a free port itself and prints it.
    .build/release/fake-llm-server --port 0 --latency-ms "$latency" --idle-timeout 600 >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
        grep -q listening "$work/server.log" && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "fake-llm-server exited"; }
        sleep 0.1
    done
    port="$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/server.log" | grep -o '[0-9]*$')" ||
        die "fake-llm-server did not say its port: $(cat "$work/server.log")"
    # Chat requests the server has answered so far (its GET .../stats).
    served() {
        "$py" -c 'import json, sys, urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))["by_endpoint"].get("chat/completions", 0))' \
            "http://127.0.0.1:$port/v1/stats"
    }

    before=$(served)
    timed lmeval_gen "$venv/bin/lm_eval" --model local-chat-completions \
        --model_args "model=fake,base_url=http://127.0.0.1:$port/v1/chat/completions,num_concurrent=$concurrency" \
        --apply_chat_template --tasks gen_bench --include_path bench/lm_eval --log_samples --output_path "$work/lmeval_gen"
    after=$(served)
    record generate_until "lm-eval $version local-chat-completions" "$wall" "$work/lmeval_gen" \
        requests=$((after - before)) latency_ms="$latency" concurrency="$concurrency"

    before=$after
    timed runner_gen .build/release/runner --quiet +model=local_chat +task=lm_eval task.path=bench/lm_eval/gen_bench.yaml \
        model.params.base_url="http://127.0.0.1:$port/v1" model.params.model=fake response.max_concurrency="$concurrency" \
        response.cache.mode=off hydra.run.dir="$work/runner_gen"
    after=$(served)
    record generate_until "runner local_chat" "$wall" "$work/runner_gen/results.json" \
        requests=$((after - before)) latency_ms="$latency" concurrency="$concurrency"
fi

"$py" bench/lm_eval_peers.py table "$out"
