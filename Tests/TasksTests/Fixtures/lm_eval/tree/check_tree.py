"""Loads this folder's task tree with lm-eval 0.4.13's TaskManager (tasks built without their data)
and prints it: python check_tree.py > lm_eval_tree.txt"""
import os
import lm_eval.api.task as T
class Fake:
    def __init__(self, config=None, **kw):
        self.config = config; self._config = config
    def __getattr__(self, k):
        raise AttributeError(k)
orig = T.ConfigurableTask.__init__
def init(self, config=None, **kw):
    self._config = T.TaskConfig(**config) if isinstance(config, dict) else config
T.ConfigurableTask.__init__ = init
from lm_eval.tasks import TaskManager
tm = TaskManager(include_path=os.path.dirname(os.path.abspath(__file__)))
def show(d, ind=0):
    for k, v in d.items():
        name = getattr(k, "group_name", None) or k
        if isinstance(v, dict):
            print(" "*ind + "group", name); show(v, ind+2)
        else:
            print(" "*ind + "task", name, "num_fewshot=", v.config.num_fewshot)
for names in (["letters"], ["greek"], ["outer"]):
    try:
        show(tm.load_task_or_group(names)); print("--")
    except Exception as e:
        print("ERR", type(e).__name__, e)
