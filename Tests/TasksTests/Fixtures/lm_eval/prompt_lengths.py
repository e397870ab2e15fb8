"""Longest prompt of each recorded run, in tokens of the tiny llama's tokenizer: the README's
"longest prompt" column and the check that lm-eval left-truncated nothing.

    python prompt_lengths.py [RUN ...]        (default: every recorded/lib_* run)

For each request in every samples*.jsonl of a run: len(encode(arg_0 + arg_1)) for loglikelihood
requests (context + continuation, what the model is run on plus one), len(encode(arg_0)) for
generation requests (arg_1 is the generation kwargs dict) and for rolling ones. The run's model
is read from its results.json (config.model_args.pretrained), its max_length from results.json.
Needs only `tokenizers` (the folders' tokenizer.json is checked equal to transformers' tokenizer
by hf_tiny/make_fixtures.py). lm-eval's hf backend keeps the last max_length + 1 tokens of
context + continuation, and the last max_length - max_gen_toks tokens of a generation prompt.
"""
import glob
import json
import os
import sys

from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))


def run_lengths(run):
    folder = os.path.join(HERE, "recorded", run)
    results = json.load(open(os.path.join(folder, "results.json"), encoding="utf-8"))
    args = results["config"]["model_args"]
    if isinstance(args, str):
        args = dict(kv.split("=", 1) for kv in args.split(","))
    model = args["pretrained"].replace("<REPO>", REPO)
    tok = Tokenizer.from_file(os.path.join(model, "tokenizer.json"))
    longest, where, generation_longest, seen = 0, None, 0, set()
    for path in sorted(glob.glob(os.path.join(folder, "samples*.jsonl"))):
        for line in open(path, encoding="utf-8"):
            sample = json.loads(line)
            for key, req in sample["arguments"].items():
                if (path, sample["doc_id"], key) in seen:  # the same request under another filter
                    continue
                seen.add((path, sample["doc_id"], key))
                context, second = req["arg_0"], req.get("arg_1")
                if isinstance(second, str):
                    n = len(tok.encode(context + second, add_special_tokens=False).ids)
                else:
                    n = len(tok.encode(context, add_special_tokens=False).ids)
                    generation_longest = max(generation_longest, n)
                if n > longest:
                    longest, where = n, (os.path.basename(path), sample["doc_id"])
    return {"run": run, "model": os.path.basename(model), "max_length": results.get("max_length"),
            "requests": len(seen), "longest": longest, "longest_generation_prompt": generation_longest,
            "longest_at": where}


if __name__ == "__main__":
    runs = sys.argv[1:] or sorted(os.path.basename(p) for p in glob.glob(os.path.join(HERE, "recorded", "lib_*")))
    for run in runs:
        print(json.dumps(run_lengths(run)))
