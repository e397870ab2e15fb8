#!/usr/bin/env bash
# lm-eval's own task library by name: `lm_eval --model hf --tasks mmlu` against the runner's
# `+task=lm_eval task.tasks=[mmlu]` on hf_local, same machine, same run, same checkpoint, same
# task files (Tests/TasksTests/Fixtures/lm_eval/library: lm-eval 0.4.13's, unchanged) and the
# same data (the fixtures' `datasets` Arrow cache: all 57 MMLU subjects, 120 test questions).
# Prints a JSON line per command (wall time from start to results, time to the first request),
# then the ratios.
#
# Usage: bench/lm_eval_library.sh [VENV]
#   LMEVAL_VENV  a venv with lm-eval[hf]==0.4.13, transformers, CPU torch (required)
#   MODEL        an HF checkpoint folder; default models/smollm2-hf (made by bench/lm_eval.sh),
#                else the tiny test llama
#   TASKS        default mmlu;  BATCH_SIZE (lm-eval's) default 1;  KEEP=1 keeps the outputs
# It builds nothing: build the release runner first (scripts/setup.sh release).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="${1:-${LMEVAL_VENV:?give a venv with lm-eval[hf]==0.4.13, transformers and CPU torch as LMEVAL_VENV=... or the first argument}}"
model="${MODEL:-}"
if [[ -z "$model" ]]; then
    if [[ -f models/smollm2-hf/config.json ]]; then model=models/smollm2-hf; else model=Tests/ModelsTests/Fixtures/hf_tiny/llama; fi
fi
model=$(cd "$model" && pwd)
tasks="${TASKS:-mmlu}"
batch="${BATCH_SIZE:-1}"
fixtures=Tests/TasksTests/Fixtures/lm_eval
[[ -x "$venv/bin/lm_eval" ]] || { echo "lm_eval_library.sh: no lm-eval in $venv (pip install 'lm-eval[hf]==0.4.13')" >&2; exit 1; }
[[ -x .build/release/runner ]] || { echo "lm_eval_library.sh: build the release runner first (scripts/setup.sh release)" >&2; exit 1; }

work=$(mktemp -d)
trap '[[ -n "${KEEP:-}" ]] && echo "kept $work" >&2 || rm -rf "$work"' EXIT
# lm-eval writes lock files into the datasets cache: each tool reads its own copy.
cp -a "$fixtures/hub/datasets_cache" "$work/lmeval_cache"
cp -a "$fixtures/hub/datasets_cache" "$work/runner_cache"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false HF_HOME="$work/hf_home" HF_HUB_CACHE="$work/hf_home/hub"

rows="$work/rows.jsonl"
HF_DATASETS_CACHE="$work/lmeval_cache" "$venv/bin/python" bench/first_line_timer.py lm_eval "Running (loglikelihood|generate_until)" "$work/lm_eval.log" -- \
    "$venv/bin/lm_eval" --model hf --model_args "pretrained=$model,dtype=float32" --tasks "$tasks" --batch_size "$batch" --device cpu \
    --log_samples --output_path "$work/lm_eval_out" | tee -a "$rows"
HF_DATASETS_CACHE="$work/runner_cache" "$venv/bin/python" bench/first_line_timer.py runner "job 0 starting" "$work/runner.log" -- \
    .build/release/runner --verbose +model=hf_local "model.params.checkpoint_path=$model" model.params.dtype=float32 +task=lm_eval \
    "task.tasks='$tasks'" "task.library=$root/$fixtures/library" "hydra.run.dir=$work/runner_out" response.cache.mode=off | tee -a "$rows"

"$venv/bin/python" - "$rows" "$work" "$tasks" <<'PY'
import glob, json, sys
rows = {r["name"]: r for r in map(json.loads, open(sys.argv[1]))}
work, tasks = sys.argv[2], sys.argv[3]
a, b = rows["lm_eval"], rows["runner"]
theirs = json.load(open(glob.glob(f"{work}/lm_eval_out/**/results_*.json", recursive=True)[0]))["results"]
ours = json.load(open(f"{work}/runner_out/results.json"))["lm_eval"]["results"]
first = tasks.split(",")[0]
same = all(abs(theirs[t].get(k, 0) - ours.get(t, {}).get(k, 0)) < 1e-9 for t in theirs for k in theirs[t] if isinstance(theirs[t][k], float))
print(f"{tasks}: wall lm-eval {a['wall_s']} s, runner {b['wall_s']} s ({a['wall_s'] / b['wall_s']:.1f}x); "
      f"first request lm-eval {a['first_request_s']} s, runner {b['first_request_s']} s "
      f"({a['first_request_s'] / max(b['first_request_s'], 0.01):.1f}x); {first} acc lm-eval {theirs[first].get('acc,none')}, "
      f"runner {ours[first].get('acc,none')}; every task's and group's numbers equal: {same}")
PY
