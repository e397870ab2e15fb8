#!/usr/bin/env python3
"""Record CPython `random.Random` outputs as lm-eval 0.4.13 uses them.

lm-eval uses:
  * `random.Random(seed).sample(pool, k)` in the few-shot ContextSampler
    (lm_eval/api/samplers.py; one Random object per task, seeded with the
    fewshot seed (default 1234), whose state advances from doc to doc;
    it samples k+1 docs when the eval doc must be excluded);
  * `random.Random(i).choices(xs, k=len(xs))` in bootstrap_stderr
    (lm_eval/api/metrics.py; i = 0 .. iters//1000-1, 1000 draws per seed);
  * `random.seed(0)` for the global generator (evaluator.simple_evaluate).
shuffle/randrange/choice are not used by lm-eval's core but are recorded too.

Usage: python3 gen_python_random.py > python_random.json
"""
import json
import platform
import random
import sys

SEEDS = [1234, 0, 42, 2**32 + 5]
SAMPLE_CASES = [(5, 2), (10, 3), (21, 4), (100, 5), (1000, 7), (3, 3)]


def per_seed(seed):
    out = {"seed": seed}
    r = random.Random(seed)
    out["getrandbits32"] = [r.getrandbits(32) for _ in range(20)]
    r = random.Random(seed)
    out["random"] = [r.random() for _ in range(20)]  # repr round-trips exactly
    # every sample() case on a fresh Random(seed)
    fresh = []
    for n, k in SAMPLE_CASES:
        r = random.Random(seed)
        fresh.append({"n": n, "k": k, "result": r.sample(list(range(n)), k)})
    out["sample_fresh"] = fresh
    # repeated calls on ONE Random(seed): all cases in order, then the same again
    r = random.Random(seed)
    seq = []
    for _round in range(2):
        for n, k in SAMPLE_CASES:
            seq.append({"n": n, "k": k, "result": r.sample(list(range(n)), k)})
    out["sample_sequential"] = seq
    # lm-eval few-shot pattern: one Random, 6 calls of sample(range(20), 3)
    r = random.Random(seed)
    out["sample_20_3_x6"] = [r.sample(list(range(20)), 3) for _ in range(6)]
    r = random.Random(seed)
    xs = list(range(10))
    r.shuffle(xs)
    out["shuffle_range10"] = xs
    r = random.Random(seed)
    out["shuffle_range10_x3_same_object"] = []
    for _ in range(3):
        xs = list(range(10))
        r.shuffle(xs)
        out["shuffle_range10_x3_same_object"].append(xs)
    r = random.Random(seed)
    out["randrange_10_x10"] = [r.randrange(10) for _ in range(10)]
    r = random.Random(seed)
    out["randrange_1000_x10"] = [r.randrange(1000) for _ in range(10)]
    r = random.Random(seed)
    out["choice_range7_x10"] = [r.choice(list(range(7))) for _ in range(10)]
    # bootstrap pattern: choices(xs, k=len(xs)), 3 calls on one object
    r = random.Random(seed)
    out["choices_range10_k10_x3"] = [r.choices(list(range(10)), k=10) for _ in range(3)]
    return out


def main():
    data = {
        "python_version": sys.version,
        "python_implementation": platform.python_implementation(),
        "notes": (
            "random: floats printed with repr (shortest round-trip). "
            "sample_fresh: each case on a fresh Random(seed). "
            "sample_sequential: the 6 cases then the 6 again on ONE Random(seed). "
            "choices_*: Random.choices as used by lm-eval bootstrap_stderr."
        ),
        "seeds": [per_seed(s) for s in SEEDS],
        # bootstrap seeds 0..2, choices(range(5), k=5) x 4 each
        "bootstrap_choices": [
            {"seed": i, "draws": (lambda r: [r.choices(list(range(5)), k=5) for _ in range(4)])(random.Random(i))}
            for i in range(3)
        ],
    }
    json.dump(data, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
