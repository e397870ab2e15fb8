"""The Python half of bench/lm_eval.sh: the benchmark's task data, the SmolLM2 Hugging Face
folder, and the reading of both tools' results into one table.

    python bench/lm_eval_peers.py data                       # (re)writes bench/lm_eval/data/*.jsonl
    python bench/lm_eval_peers.py convert GGUF FOLDER        # GGUF -> float32 HF folder (needs gguf)
    python bench/lm_eval_peers.py record PART BACKEND WALL RESULTS [key=value ...]   # one JSON line
    python bench/lm_eval_peers.py table JSONL                # the tables of bench/lm_eval.sh

`record` reads lm-eval's results_*.json (RESULTS is its --output_path folder) or the runner's
results.json (RESULTS is that file) and prints the measurement as one JSON object.
Only the standard library is needed, except for `convert` (torch, transformers, gguf).
"""
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DATA = os.path.join(HERE, "lm_eval", "data")
LETTERS = "ABCD"

# Few-shot pool of mc_bench: general-knowledge questions not in data/mcq_example.jsonl.
MC_TRAIN = [
    ("What is the capital of Italy?", ["Milan", "Rome", "Naples", "Turin"], "B"),
    ("How many wheels does a bicycle have?", ["One", "Three", "Two", "Four"], "C"),
    ("Which animal is known for its black and white stripes?", ["Zebra", "Lion", "Camel", "Horse"], "A"),
    ("What is 9 plus 6?", ["14", "16", "13", "15"], "D"),
    ("Which season comes after winter?", ["Autumn", "Spring", "Summer", "Monsoon"], "B"),
    ("What do caterpillars turn into?", ["Spiders", "Beetles", "Butterflies", "Worms"], "C"),
]
GEN_TRAIN_DOCS = 8
GEN_TEST_DOCS = 200


def sum_doc(i, a, b):
    """'What is a plus b?' with four numeric options; the gold one sits at position i % 4."""
    total = a + b
    wrong = [total + 1, total - 1, total + 10]
    gold = i % 4
    choices = wrong[:gold] + [total] + wrong[gold:]
    return {"id": i, "a": a, "b": b, "choices": [str(c) for c in choices], "answer": LETTERS[gold]}


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {os.path.relpath(path, REPO)} ({len(rows)} docs)")


def data():
    os.makedirs(DATA, exist_ok=True)
    # mc_bench's test split: data/mcq_example.jsonl plus `label`, the gold answer's index
    # (lm-eval's doc_to_target must give an index; the runner's Jinja has no list.index()).
    with open(os.path.join(REPO, "data", "mcq_example.jsonl"), encoding="utf-8") as f:
        items = [json.loads(line) for line in f if line.strip()]
    write_jsonl(os.path.join(DATA, "mc_bench_test.jsonl"), [{**x, "label": LETTERS.index(x["answer"])} for x in items])
    write_jsonl(os.path.join(DATA, "mc_bench_train.jsonl"),
                [{"id": f"mc-train-{i + 1}", "question": q, "choices": c, "answer": a, "label": LETTERS.index(a)}
                 for i, (q, c, a) in enumerate(MC_TRAIN)])
    # gen_bench: sums with lettered options; the fake server answers a letter chosen by the
    # prompt's hash, so exact_match (about 0.25) is equal on both sides only if the prompts are.
    write_jsonl(os.path.join(DATA, "gen_bench_train.jsonl"),
                [sum_doc(i, 100 + 11 * i, 200 + 17 * i) for i in range(GEN_TRAIN_DOCS)])
    write_jsonl(os.path.join(DATA, "gen_bench_test.jsonl"),
                [sum_doc(i, (7 * i) % 50 + 1, (13 * i) % 40 + 2) for i in range(GEN_TEST_DOCS)])


def convert(gguf_path, folder):
    """transformers' GGUF loader, weights dequantized to float32 (as Tests/ModelsTests/Fixtures/smollm2/make_reference.py)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig
    directory, name = os.path.split(os.path.abspath(gguf_path))
    tmp = folder.rstrip("/") + ".partial"
    tok = AutoTokenizer.from_pretrained(directory, gguf_file=name)
    # A plain gguf_file load keeps a GgufHfQuantizer on the model and save_pretrained refuses
    # it ("not serializable"); dequantize=True gives the same weights as a dense float32 model.
    model = AutoModelForCausalLM.from_pretrained(directory, gguf_file=name, dtype=torch.float32,
                                                 quantization_config=GgufConfig(dequantize=True))
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    os.replace(tmp, folder)
    print(f"wrote {folder}")


def lm_eval_results(folder):
    files = sorted(glob.glob(os.path.join(folder, "**", "results_*.json"), recursive=True))
    if not files:
        sys.exit(f"no results_*.json under {folder}")
    r = json.load(open(files[-1], encoding="utf-8"))
    (task, metrics), = r["results"].items()
    values = {k.split(",")[0]: v for k, v in metrics.items() if "," in k and "_stderr" not in k}
    docs = r["n-samples"][task]["effective"]
    return docs, values, {"self_reported_seconds": float(r.get("total_evaluation_time_seconds", "nan"))}


def runner_results(path):
    r = json.load(open(path, encoding="utf-8"))
    if r.get("status") != "completed":
        sys.exit(f"{path}: status {r.get('status')}")
    values = {k: v["value"] for k, v in r["metrics"].items() if isinstance(v, dict)}
    counts = r["counts"]
    if counts["errored"] or counts["skipped"]:
        print(f"warning: {path}: {counts['errored']} errored, {counts['skipped']} skipped", file=sys.stderr)
    return counts["items"], values, {"self_items_per_second": r["timings"]["items_per_second"],
                                     "self_reported_seconds": r["timings"]["seconds"]}


def record(part, backend, wall, results, extra):
    wall = float(wall)
    docs, values, more = runner_results(results) if results.endswith(".json") else lm_eval_results(results)
    row = {"part": part, "backend": backend, "docs": docs, "wall_seconds": round(wall, 3),
           "items_per_second": round(docs / wall, 3), "metrics": values, **more}
    for pair in extra:
        key, value = pair.split("=", 1)
        row[key] = int(value) if value.lstrip("-").isdigit() else value
    if "requests" in row:
        row["requests_per_second"] = round(row["requests"] / wall, 3)
    print(json.dumps(row))


def table(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.startswith("{")]
    f = lambda x, d=2: "-" if x is None else f"{x:.{d}f}"
    mc = [r for r in rows if r["part"] == "multiple_choice"]
    if mc:
        ours = next((r for r in mc if r["backend"].startswith("runner")), None)
        print("\nmultiple_choice: bench/lm_eval/mc_bench.yaml, SmolLM2-135M-Instruct (float32 HF folder), CPU")
        print("| backend | docs | wall s | items/s (wall) | items/s (own timer, no model load) | runner / this (wall) | acc | acc_norm |")
        print("|---|---|---|---|---|---|---|---|")
        for r in mc:
            ratio = "-" if r is ours or ours is None else f"{ours['items_per_second'] / r['items_per_second']:.2f}x"
            print(f"| {r['backend']} | {r['docs']} | {f(r['wall_seconds'])} | {f(r['items_per_second'])} | "
                  f"{f(r.get('self_items_per_second'))} | {ratio} | {f(r['metrics'].get('acc'), 4)} | {f(r['metrics'].get('acc_norm'), 4)} |")
        first = (ours or mc[0])["metrics"]
        same = all(abs(r["metrics"].get(m, -1) - first.get(m, -2)) < 1e-6 for r in mc for m in ("acc", "acc_norm"))
        print("acc and acc_norm: " + ("the same on every row" if same else "DIFFER (see the rows above)"))
    gen = [r for r in rows if r["part"] == "generate_until"]
    if gen:
        ours = next((r for r in gen if r["backend"].startswith("runner")), None)
        print(f"\ngenerate_until over HTTP: bench/lm_eval/gen_bench.yaml, fake-llm-server ({gen[0].get('latency_ms', '?')} ms a request), "
              f"{gen[0].get('concurrency', '?')} in flight")
        print("| backend | docs | requests (server count) | wall s | requests/s (wall) | runner / this | exact_match |")
        print("|---|---|---|---|---|---|---|")
        for r in gen:
            ratio = "-" if r is ours or ours is None else f"{ours['requests_per_second'] / r['requests_per_second']:.2f}x"
            print(f"| {r['backend']} | {r['docs']} | {r['requests']} | {f(r['wall_seconds'])} | {f(r['requests_per_second'], 1)} | "
                  f"{ratio} | {f(r['metrics'].get('exact_match'), 4)} |")
        first = (ours or gen[0])["metrics"]
        same = all(abs(r["metrics"].get("exact_match", -1) - first.get("exact_match", -2)) < 1e-6 for r in gen)
        print("exact_match: " + ("the same (same prompts, so the same hashed answers)" if same else "DIFFERS (the prompts differ)"))


if __name__ == "__main__":
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command == "data":
        data()
    elif command == "convert" and len(args) == 2:
        convert(*args)
    elif command == "record" and len(args) >= 4:
        record(args[0], args[1], args[2], args[3], args[4:])
    elif command == "table" and len(args) == 1:
        table(args[0])
    else:
        sys.exit(__doc__)
