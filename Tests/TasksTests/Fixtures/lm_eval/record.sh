#!/usr/bin/env bash
# Re-records every lm-eval reference run in recorded/.
#   usage: record.sh VENV [RUN_NAME ...]      (no names = all runs)
# VENV must have lm-eval 0.4.13 (extras hf,api), transformers<5.20, flask and the CPU torch.
# Runs are executed with cwd = tasks/ (the YAMLs' data_files paths are relative to the cwd).
# Absolute paths of this checkout are replaced by <REPO> in the copied files.
set -uo pipefail
VENV=$(cd "${1:?usage: record.sh VENV [RUN ...]}" && pwd); shift
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../../.." && pwd)
TASKS=$HERE/tasks
OUT=$HERE/recorded
WORK=${WORK:-/tmp/lm_eval_record}
LLAMA=$REPO/Tests/ModelsTests/Fixtures/hf_tiny/llama
# llama/ with max_position_embeddings 4096 (same weights, same logits): for the library runs whose
# prompts exceed 256 tokens, which lm-eval would left-truncate (the runner skips such prompts)
LLAMA4K=$REPO/Tests/ModelsTests/Fixtures/hf_tiny/llama_4k
QWEN2=$REPO/Tests/ModelsTests/Fixtures/hf_tiny/qwen2
PORT=${PORT:-18765}
PY=$VENV/bin/python
LM_EVAL=$VENV/bin/lm_eval
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export HF_HOME=${HF_HOME:-$WORK/hf_home} HF_DATASETS_CACHE=${HF_DATASETS_CACHE:-$WORK/hf_home/datasets}
SELECTED=" $* "
mkdir -p "$WORK" "$OUT"

want() { [[ "$SELECTED" == "  " || "$SELECTED" == *" $1 "* ]]; }

sanitize() {  # replace absolute checkout paths in copied files
  "$PY" - "$REPO" "$WORK" "$@" <<'PYEOF'
import sys
repo, work, *files = sys.argv[1:]
for f in files:
    s = open(f, encoding="utf-8").read()
    s = s.replace(repo, "<REPO>").replace(work, "<WORK>")
    open(f, "w", encoding="utf-8").write(s)
PYEOF
}

# run NAME -- lm_eval args...
run() {
  local name=$1; shift; shift
  want "$name" || return 0
  local dest=$OUT/$name out=$WORK/$name
  rm -rf "$dest" "$out"; mkdir -p "$dest"
  local args=("$@" --output_path "$out")
  "$PY" -c 'import shlex, sys; print("cd tasks && " + shlex.join(sys.argv[1:]))' lm_eval "${args[@]}" > "$dest/command.txt"
  echo "=== $name"; cat "$dest/command.txt"
  (cd "$TASKS" && "$LM_EVAL" "${args[@]}") > "$WORK/$name.stdout" 2> "$WORK/$name.stderr"
  local rc=$?
  echo "$rc" > "$dest/exit_code.txt"
  if [[ $rc -ne 0 ]]; then
    tail -n 25 "$WORK/$name.stderr" > "$dest/error.txt"
    echo "    FAILED rc=$rc"; tail -n 3 "$dest/error.txt"
  fi
  local s r
  s=$(find "$out" -name 'samples_*.jsonl' 2>/dev/null | head -n 1)
  r=$(find "$out" -name 'results_*.json' 2>/dev/null | head -n 1)
  [[ -n "$s" ]] && cp "$s" "$dest/samples.jsonl"
  [[ -n "$r" ]] && cp "$r" "$dest/results.json"
  grep '^|' "$WORK/$name.stdout" > "$dest/table.md" || true
  [[ -f "$WORK/$name.requests.jsonl" ]] && mv "$WORK/$name.requests.jsonl" "$dest/requests.jsonl"
  sanitize "$dest"/*
  [[ -s "$dest/table.md" ]] || rm -f "$dest/table.md"
}

start_server() {  # start_server NAME [TOKENIZER_DIR]
  rm -f "$WORK/$1.requests.jsonl"
  "$PY" "$HERE/fake_openai_server.py" "$PORT" "$WORK/$1.requests.jsonl" ${2:-} > "$WORK/$1.server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    "$PY" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $PORT)))" && return 0
    sleep 0.2
  done
  echo "server did not start"; return 1
}
stop_server() { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; }

HF=(--model hf --model_args "pretrained=$LLAMA,dtype=float32" --include_path . --log_samples --batch_size 1 --device cpu)

# ---- hf backend, tiny llama
run mc_fewshot      -- "${HF[@]}" --tasks mc_fewshot
run mc_selfshot     -- "${HF[@]}" --tasks mc_selfshot
run gen_fewshot     -- "${HF[@]}" --tasks gen_fewshot
run include_child   -- "${HF[@]}" --tasks include_child
run ll_plain        -- "${HF[@]}" --tasks ll_plain
run rolling         -- "${HF[@]}" --tasks rolling
run mc_mutual_info  -- "${HF[@]}" --tasks mc_mutual_info
run mc_fewshot_chat -- "${HF[@]}" --tasks mc_fewshot --apply_chat_template
run gen_fewshot_chat -- "${HF[@]}" --tasks gen_fewshot --apply_chat_template
run mc_fewshot_chat_multiturn -- "${HF[@]}" --tasks mc_fewshot --apply_chat_template --fewshot_as_multiturn
# lm-eval 0.4.13's CLI turns fewshot_as_multiturn on by itself with --apply_chat_template;
# "--fewshot_as_multiturn false" is needed for the single-turn layout
run mc_fewshot_chat_singleturn -- "${HF[@]}" --tasks mc_fewshot --apply_chat_template --fewshot_as_multiturn false
run gen_fewshot_chat_singleturn -- "${HF[@]}" --tasks gen_fewshot --apply_chat_template --fewshot_as_multiturn false
# a task without description (the ChatML template then adds its default system prompt) and
# with custom delimiters; --limit 5 keeps these small
run mc_selfshot_chat_limit5 -- "${HF[@]}" --tasks mc_selfshot --apply_chat_template --limit 5
run mc_selfshot_chat_singleturn_limit5 -- "${HF[@]}" --tasks mc_selfshot --apply_chat_template --fewshot_as_multiturn false --limit 5
run mc_fewshot_limit5 -- "${HF[@]}" --tasks mc_fewshot --limit 5
run mc_fewshot_nshot1 -- "${HF[@]}" --tasks mc_fewshot --num_fewshot 1
run gen_fewshot_sysinst -- "${HF[@]}" --tasks gen_fewshot --system_instruction "Be brief."
# ---- hf backend, tiny qwen2
if [[ -d "$QWEN2" ]]; then
  run qwen2_mc_fewshot -- --model hf --model_args "pretrained=$QWEN2,dtype=float32" --include_path . --log_samples --batch_size 1 --device cpu --tasks mc_fewshot
fi

# ---- lm-eval's own task files on Hugging Face hub data, read offline from the datasets cache
# that hub/make_hub_data.py wrote (a copy, so lm-eval's lock files stay out of the fixtures);
# one shot, since the tiny checkpoint has a 256-token context and longer prompts are left-truncated
# by lm-eval's hf backend where the runner skips them
# (one shot: the tiny checkpoint has a 256-token context, and lm-eval left-truncates longer prompts
# where the runner skips them)
rm -rf "$WORK/hub_datasets_cache"; cp -a "$HERE/hub/datasets_cache" "$WORK/hub_datasets_cache"
HUB=(--model hf --model_args "pretrained=$LLAMA,dtype=float32" --log_samples --batch_size 1 --device cpu)
HF_DATASETS_CACHE="$WORK/hub_datasets_cache" run hub_arc_easy -- "${HUB[@]}" --tasks arc_easy
HF_DATASETS_CACHE="$WORK/hub_datasets_cache" run hub_mmlu_abstract_algebra -- "${HUB[@]}" --tasks mmlu_abstract_algebra --num_fewshot 1
HF_DATASETS_CACHE="$WORK/hub_datasets_cache" run hub_gsm8k -- "${HUB[@]}" --tasks gsm8k --num_fewshot 1 --gen_kwargs max_gen_toks=32

# ---- lm-eval's own task library by name (the folders of library/, which are unchanged copies of
# the installed lm_eval/tasks folders: `diff -r` shows none differs, so lm-eval reads the same
# files by name from its package), on the hub data of hub/ read offline from the datasets cache.
# Every samples_<task>_<date>.jsonl of a run is kept, as samples_<task>.jsonl (a group run writes
# one per leaf task); timing.txt has the wall time of the lm_eval process and the seconds from its
# start to its first "Running ... requests" log line (time to the first request).
# max_gen_toks=16 keeps generation runs short (the tiny model never stops by itself).
run_lib() {
  local name=$1; shift; shift
  want "$name" || return 0
  local dest=$OUT/$name out=$WORK/$name
  rm -rf "$dest" "$out"; mkdir -p "$dest"
  local args=("$@" --output_path "$out")
  "$PY" -c 'import shlex, sys; print("cd tasks && " + shlex.join(sys.argv[1:]))' lm_eval "${args[@]}" > "$dest/command.txt"
  echo "=== $name"; cat "$dest/command.txt"
  local t0; t0=$("$PY" -c 'import time; print(time.time())')
  (cd "$TASKS" && HF_DATASETS_CACHE="$WORK/hub_datasets_cache" "$LM_EVAL" "${args[@]}") > "$WORK/$name.stdout" \
    2> >("$PY" -u -c 'import sys, time
t0 = float(sys.argv[1])
for line in sys.stdin:
    sys.stdout.write(f"{time.time() - t0:9.3f} {line}")' "$t0" > "$WORK/$name.stderr")
  local rc=$?
  local t1; t1=$("$PY" -c 'import time; print(time.time())')
  sleep 1  # let the stderr timestamper finish
  echo "$rc" > "$dest/exit_code.txt"
  if [[ $rc -ne 0 ]]; then
    tail -n 25 "$WORK/$name.stderr" | cut -c11- > "$dest/error.txt"
    echo "    FAILED rc=$rc"; tail -n 3 "$dest/error.txt"
  fi
  "$PY" - "$t0" "$t1" "$WORK/$name.stderr" > "$dest/timing.txt" <<'PYEOF'
import re, sys
t0, t1, log = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
first = next((l.split()[0] for l in open(log, encoding="utf-8", errors="replace") if re.search(r"Running \w+ requests", l)), "n/a")
print(f"wall_seconds {t1 - t0:.1f}\nfirst_request_seconds {first}\n(2 CPU cores shared with other jobs; lm-eval 0.4.13, hf backend, float32, batch_size 1)")
PYEOF
  local f base task
  for f in $(find "$out" -name 'samples_*.jsonl' 2>/dev/null | sort); do
    base=$(basename "$f" .jsonl); task=${base#samples_}; task=${task%_*}
    cp "$f" "$dest/samples_$task.jsonl"
  done
  f=$(find "$out" -name 'results_*.json' 2>/dev/null | head -n 1)
  [[ -n "$f" ]] && cp "$f" "$dest/results.json"
  grep '^|' "$WORK/$name.stdout" > "$dest/table.md" || true
  sanitize "$dest"/*
  [[ -s "$dest/table.md" ]] || rm -f "$dest/table.md"
}
LIB=(--model hf --model_args "pretrained=$LLAMA,dtype=float32" --batch_size 1 --device cpu --log_samples)
# runs with prompts over 256 tokens use llama_4k (max_length 4096): nothing is left-truncated
LIB4K=(--model hf --model_args "pretrained=$LLAMA4K,dtype=float32" --batch_size 1 --device cpu --log_samples)
run_lib lib_mmlu -- "${LIB[@]}" --tasks mmlu
run_lib lib_hellaswag -- "${LIB[@]}" --tasks hellaswag
run_lib lib_winogrande -- "${LIB[@]}" --tasks winogrande
run_lib lib_truthfulqa_mc2 -- "${LIB4K[@]}" --tasks truthfulqa_mc2
run_lib lib_gsm8k -- "${LIB4K[@]}" --tasks gsm8k --gen_kwargs max_gen_toks=16
run_lib lib_lambada_openai -- "${LIB[@]}" --tasks lambada_openai
run_lib lib_leaderboard_musr -- "${LIB[@]}" --tasks leaderboard_musr
run_lib lib_leaderboard_mmlu_pro -- "${LIB[@]}" --tasks leaderboard_mmlu_pro
# the shipped 3-shot CoT prompts run up to ~3.5k tokens
run_lib lib_bbh_cot_fewshot -- "${LIB4K[@]}" --tasks bbh_cot_fewshot --gen_kwargs max_gen_toks=16
# zero-shot: all but the 2 snarks prompts fit in 256 (those 2 are left-truncated by lm-eval)
run_lib lib_bbh_cot_fewshot_0shot -- "${LIB[@]}" --tasks bbh_cot_fewshot --num_fewshot 0 --gen_kwargs max_gen_toks=16
run_lib lib_combined -- "${LIB4K[@]}" --tasks mmlu,hellaswag,winogrande,gsm8k,truthfulqa_mc2 --gen_kwargs max_gen_toks=16
# a user's group (groups/my_suite.yaml): a tag, a library task with an override, a nested library
# group, an inline task, group-level num_fewshot and aggregate_metric_list; every prompt fits in 256
run_lib lib_groups -- "${LIB[@]}" --include_path ../groups --tasks my_suite

# ---- local-chat-completions against fake_openai_server.py
CHAT=(--model local-chat-completions --model_args "model=tiny,base_url=http://127.0.0.1:$PORT/v1/chat/completions,num_concurrent=1,max_retries=1,tokenized_requests=False" --include_path . --log_samples --tasks gen_fewshot)
for v in chat_plain chat_multiturn chat_singleturn chat_sysinst chat_no_template chat_multiturn_no_template; do
  want "$v" || continue
  start_server "$v" || continue
  case $v in
    chat_plain)       run "$v" -- "${CHAT[@]}" --apply_chat_template ;;
    chat_multiturn)   run "$v" -- "${CHAT[@]}" --apply_chat_template --fewshot_as_multiturn ;;
    chat_singleturn)  run "$v" -- "${CHAT[@]}" --apply_chat_template --fewshot_as_multiturn false ;;
    chat_sysinst)     run "$v" -- "${CHAT[@]}" --apply_chat_template --system_instruction "Be brief." ;;
    chat_multiturn_no_template) run "$v" -- "${CHAT[@]}" --fewshot_as_multiturn ;;
    chat_no_template) run "$v" -- "${CHAT[@]}" ;;
  esac
  stop_server
done

# ---- local-completions (echo logprobs) against fake_openai_server.py
COMP="model=tiny,base_url=http://127.0.0.1:$PORT/v1/completions,tokenizer_backend=huggingface,tokenizer=$LLAMA,num_concurrent=1,max_retries=1"
for v in completions_tok completions_str completions_gen; do
  want "$v" || continue
  start_server "$v" "$LLAMA" || continue
  case $v in
    completions_tok) run "$v" -- --model local-completions --model_args "$COMP,tokenized_requests=True" --include_path . --log_samples --tasks mc_fewshot ;;
    completions_str) run "$v" -- --model local-completions --model_args "$COMP,tokenized_requests=False" --include_path . --log_samples --tasks mc_fewshot ;;
    completions_gen) run "$v" -- --model local-completions --model_args "$COMP,tokenized_requests=False" --include_path . --log_samples --tasks gen_fewshot ;;
  esac
  stop_server
done
# ---- finalize: strip the machine description from results.json and replace files that are
# byte-identical to the same file of an earlier run (sorted by name) by FILE.same_as (naming that run)
"$PY" - "$OUT" <<'PYEOF'
import json, os, sys
out = sys.argv[1]
seen = {}
for run in sorted(os.listdir(out)):
    d = os.path.join(out, run)
    r = os.path.join(d, "results.json")
    if os.path.exists(r):
        data = json.load(open(r, encoding="utf-8"))
        if "pretty_env_info" in data:
            data["pretty_env_info"] = "<stripped: machine-specific>"
            with open(r, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=2, ensure_ascii=False)
                f.write("\n")
    for s in sorted(os.path.join(d, n) for n in os.listdir(d) if n.startswith("samples") and n.endswith(".jsonl")):
        # drop the sha256 fields (recomputable, see README) to keep fixtures small
        lines = [json.loads(l) for l in open(s, encoding="utf-8")]
        with open(s, "w", encoding="utf-8") as f:
            for x in lines:
                for k in ("doc_hash", "prompt_hash", "target_hash"):
                    x.pop(k, None)
                f.write(json.dumps(x, ensure_ascii=False) + "\n")
    for name in ("samples.jsonl", "requests.jsonl"):
        p = os.path.join(d, name)
        if not os.path.exists(p):
            continue
        blob = open(p, "rb").read()
        if (name, blob) in seen:
            os.remove(p)
            with open(p + ".same_as", "w") as f:
                f.write(seen[(name, blob)] + "\n")
        else:
            seen[(name, blob)] = run
PYEOF
echo done
