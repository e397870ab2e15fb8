#!/usr/bin/env bash
# MMLU start-up: lm-eval's 57 MMLU subjects opened from the `datasets` cache and their first
# prompt built, the runner against lm-eval on the same cache. In a temp dir (HUB_BENCH_DIR keeps
# it), bench/hub_data.py writes a cais/mmlu-shaped repo with the 57 subject names of lm-eval's
# mmlu/default task files (test 10, validation 2, dev 5 rows each), the datasets cache built from
# it by `datasets` itself, and copies those task files. Then, RUNS times each (default 3):
#   lm-eval, whole command:   lm_eval --model dummy --tasks mmlu --limit 1   (random answers, no weights)
#   lm-eval, in process:      TaskManager + get_task_dict(["mmlu"]) + each first prompt
#   runner, in process:       HubDataBenchmark: each task file built as +task=lm_eval builds it, first request
#   runner, whole command:    one subject, runner +model=hf_local (the tiny test checkpoint) task.limit=1
# Prints one JSON line per measurement and a table of medians. Goal: all 57 under 100 ms.
# Builds nothing: first `swift build -c release --product HubDataBenchmark --product runner`.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
python="${PYTHON:?set PYTHON to a python with lm-eval 0.4.13 and datasets (python3 -m venv V && V/bin/pip install lm-eval==0.4.13)}"
lm_eval="${LM_EVAL:-$(dirname "$python")/lm_eval}"
runs="${RUNS:-3}"
for binary in HubDataBenchmark runner; do
    if [ ! -x ".build/release/$binary" ]; then
        echo "build first: swift build -c release --product HubDataBenchmark && swift build -c release --product runner" >&2
        exit 1
    fi
done
work="${HUB_BENCH_DIR:-}"
if [ -z "$work" ]; then work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
[ -d "$work/tasks" ] || "$python" bench/hub_data.py make "$work" 2>/dev/null
mkdir -p "$work/empty"
# Only the cache under test: nothing of this machine's own Hugging Face folders is read.
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 HF_DATASETS_CACHE="$work/datasets_cache" HF_HOME="$work/empty" HF_HUB_CACHE="$work/empty"
lines="$work/measurements.jsonl"
: > "$lines"
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }
for _ in $(seq "$runs"); do
    s=$(cd "$work" && seconds "$lm_eval" --model dummy --tasks mmlu --limit 1)
    echo "{\"measure\": \"lm-eval command\", \"tasks\": 57, \"total_s\": $s}" | tee -a "$lines"
    (cd "$work" && "$python" "$root/bench/hub_data.py" lmeval-load 2>/dev/null) | tee -a "$lines"
    .build/release/HubDataBenchmark "$work/tasks" 1 | tee -a "$lines"
    s=$(seconds .build/release/runner --quiet +model=hf_local +task=lm_eval "task.path=$work/tasks/mmlu_anatomy.yaml" task.limit=1 \
        model.params.checkpoint_path=Tests/ModelsTests/Fixtures/hf_tiny/llama response.cache.mode=off "hydra.run.dir=$work/run")
    echo "{\"measure\": \"runner command\", \"tasks\": 1, \"total_s\": $s}" | tee -a "$lines"
done
"$python" - "$lines" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def median(measure, key="total_s"):
    return statistics.median(r[key] for r in rows if r["measure"] == measure)
print(f"\n{'measure (median of runs)':54} {'tasks':>5} {'seconds':>9}")
for measure, label in [("lm-eval command", "lm-eval command (dummy model, --limit 1)"),
                       ("lm-eval in process", "lm-eval in process, after import"),
                       ("runner in process", "runner in process (HubDataBenchmark)"),
                       ("runner command", "runner command, one subject, tiny hf_local model")]:
    key = "total_after_import_s" if measure == "lm-eval in process" else "total_s"
    tasks = next(r["tasks"] for r in rows if r["measure"] == measure)
    print(f"{label:54} {tasks:>5} {median(measure, key):>9.3f}")
print(f"lm-eval in process: import {median('lm-eval in process', 'import_s'):.2f} s, task index {median('lm-eval in process', 'task_index_s'):.2f} s, "
      f"tasks and datasets {median('lm-eval in process', 'load_tasks_s'):.2f} s, first prompts {median('lm-eval in process', 'first_prompts_s'):.3f} s")
print(f"57 subjects, lm-eval after import / runner in process: {median('lm-eval in process', 'total_after_import_s') / median('runner in process'):.0f}x; "
      f"lm-eval command / runner in process: {median('lm-eval command') / median('runner in process'):.0f}x")
PY
