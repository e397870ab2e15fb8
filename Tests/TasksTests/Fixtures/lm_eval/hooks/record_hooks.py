"""Records what lm-eval 0.4.13 itself computes for the unchanged task files in ../library/ (lm-eval 0.4.13's own) on the
small data in data/: the processed documents, doc_to_text/doc_to_target/doc_to_choice values,
the zero-shot context, and process_results on fixed loglikelihoods. LMEvalHookTests compares
the runner's values with expected.json.

Run with lm-eval's venv:  /work/scratch/venv-lmeval/bin/python record_hooks.py
"""
import json
import os

from lm_eval.api.task import ConfigurableTask
from lm_eval.tasks._yaml_loader import load_yaml

HERE = os.path.dirname(os.path.abspath(__file__))

TASKS = {
    "hellaswag": ("../library/hellaswag/hellaswag.yaml", {"train": "hellaswag_train.jsonl", "validation": "hellaswag_validation.jsonl"}),
    "truthfulqa_mc2": ("../library/truthfulqa/truthfulqa_mc2.yaml", {"validation": "truthfulqa_validation.jsonl"}),
    "winogrande": ("../library/winogrande/default.yaml", {"train": "winogrande_train.jsonl", "validation": "winogrande_validation.jsonl"}),
}


def fake_results(n_choices):
    """The loglikelihood results the tests feed: (-(i+1) * 0.75, i == 1) per choice."""
    return [(-(i + 1) * 0.75, i == 1) for i in range(n_choices)]


out = {}
for name, (path, files) in TASKS.items():
    config = load_yaml(os.path.join(HERE, path))
    config["dataset_path"] = "json"
    config["dataset_name"] = None
    config["dataset_kwargs"] = {"data_files": {split: os.path.join(HERE, "data", f) for split, f in files.items()}}
    task = ConfigurableTask(config=config)
    docs = list(task.eval_docs)
    rows = []
    for doc in docs:
        choices = task.doc_to_choice(doc)
        row = {
            "doc": doc,
            "doc_to_text": task.doc_to_text(doc),
            "doc_to_target": task.doc_to_target(doc),
            "doc_to_choice": choices,
            "context": task.fewshot_context(doc, num_fewshot=0),
        }
        n = len(choices) if not isinstance(row["doc_to_text"], int) else len(choices)
        results = fake_results(n)
        row["results"] = [list(r) for r in results]
        row["process_results"] = {k: float(v) for k, v in task.process_results(doc, results).items()}
        rows.append(row)
    out[name] = rows

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write("\n")
print("wrote expected.json")
