# Records what lm-eval 0.4.13's own filters give for pos.yaml's pipeline (regex_pos, then the
# filter class utils.JoinTags with sep "-", then take_first) on the responses below: data.jsonl
# holds each response and lm-eval's filtered value as the target.
# Run with lm-eval's venv: /work/scratch/venv-lmeval/bin/python record_filters.py
import json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lm_eval.filters import build_filter_ensemble
from lm_eval.api.instance import Instance
import utils

responses = [
    "[('The', 'DT'), ('cat', 'NN'), ('sat', 'VBD')]",
    "Tags: ('runs', 'VBZ')",
    "no tags here",
]
docs = [{"sentence": f"s{i}", "response": r} for i, r in enumerate(responses)]
ensemble = build_filter_ensemble("tags", [["regex_pos", None], [utils.JoinTags, {"sep": "-"}], ["take_first", None]])
instances = [Instance(request_type="generate_until", doc=d, arguments=("", {}), idx=0) for d in docs]
for inst, r in zip(instances, responses):
    inst.resps = [r]
ensemble.apply(instances)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data.jsonl"), "w") as f:
    for inst in instances:
        f.write(json.dumps({**inst.doc, "target": inst.filtered_resps["tags"]}) + "\n")
