"""Record what lm-eval 0.4.13 lists (`lm_eval ls tasks`: TaskManager.list_all_tasks) for the
committed folders alone, for `runner lm-eval list --no-library --include-path library --include-path include`.
Run in this folder with lm-eval's venv: /work/scratch/venv-lmeval/bin/python record_listing.py > listing.md
"""
from lm_eval.tasks import TaskManager

print(TaskManager(include_path=["library", "include"], include_defaults=False).list_all_tasks())
