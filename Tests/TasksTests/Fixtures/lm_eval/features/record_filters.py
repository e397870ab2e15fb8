"""lm-eval 0.4.13's own filters applied to hand-made responses: the reference for the runner's
filters (`multi_choice_regex` with its fallbacks, `regex` options, `map`, ...). Prints JSON:
a list of {"function", "options", "doc", "responses", "filtered"}."""
import json

import lm_eval.filters  # noqa: F401  (registers the filters)
from lm_eval.api.registry import get_filter

DOC = {"choices": ["Paris", "London", "Berlin", "Rome"]}
DOC2 = {"choices": ["Guilty", "Guilty of Romance", "not guilty!"]}
CASES = [
    ("multi_choice_regex", {"regex_pattern": r"(\([A-Z]\))", "group_select": 0, "ignore_case": True, "ignore_punctuation": True}, DOC,
     ["The answer is (B).", "I think it is berlin.", "Answer: C", "answer:D", "Rome!", "none of these", "(A) or (C)", "",
      "PARIS, surely", "Answer:   A and B"]),
    ("multi_choice_regex", {"regex_pattern": r"(\([A-Z]\))", "group_select": -1}, DOC2,
     ["Guilty of Romance it is", "maybe not guilty!", "(A) then (B)", "the answer: B", "Guilty"]),
    ("multi_choice_regex", {"regex_pattern": r"answer is \(?([A-D])\)?", "group_select": 0, "ignore_case": True,
                            "regexes_to_ignore": [",", r"\$"]}, DOC,
     ["The answer is (D)", "the answer is b", "London, I guess", "$Berlin$", "answer is"]),
    ("regex", {"regex_pattern": r"(?:answer is|Answer:) ?([A-D])", "group_select": 0, "fallback": "[none]"}, DOC,
     ["The answer is B", "Answer:C", "no idea"]),
    ("map", {"mapping_dict": {"yes": 1, "no": 0}, "default_value": -1}, DOC, ["yes", "no", "maybe"]),
]

out = []
for function, options, doc, responses in CASES:
    f = get_filter(function)(**options)
    filtered = list(f.apply([[r] for r in responses], [doc] * len(responses)))
    out.append({"function": function, "options": options, "doc": doc, "responses": responses,
                "filtered": [x[0] if isinstance(x, list) else x for x in filtered]})
print(json.dumps(out, indent=1, ensure_ascii=False))
