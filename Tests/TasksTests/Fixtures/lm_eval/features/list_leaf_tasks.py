"""Lists every leaf task of lm-eval's own task library with its YAML file, as lm-eval's
TaskManager indexes it: one `name<TAB>kind<TAB>path` line per task (kind TASK or PY_TASK).

Usage: /path/to/venv/bin/python list_leaf_tasks.py > leaf_tasks.tsv
Paths are printed relative to the lm_eval/tasks folder.
"""
import sys
from pathlib import Path

import lm_eval.tasks as tasks_pkg
from lm_eval.tasks import TaskManager
from lm_eval.tasks._index import Kind

root = Path(tasks_pkg.__file__).parent
manager = TaskManager()
for name, entry in sorted(manager.task_index.items()):
    if entry.kind not in (Kind.TASK, Kind.PY_TASK):
        continue
    path = entry.yaml_path
    shown = str(Path(path).relative_to(root)) if path else "-"
    print(f"{name}\t{entry.kind.name}\t{shown}")
