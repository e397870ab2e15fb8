"""Dump lm-eval's own task index (TaskIndex.build, as TaskManager builds it) as JSON.

Usage: python dump_lmeval_index.py FOLDER [FOLDER ...] > index.json
Folders are given in lm-eval's order (the library first, then include paths; later ones win).
Each name maps to its kind, its YAML path relative to the folder it came from (prefixed with the
folder's index, "0:hellaswag/hellaswag.yaml"), its tag members (sorted, the order lm-eval expands
them in) and, for tasks, output_type after includes (what `lm_eval ls` prints).
Run with lm-eval 0.4.13's venv: /work/scratch/venv-lmeval/bin/python.
"""
import json
import sys
from pathlib import Path

from lm_eval.tasks._index import Kind, TaskIndex
from lm_eval.tasks._yaml_loader import load_yaml

KINDS = {Kind.TASK: "task", Kind.PY_TASK: "python_task", Kind.GROUP: "group", Kind.TAG: "tag"}

roots = [Path(p) for p in sys.argv[1:]]
index = TaskIndex.build(roots)
out = {}
for name in sorted(index):
    entry = index[name]
    record = {"kind": KINDS[entry.kind]}
    if entry.yaml_path is not None:
        for number, root in enumerate(roots):
            try:
                record["path"] = f"{number}:{entry.yaml_path.relative_to(root).as_posix()}"
                break
            except ValueError:
                continue
    if entry.kind == Kind.TAG:
        record["members"] = sorted(entry.tags)
    elif entry.kind in (Kind.TASK, Kind.PY_TASK):
        output_type = load_yaml(entry.yaml_path, resolve_func=False, recursive=True).get("output_type")
        if isinstance(output_type, str):
            record["output_type"] = output_type
    out[name] = record
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
