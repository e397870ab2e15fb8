"""Records exact McNemar p-values from SciPy for ReportTests (run in a scratch venv with scipy).

The exact McNemar test on b and c discordant pairs is the two-sided binomial test of b
successes in b + c trials at p = 1/2. Writes mcnemar_scipy.json beside this script.
"""
import json, os
from scipy.stats import binomtest

cases = [(0, 1), (1, 0), (3, 3), (10, 2), (2, 10), (7, 1), (15, 4), (40, 25), (120, 80), (600, 400), (1, 30)]
out = [{"b": b, "c": c, "p": binomtest(b, b + c, 0.5).pvalue} for b, c in cases]
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "mcnemar_scipy.json"), "w") as f:
    json.dump(out, f, indent=1)
