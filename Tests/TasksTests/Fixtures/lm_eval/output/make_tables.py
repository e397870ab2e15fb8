"""Records lm-eval 0.4.13's make_table on hand-made results dicts (tables.json), for the
table printer's edge cases: real/integer/mixed columns, N/A stderrs, int values, nan/inf,
string versions, missing n-shot, nested groups, a stderr-less metric, aliases.
Run with lm-eval's venv: python make_tables.py > tables.json"""
import json
from lm_eval.utils import make_table

def task(name, metrics, alias=None):
    d = {"name": name, "alias": alias or name, "sample_len": 10}
    d.update(metrics)
    return d

cases = []
def case(name, results, **extra):
    r = {"results": results, "versions": {}, "n-shot": {}, "higher_is_better": {}, "group_subtasks": {}}
    for k, v in extra.items():
        r[k] = v
    for k in results:
        r["versions"].setdefault(k, 1.0)
        r["n-shot"].setdefault(k, 0)
        r["higher_is_better"].setdefault(k, {m.split(",")[0]: True for m in results[k] if "," in m and "_stderr" not in m})
    out = {"name": name, "input": r, "tasks": make_table(r)}
    if "groups" in r:
        out["groups"] = make_table(r, "groups")
    cases.append(out)

case("mixed", {"t": task("t", {"acc,none": 0.5, "acc_stderr,none": 0.1, "f1,none": 0.123456, "f1_stderr,none": "N/A"})})
case("int_value", {"t": task("t", {"acc,none": 1, "acc_stderr,none": 0.0, "em,strict": 0.25, "em_stderr,strict": 0.05})})
case("nan_inf", {"t": task("t", {"acc,none": float("nan"), "acc_stderr,none": float("inf"), "ppl,none": 12.5, "ppl_stderr,none": 1.25})})
case("no_stderr", {"t": task("t", {"acc,none": 0.75, "bleu,none": 10.0})})
case("negative", {"t": task("t", {"x,none": -0.5, "x_stderr,none": 0.5, "y,none": -12.0, "y_stderr,none": 3.0})})
case("versions", {"a": task("a", {"acc,none": 0.1, "acc_stderr,none": 0.01}), "b": task("b", {"acc,none": 0.2, "acc_stderr,none": 0.02})},
     versions={"a": 1.5, "b": "Yaml"})
case("all_integral", {"a": task("a", {"acc,none": 1.0, "acc_stderr,none": 0.0}), "b": task("b", {"acc,none": 0.0, "acc_stderr,none": 0.0})})
case("all_na", {"a": task("a", {"acc,none": 0.3, "acc_stderr,none": "N/A"})})
case("lower_better", {"a": task("a", {"ppl,none": 3.14159, "ppl_stderr,none": 0.1})}, higher_is_better={"a": {"ppl": False}})
nested = {
    "top": {"alias": "Top", "name": "top", "acc,none": 0.5, "acc_stderr,none": 0.05},
    "mid": {"alias": "mid", "name": "mid", "acc,none": 0.55, "acc_stderr,none": "N/A"},
    "leaf1": task("leaf1", {"acc,none": 0.5, "acc_stderr,none": 0.1}),
    "leaf2": task("leaf2", {"acc,none": 0.6, "acc_stderr,none": 0.1}),
    "leaf3": task("leaf3", {"acc,none": 0.45, "acc_stderr,none": 0.1}),
    "heading": {"alias": "heading", "name": "heading"},
    "leaf4": task("leaf4", {"acc,none": 0.3, "acc_stderr,none": 0.1}),
    "alone": task("alone", {"acc,none": 0.9, "acc_stderr,none": 0.1}),
}
case("nested_groups", nested,
     groups={"top": nested["top"], "mid": nested["mid"]},
     group_subtasks={"top": ["mid", "leaf3"], "mid": ["leaf2", "leaf1"], "heading": ["leaf4"]},
     versions={"top": "2.0", "mid": "N/A", "heading": "N/A", "leaf1": 1.0, "leaf2": 1.0, "leaf3": 0.0, "leaf4": 1.0, "alone": 1.0},
     **{"n-shot": {"leaf1": 5, "leaf2": 5, "leaf3": 5, "leaf4": 0, "alone": 0}})
case("unicode", {"tâche": task("tâche", {"acc,none": 0.5, "acc_stderr,none": 0.1}, alias="tâche ✓")})
print(json.dumps(cases, indent=1, ensure_ascii=False))
