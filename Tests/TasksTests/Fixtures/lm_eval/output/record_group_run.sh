#!/usr/bin/env bash
# Re-records group_run/ (lm-eval 0.4.13 on the groups in groups/ over ../tasks) and tables.json.
#   usage: record_group_run.sh VENV
set -euo pipefail
VENV=$(cd "${1:?usage: record_group_run.sh VENV}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../../../../.." && pwd)
WORK=$(mktemp -d); INC=$WORK/include; mkdir -p "$INC"
cp "$HERE"/../tasks/*.yaml "$HERE"/groups/*.yaml "$INC"/
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false HF_HOME=$WORK/hf HF_DATASETS_CACHE=$WORK/hf/datasets
(cd "$HERE/../tasks" && "$VENV/bin/lm_eval" --model hf --model_args "pretrained=$REPO/Tests/ModelsTests/Fixtures/hf_tiny/llama,dtype=float32" \
  --include_path "$INC" --log_samples --batch_size 1 --device cpu --tasks out_top,out_heading --output_path "$WORK/out") > "$WORK/stdout"
rm -f "$HERE"/group_run/samples_*.jsonl
for f in "$WORK"/out/*/samples_*.jsonl; do t=$(basename "$f" | sed -E 's/^samples_(.*)_[0-9]{4}-[0-9]{2}-[0-9]{2}T.*$/\1/'); cp "$f" "$HERE/group_run/samples_$t.jsonl"; done
cp "$WORK"/out/*/results_*.json "$HERE/group_run/results.json"
grep '^|' "$WORK/stdout" > "$HERE/group_run/table.md"
"$VENV/bin/python" - "$REPO" "$INC" "$HERE"/group_run/* <<'PYEOF'
import json, sys
repo, inc, *files = sys.argv[1:]
for f in files:
    if f.endswith("command.txt"): continue
    s = open(f, encoding="utf-8").read().replace(repo, "<REPO>").replace(inc, "<INCLUDE>")
    if f.endswith("results.json"):
        d = json.loads(s); d["pretty_env_info"] = "<stripped: machine-specific>"
        s = json.dumps(d, indent=2, ensure_ascii=False)
    open(f, "w", encoding="utf-8").write(s)
PYEOF
(cd "$HERE" && "$VENV/bin/python" make_tables.py > tables.json)
rm -rf "$WORK"
