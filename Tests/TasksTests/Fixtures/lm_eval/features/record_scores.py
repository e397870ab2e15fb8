"""lm-eval 0.4.13's own `process_results` of tasks/multiple_target_gen.yaml for chosen answers
(the tiny model's generations all miss): per document, answer -> exact_match. Prints JSON."""
import json
import os

from lm_eval.tasks import TaskManager

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(os.path.join(here, "tasks"))
task = TaskManager(include_path=".").load_task_or_group(["feat_multiple_target_gen"])["feat_multiple_target_gen"]
ANSWERS = ["Blue", "sunday", "four.", "Mars", "Hello", "4"]
out = []
for doc, answer in zip(task.test_docs(), ANSWERS):
    out.append({"question": doc["question"], "answer": answer, "exact_match": task.process_results(doc, [answer])["exact_match"]})
print(json.dumps(out, indent=1))
