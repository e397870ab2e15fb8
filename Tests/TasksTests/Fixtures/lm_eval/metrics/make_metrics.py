"""Reference values for lm-eval's corpus metrics, computed by lm-eval 0.4.13's own functions
(f1 and mcc through scikit-learn, the perplexities, median, and bootstrap_stderr with its
seeded chunks). Run with the lm-eval venv:  python make_metrics.py  (writes metrics.json here)"""
import json, os, random
os.environ["DISABLE_MULTIPROC"] = "1"
from lm_eval.api import metrics as M

rng = random.Random(7)
cases = []
for n in (5, 12, 40):
    pairs = [(rng.randrange(2), rng.randrange(2)) for _ in range(n)]
    multi = [(rng.randrange(4), rng.randrange(4)) for _ in range(n)]
    weighted = [(-rng.uniform(0.5, 40), rng.randrange(1, 30)) for _ in range(n)]
    lls = [-rng.uniform(0.1, 5) for _ in range(n)]
    cases.append({
        "pairs": pairs, "f1": float(M.f1_score(pairs)), "mcc_binary": float(M.matthews_corrcoef(pairs)),
        "multi": multi, "mcc_multi": float(M.matthews_corrcoef(multi)),
        "weighted": weighted, "weighted_perplexity": M.weighted_perplexity(weighted), "bits_per_byte": M.bits_per_byte(weighted),
        "lls": lls, "perplexity": M.perplexity(lls), "median": M.median(lls),
        "perplexity_stderr_2000": M.bootstrap_stderr(M.perplexity, lls, iters=2000),
        "f1_stderr_1000": M.bootstrap_stderr(M.f1_score, pairs, iters=1000),
        "mean_stderr": M.mean_stderr([float(g == p) for g, p in pairs]),
    })
# bootstrap_stderr prints progress to stdout, so the file is written directly.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics.json"), "w") as f:
    json.dump({"lm_eval": __import__("lm_eval").__version__, "cases": cases}, f)
