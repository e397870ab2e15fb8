"""Writes the starting corpus of every fuzz target (fuzz/corpus/<target>/) from the repository's
own fixtures and a few hand-written inputs. The fuzzer grows it; `fuzz/run.sh merge TARGET`
shrinks it back to the inputs that add coverage, which are committed.
Run from the repository root: python3 fuzz/make_seeds.py (needs only the standard library)."""
import glob, json, os, struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")


def put(target, name, data):
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    if len(data) <= 8192:
        with open(os.path.join(OUT, target, name), "wb") as f:
            f.write(data)


hydra = os.path.join(ROOT, "Tests/RunnerTests/Fixtures/hydra")
for i, case in enumerate(sorted(os.listdir(hydra))[::6]):
    args = os.path.join(hydra, case, "args")
    if os.path.exists(args):
        put("overrides", f"hydra_{i}", "\n".join(a for a in open(args).read().split("\n") if "=" in a or a.startswith("~")))
    config = os.path.join(hydra, case, "conf", "config.yaml")
    if os.path.exists(config):
        text = open(config).read()
        put("yaml", f"hydra_{i}", text)
        put("interpolation", f"hydra_{i}", text)
        put("compose", f"hydra_{i}", text + "\n#!+db=postgres seed=1")
put("overrides", "grammar", "a=1\n+b.c=[1,2,{x: y}]\n++d='q'\n~e\nf=${g}\nh=choice(1,2)\ni=range(0,1,0.25)\nj=int(3.7)\nk=sort(3,1,reverse=true)\ndb@pkg=mysql\nl=glob(*)\n")
put("compose", "groups", "defaults:\n  - db: mysql\n  - server: apache\n  - _self_\nport: ${db.port}\n#!server=nginx ~db")
put("interpolation", "resolvers", "a: 1\nb: ${a}\nc: x_${b}\nd: ${oc.env:HOME,/tmp}\ne: ${oc.select:a,2}\nf: ${oc.dict.keys:g}\ng: {x: 1}\nh: ${..a}\n")

chat = {"choices": [{"message": {"role": "assistant", "content": "B"}, "finish_reason": "stop",
                     "logprobs": {"content": [{"token": "B", "logprob": -0.1, "top_logprobs": [{"token": "A", "logprob": -2.3}]}]}}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 1}}
echo = {"choices": [{"text": "Question: Q?\nAnswer: A", "logprobs": {"tokens": ["Question", ":", " Q", "?", "\n", "Answer", ":", " A", "!"],
        "token_logprobs": [None, -1.0, -2.0, -0.5, -0.1, -0.3, -0.2, -1.5, -3.0], "text_offset": [0, 8, 9, 11, 12, 13, 19, 20, 22],
        "top_logprobs": [None, {":": -1.0}, {" Q": -2.0}, {"?": -0.5}, {"\n": -0.1}, {"Answer": -0.3}, {":": -0.2}, {" B": -1.0}, {"!": -3.0}]}}]}
aleph = {"completions": [{"completion": "A", "finish_reason": "maximum_tokens", "log_probs": [{" A": -0.4}]}], "num_tokens_prompt_total": 7, "num_tokens_generated": 1}
error = {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}
put("responses", "chat", b"\x00" + json.dumps(chat).encode())
put("responses", "echo", b"\x01" + json.dumps(echo).encode())
put("responses", "aleph", b"\x02" + json.dumps(aleph).encode())
put("responses", "error", bytes([10]) + json.dumps(error).encode())

# GGUF without its magic (the target adds it): version 3, one tensor, three metadata entries.
def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b
meta = b""
meta += gguf_string("general.architecture") + struct.pack("<I", 8) + gguf_string("llama")
meta += gguf_string("llama.block_count") + struct.pack("<I", 4) + struct.pack("<I", 1)
meta += gguf_string("tokenizer.ggml.tokens") + struct.pack("<I", 9) + struct.pack("<I", 8) + struct.pack("<Q", 2) + gguf_string("a") + gguf_string("b")
tensor = gguf_string("token_embd.weight") + struct.pack("<I", 2) + struct.pack("<QQ", 2, 2) + struct.pack("<I", 0) + struct.pack("<Q", 0)
body = struct.pack("<I", 3) + struct.pack("<QQ", 1, 3) + meta + tensor
pad = (-(len(body) + 4)) % 32
put("gguf", "tiny", body + b"\x00" * pad + struct.pack("<4f", 1, 2, 3, 4))

header = json.dumps({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
                     "b": {"dtype": "BF16", "shape": [2], "data_offsets": [16, 20]}, "__metadata__": {"format": "pt"}}).encode()
put("safetensors", "tiny", struct.pack("<Q", len(header)) + header + bytes(20))

vocab = {c: i for i, c in enumerate(["H", "e", "l", "o", "Ġ", "w", "r", "d", "He", "ll", "Ġw", "<|im_start|>"])}
tok = {"version": "1.0", "added_tokens": [{"id": 11, "content": "<|im_start|>", "special": True, "lstrip": False, "rstrip": False}],
       "normalizer": None, "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "use_regex": True},
       "model": {"type": "BPE", "vocab": vocab, "merges": ["H e", "l l", "Ġ w"]}}
put("tokenizer", "tiny", json.dumps(tok))
tok["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "\\p{N}| ?\\p{L}+"}, "behavior": "Isolated", "invert": False},
                                                            {"type": "ByteLevel", "add_prefix_space": False, "use_regex": False}]}
tok["normalizer"] = {"type": "NFC"}
put("tokenizer", "split", json.dumps(tok))

for i, path in enumerate(sorted(glob.glob(os.path.join(ROOT, "data", "*.jsonl")))):
    put("datasets", f"data_{i}", "\n".join(open(path).read().split("\n")[:6]))
put("datasets", "csv", 'question,options,answer\n"What, exactly?","a",0\n"Say ""hi""",b,1\r\n')
for path in glob.glob(os.path.join(ROOT, "Tests/TasksTests/Fixtures/lm_eval/tasks/data/*.csv"))[:1]:
    put("datasets", "lm_eval_csv", open(path).read()[:4000])

for path in sorted(glob.glob(os.path.join(ROOT, "Tests/ModelsTests/Fixtures/chat_templates/*.jinja"))):
    put("templates", os.path.basename(path), open(path).read())
put("templates", "chatml", open(os.path.join(ROOT, "Tests/ModelsTests/Fixtures/hf_tiny/llama/chat_template.jinja")).read())
put("templates", "lmeval", "Question: {{question.strip()}}\n{% for c in choices %}{{ loop.index }}. {{c}}\n{% endfor %}Answer: {{ ['A','B'][label] }}{{ answer.text | regex_replace('4', 'four') }}")

for path in sorted(glob.glob(os.path.join(ROOT, "Tests/TasksTests/Fixtures/lm_eval/tasks/*.yaml"))):
    put("lmeval_task", os.path.basename(path), open(path).read())

put("python", "list", "['a', \"b's\", 1, 2.5, True, None, ('t',), {'k': [1, -2]}]")
put("python", "json", '{"a": [1, 2.5e3, "x\\u00e9\\ud83d\\ude00"], "b": null, "c": NaN}')
put("python", "regex", "(?P<n>-?[0-9][0-9,]*)|(\\w+)\\Z\nThe answer is 1,234 and 7.")
print("seeds written to", OUT)
