# Records what datasets gives for test.csv (no header row) read with column_names and header None, as
# mmlusr's task files do: expected.json holds the rows (column order and pandas' types).
# Run with lm-eval's venv: /work/scratch/venv-lmeval/bin/python record_column_names.py
import json, os
from datasets import load_dataset
here = os.path.dirname(os.path.abspath(__file__))
names = ["question", "choice1", "choice2", "choice3", "choice4", "answer"]
data = load_dataset("csv", data_files={"test": os.path.join(here, "test.csv")}, column_names=names, header=None, cache_dir=os.path.join("/tmp", "colnames-cache"))
rows = [dict(r) for r in data["test"]]
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump({"columns": data["test"].column_names, "rows": rows}, f, indent=1)
