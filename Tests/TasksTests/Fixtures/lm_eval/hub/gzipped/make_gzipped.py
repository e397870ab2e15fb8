"""A dataset folder of gzipped data files, as some hub repos hold them (data/train.jsonl.gz,
data/test.jsonl.gz, the last one written as two gzip members), written by Python's gzip module; `expected.json` is what
`datasets.load_dataset(<this folder>)` returns for them (run with the venv that has datasets).

usage: python make_gzipped.py
"""
import gzip, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
rows = [{"question": f"What is {i} + {i}?", "answer": str(2 * i), "n": i} for i in range(1, 6)]
os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
with gzip.open(os.path.join(HERE, "data", "train.jsonl.gz"), "wt", encoding="utf-8") as f:
    for r in rows[:3]:
        f.write(json.dumps(r) + "\n")
with open(os.path.join(HERE, "data", "test.jsonl.gz"), "wb") as f:  # two members, as `cat a.gz b.gz` makes
    for r in rows[3:]:
        f.write(gzip.compress((json.dumps(r) + "\n").encode("utf-8"), mtime=0))

import datasets
d = datasets.load_dataset(HERE, cache_dir=os.path.join("/tmp", "gzipped_cache"))
with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump({split: d[split].to_list() for split in d}, f, indent=1)
    f.write("\n")
