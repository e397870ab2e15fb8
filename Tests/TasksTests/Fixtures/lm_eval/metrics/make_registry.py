"""Records lm-eval 0.4.13's metric registry (default aggregation and direction of each
metric, the registered aggregations) and a few Brier scores, for MetricRegistryTests.

Run with lm-eval 0.4.13 installed: python make_registry.py > registry.json
"""
import json

import numpy as np
from lm_eval import utils
from lm_eval.api import metrics  # noqa: F401  (registers the metrics)
from lm_eval.api.registry import (AGGREGATION_REGISTRY, HIGHER_IS_BETTER_REGISTRY,
                                  METRIC_AGGREGATION_REGISTRY)

names = ["acc", "acc_norm", "acc_bytes", "acc_mutual_info", "exact_match", "f1", "mcc", "brier_score",
         "perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte"]
registry = {}
for name in names:
    aggregation = METRIC_AGGREGATION_REGISTRY[name]
    registry[name] = {"aggregation": next(k for k, v in AGGREGATION_REGISTRY.items() if v is aggregation),
                      "higher_is_better": HIGHER_IS_BETTER_REGISTRY[name]}

cases = [([-1.0, -2.0, -3.0], 0), ([-0.5, -0.25, -4.0], 2), ([-2.0, -2.0, -7.5], 1)]  # one shape, as lm-eval needs
items = [(gold, utils.softmax(np.array(lls))) for lls, gold in cases]
brier = [{"lls": lls, "gold": gold, "score": float(AGGREGATION_REGISTRY["brier_score"]([item]))} for (lls, gold), item in zip(cases, items)]
# Macro-F1 as scikit-learn computes it over the classes that occur; -1 (unreadable) is no class.
from sklearn.metrics import f1_score
macro = []
for gold, pred in [([0, 0, 1, 1, 2, 2], [0, 1, 1, -1, 2, 0]), ([0, 1, 2, 3, 0, 1, 2, 3, 1], [1, 1, 2, -1, -1, 0, 2, 3, 1]), ([1, 1, 1], [-1, -1, 1])]:
    labels = sorted(set(gold) | set(pred) - {-1})
    macro.append({"gold": gold, "pred": pred, "macro_f1": float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0))})
print(json.dumps({"macro_f1": macro, "metrics": registry, "aggregations": sorted(AGGREGATION_REGISTRY), "brier": brier,
                  "brier_all": float(AGGREGATION_REGISTRY["brier_score"](items))}, indent=1))
