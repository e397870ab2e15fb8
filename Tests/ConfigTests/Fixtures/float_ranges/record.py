"""Records the values of Hydra's FloatRange for a set of ranges (hydra-core 1.3).

Run with the scratch venv's Python: V/bin/python record.py > float_ranges.json
Each case is [start, stop, step] as Python floats; the values are repr() strings so
that the Swift test compares them digit for digit.
"""
import json
import random

from hydra.core.override_parser.types import FloatRange

cases = [
    [0.0, 1.0, 0.1], [0.1, 0.5, 0.1], [1.0, 2.0, 0.3], [0.0, -1.0, -0.25], [0.0, 10.0, 0.7],
    [-3.3, 3.3, 0.11], [1e-7, 1e-6, 1e-7], [1e15, 1e15 + 10, 0.5], [0.3, 0.0, -0.1],
    [5e-324, 5e-323, 5e-324], [1e300, 1.1e300, 1e298], [2.5, 7.5, 1.0 / 3.0],
]
rng = random.Random(20261201)
for _ in range(40):
    start = round(rng.uniform(-100, 100), rng.randint(0, 6))
    step = round(rng.uniform(0.001, 7), rng.randint(1, 8)) * rng.choice([1, -1])
    count = rng.randint(1, 60)
    cases.append([start, start + step * count + rng.uniform(-0.5, 0.5) * step, step])

out = []
for start, stop, step in cases:
    values = [repr(v) for v in FloatRange(start, stop, step)]
    out.append({"start": repr(start), "stop": repr(stop), "step": repr(step), "values": values})
print(json.dumps(out, indent=1))
