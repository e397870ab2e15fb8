#!/usr/bin/env bash
# Records lm-eval 0.4.13's own runs of the task files in tasks/ (samples and results) and the
# filter and template references, for LMEvalFeatureTests.
#   usage: record.sh VENV
set -euo pipefail
VENV=$(cd "${1:?usage: record.sh VENV}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../../../.." && pwd)
LLAMA=$REPO/Tests/ModelsTests/Fixtures/hf_tiny/llama
WORK=${WORK:-/tmp/lm_eval_features}
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export HF_HOME=${HF_HOME:-$WORK/hf_home} HF_DATASETS_CACHE=${HF_DATASETS_CACHE:-$WORK/hf_home/datasets}
mkdir -p "$WORK" "$HERE/recorded"
for task in feat_multiple_input feat_multiple_target_gen; do
  rm -rf "$WORK/$task" "$HERE/recorded/$task"; mkdir -p "$HERE/recorded/$task"
  (cd "$HERE/tasks" && "$VENV/bin/lm_eval" --model hf --model_args "pretrained=$LLAMA,dtype=float32" --include_path . \
     --log_samples --batch_size 1 --device cpu --tasks "$task" --output_path "$WORK/$task") > "$WORK/$task.log" 2>&1
  cp "$(find "$WORK/$task" -name 'samples_*.jsonl' | head -n 1)" "$HERE/recorded/$task/samples.jsonl"
  "$VENV/bin/python" - "$(find "$WORK/$task" -name 'results_*.json' | head -n 1)" "$HERE/recorded/$task/results.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
json.dump({"results": r["results"], "n-shot": r["n-shot"]}, open(sys.argv[2], "w"), indent=2, sort_keys=True)
PYEOF
done
"$VENV/bin/python" "$HERE/record_filters.py" > "$HERE/recorded/filters.json"
"$VENV/bin/python" "$HERE/record_templates.py" > "$HERE/recorded/templates.json"
"$VENV/bin/python" "$HERE/record_scores.py" > "$HERE/recorded/multiple_target_scores.json"
