"""Tiny Hugging Face checkpoints written by transformers itself, with transformers' own
float32 logits on them, for testing the hf_local loader and engine.

    HF_HUB_OFFLINE=1 python make_fixtures.py        # from any directory
    HF_HUB_OFFLINE=1 python make_fixtures.py llama_bf16   # only the named folder(s)

Re-creates, next to this script: tokenizer/ (the trained tokenizer alone), and the folders
llama/, qwen2/, llama3_rope/, llama_linear_rope/, llama_bf16/, each written by model.save_pretrained +
tokenizer.save_pretrained and holding a reference.json, and llama_4k/ (llama/ copied with
max_position_embeddings 4096, for lm-eval runs whose prompts exceed 256 tokens; no reference.json). qwen2/ gets its own tokenizer, trained
the same way but with Qwen2's normalizer and pre-tokenizer (as in a real Qwen2 tokenizer.json):
transformers loads a model_type qwen2 folder as Qwen2Tokenizer, which always applies Qwen2's
pre-tokenizer (digits one by one), so a GPT-2 style tokenizer.json there would be tokenized
differently by transformers and by the file. Deterministic: the tokenizers are trained on fixed
text, the weights come from torch.manual_seed. llama_bf16/ is llama/'s model (same seed, same
weights) cast to torch.bfloat16 before save_pretrained; its reference is transformers' on the folder
loaded with dtype="auto" (bfloat16), plus the logprobs with the folder loaded as float32. With
folder names as arguments only those are re-created (tokenizer/ only when run without arguments).
"""
import csv
import glob
import json
import os
import re
import shutil
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import tokenizers
import torch
import transformers
from safetensors import safe_open
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import (AutoModelForCausalLM, AutoTokenizer, LlamaConfig, LlamaForCausalLM,
                          PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM, Qwen2Tokenizer)
from transformers.models.qwen2.tokenization_qwen2 import PRETOKENIZE_REGEX as QWEN2_PATTERN

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
LM_EVAL = os.path.join(REPO, "Tests", "TasksTests", "Fixtures", "lm_eval")
VOCAB_SIZE = 512
STD = 0.4  # weight scale: mean entropy of the next-token distribution about 2.7 nats (of ln 512 = 6.2)
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CHAT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
torch.set_num_threads(2)


# ---------------------------------------------------------------- training text
def corpus():
    lines = []
    for path in sorted(glob.glob(os.path.join(REPO, "data", "*.jsonl"))):
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                for key in sorted(record):
                    value = record[key]
                    if isinstance(value, str) and key not in ("id",):
                        lines.append(value)
                    elif isinstance(value, list):
                        lines.extend(v for v in value if isinstance(v, str))
    lines += [
        "The quick brown fox jumps over the lazy dog.",
        "Once upon a time there was a little girl who lived in a village near the forest.",
        "The capital of France is Paris, and the capital of Italy is Rome.",
        "Water boils at one hundred degrees Celsius at sea level.",
        "Question: What is the capital of France?\n\nA. Berlin\nB. Paris\nC. Madrid\nD. Rome\n\nAnswer: B",
        "Hello, world! How are you today? I am fine, thank you.",
        "def add(a, b):\n    return a + b\n",
        "The sun rises in the east and sets in the west.",
        "Photosynthesis is the process by which plants turn light into energy.",
        "She said that the weather would be warm and sunny all week.",
        "Numbers like 1, 2, 3, 42 and 2024 appear in text too.",
        "You are a helpful AI assistant named SmolLM, trained by Hugging Face",
        "What is two plus two? Two plus two is four.",
        "In the beginning the people of the town worked in the fields and the mills.",
    ]
    return lines


def make_tokenizer(style="gpt2"):
    """style "gpt2": GPT-2's ByteLevel pre-tokenizer (every folder but qwen2/). style "qwen2":
    NFC, then Split on Qwen2's regex (digits one by one) and ByteLevel without its own regex, with
    a ByteLevel post-processor (add_prefix_space, trim_offsets, use_regex all false), as in a real
    Qwen2 tokenizer.json and as transformers' Qwen2Tokenizer builds it; saved as Qwen2Tokenizer.
    (The decoder is written as ByteLevel(true, true, true) either way: tokenizers' Python
    ByteLevel decoder takes no options, and they do not change decoding.)"""
    tok = Tokenizer(models.BPE())
    if style == "qwen2":
        tok.normalizer = normalizers.NFC()
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(QWEN2_PATTERN), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)])
        tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    else:
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, min_frequency=2, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus(), trainer=trainer)
    cls, extra = (Qwen2Tokenizer, {"add_prefix_space": False}) if style == "qwen2" else (PreTrainedTokenizerFast, {})
    fast = cls(
        tokenizer_object=tok, bos_token="<|im_start|>", eos_token="<|im_end|>", unk_token="<|endoftext|>",
        pad_token="<|im_end|>", model_max_length=256, clean_up_tokenization_spaces=False, **extra,
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def strings_to_check(tokenizer):
    """Texts on which transformers and the tokenizer.json file must give the same ids: the
    reference prompts, the training text, digit/Unicode cases, and every string of the lm-eval
    fixtures (task data, and the contexts/continuations lm-eval built) when that folder exists."""
    out = [p for _, p in prompts(tokenizer)] + corpus()
    out += [" 100", "100", "2024", " 2024", "3.14", " 3.14", "1,234,567", "-42", "x2 = 10", "Answer: 1",
            "\n\n12\n", "  7  ", "\u0661\u0662\u0663", "\u00bd and \u2167", "caf\u00e9", "cafe\u0301",
            "\uff11\uff12", "It's 5 o'clock", "<|im_start|>user\n1+1=<|im_end|>\n", "\t3\t4 "]

    def walk(x):
        if isinstance(x, str):
            yield x
        elif isinstance(x, dict):
            for v in x.values():
                yield from walk(v)
        elif isinstance(x, list):
            for v in x:
                yield from walk(v)

    for path in sorted(glob.glob(os.path.join(LM_EVAL, "tasks", "data", "*"))):
        with open(path, encoding="utf-8") as f:
            if path.endswith(".jsonl"):
                out += [s for line in f for s in walk(json.loads(line))]
            elif path.endswith(".json"):
                out += list(walk(json.load(f)))
            else:  # csv
                out += [row for row in f.read().splitlines()]
                f.seek(0)
                out += [cell for row in csv.reader(f) for cell in row]
    for path in sorted(glob.glob(os.path.join(LM_EVAL, "recorded", "*", "samples.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                for req in json.loads(line)["arguments"].values():
                    ctx, cont = req.get("arg_0"), req.get("arg_1")
                    out += [s for s in walk(ctx)]
                    if isinstance(ctx, str) and isinstance(cont, str):
                        out += [cont, ctx + cont]
    return list(dict.fromkeys(out))


def check_same_ids(folder, tokenizer):
    """transformers' AutoTokenizer on the folder and tokenizers reading tokenizer.json alone
    must give the same ids (with and without special tokens). Returns the number of strings."""
    file_tok = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    texts = strings_to_check(tokenizer)
    for text in texts:
        for special in (False, True):
            a = tokenizer(text, add_special_tokens=special)["input_ids"]
            b = file_tok.encode(text, add_special_tokens=special).ids
            assert a == b, (folder, text, special, a, b)
    return len(texts)


# ---------------------------------------------------------------- weights
def randomize(model, std, seed):
    """Replaces every parameter deterministically: matrices and embeddings N(0, std),
    norm weights 1 + N(0, 0.1), biases N(0, 0.2). Tied weights are visited once."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():  # named_parameters skips the tied duplicate
            if "norm" in name:
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
            elif name.endswith(".bias"):
                p.copy_(0.2 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(std * torch.randn(p.shape, generator=gen))


def build(cls, config, seed):
    """The float32 model of specs() entry number seed (0 for llama), randomized as saved."""
    torch.manual_seed(1234 + seed)
    model = cls(config).to(torch.float32).eval()
    randomize(model, std=STD, seed=1234 + seed)
    return model


def common(tokenizer):
    return dict(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256, rms_norm_eps=1e-5,
                initializer_range=0.2, bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                pad_token_id=tokenizer.pad_token_id)


def specs(tokenizer):
    c = common(tokenizer)
    return {
        "llama": (LlamaForCausalLM, LlamaConfig(**c, tie_word_embeddings=False,
                                                  rope_parameters={"rope_type": "default", "rope_theta": 50000.0})),
        "qwen2": (Qwen2ForCausalLM, Qwen2Config(**c, tie_word_embeddings=True,
                                                  rope_parameters={"rope_type": "default", "rope_theta": 1000000.0})),
        "llama3_rope": (LlamaForCausalLM, LlamaConfig(**c, tie_word_embeddings=True, head_dim=32, rope_parameters={
            "rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0,
            "high_freq_factor": 4.0, "original_max_position_embeddings": 32})),
        "llama_linear_rope": (LlamaForCausalLM, LlamaConfig(**c, tie_word_embeddings=False, rope_parameters={
            "rope_type": "linear", "rope_theta": 10000.0, "factor": 4.0})),
    }


# ---------------------------------------------------------------- reference
MESSAGES = [{"role": "user", "content": "What is the capital of France?"},
            {"role": "assistant", "content": "The capital of France is Paris."},
            {"role": "user", "content": "And of Italy?"}]


def prompts(tokenizer):
    chat = tokenizer.apply_chat_template(MESSAGES, add_generation_prompt=True, tokenize=False)
    return [
        ("plain", "The capital of France is"),
        ("plain", "Once upon a time there was a little girl"),
        ("leading_space", " the quick brown fox jumps over the lazy dog"),
        ("newlines", "Question: What is the capital of France?\n\nA. Berlin\nB. Paris\nC. Madrid\nD. Rome\n\nAnswer:"),
        ("code", "def add(a, b):\n    return a + b\n"),
        ("numbers", "Numbers like 1, 2, 3 and 2024."),
        ("long", " ".join(["Water boils at one hundred degrees Celsius at sea level, and the sun rises in the east."] * 4)),
        ("chatml", chat),
    ]


def logprob_record(model, ids):
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0]  # the model's dtype (float32; bfloat16 for llama_bf16/)
    lp = torch.log_softmax(logits.double(), dim=-1)
    return logits, lp


def reference(model, tokenizer):
    records = []
    for kind, prompt in prompts(tokenizer):
        ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        ids_special = tokenizer(prompt)["input_ids"]
        logits, lp = logprob_record(model, ids)
        last = lp[-1]
        top10 = torch.argsort(last, descending=True, stable=True)[:10].tolist()
        with torch.no_grad():
            out = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                                 do_sample=False, max_new_tokens=12, pad_token_id=tokenizer.pad_token_id)
        greedy = out[0, len(ids):].tolist()
        # The same greedy path by hand (no EOS stop), as a check of generate().
        manual, seq, step_gaps = [], list(ids), []
        for _ in range(12):
            with torch.no_grad():
                step = model(torch.tensor([seq])).logits[0, -1]
            top2 = torch.topk(step, 2).values
            step_gaps.append(float(top2[0] - top2[1]))
            nxt = int(step.argmax())
            manual.append(nxt)
            seq.append(nxt)
        assert manual[: len(greedy)] == greedy, (manual, greedy)
        top2 = torch.topk(logits, 2, dim=-1).values
        records.append({
            "kind": kind,
            "prompt": prompt,
            "ids": ids,
            "ids_with_special_tokens": ids_special,
            "next_token_logprobs": [float(lp[i, ids[i + 1]]) for i in range(len(ids) - 1)],
            "last_logprobs": [float(x) for x in last],
            "last_top10": top10,
            "greedy": greedy,
            "greedy_stopped_at_eos": len(greedy) < 12,
            "greedy_text": tokenizer.decode(greedy),
            # Smallest top-1 minus top-2 logit margin over the prompt positions and over the
            # greedy steps: how far apart argmax and the runner-up are.
            "min_top2_logit_margin_prompt": float((top2[:, 0] - top2[:, 1]).min()),
            "min_top2_logit_margin_greedy": min(step_gaps[: max(1, len(greedy))]),
        })
    return records


def max_diff(a_model, b_model, tokenizer):
    """Max |log-softmax difference| over all prompts, positions and vocabulary, plus per prompt
    the max |difference| of next_token_logprobs (the values a test compares)."""
    worst, per_prompt = 0.0, []
    for kind, prompt in prompts(tokenizer):
        ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        _, a = logprob_record(a_model, ids)
        _, b = logprob_record(b_model, ids)
        worst = max(worst, float((a - b).abs().max()))
        t = torch.tensor(ids[1:])[:, None]
        per_prompt.append(float((a[:-1].gather(1, t) - b[:-1].gather(1, t)).abs().max()))
    return {"max_abs_logprob_diff": worst, "next_token_logprobs_max_abs_diff_per_prompt": per_prompt}


def last_diff(a_model, b_model, tokenizer):
    """Max |difference| of the last-position log-softmax (the whole vocabulary), over all prompts."""
    worst = 0.0
    for kind, prompt in prompts(tokenizer):
        ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        worst = max(worst, float((logprob_record(a_model, ids)[1][-1] - logprob_record(b_model, ids)[1][-1]).abs().max()))
    return worst


def variant(cls, config, state, **changes):
    """The same weights under a config with changed rope parameters (what a loader that
    misreads the config would compute)."""
    cfg = config.__class__.from_dict(config.to_dict())
    cfg.rope_parameters = changes["rope_parameters"]
    m = cls(cfg).eval()
    m.load_state_dict(state)
    return m


def write_json(path, obj):
    """Indented JSON with each list of numbers on one line; floats are repr (full precision)."""
    text = json.dumps(obj, ensure_ascii=False, indent=1)
    text = re.sub(r"\[\s*([-0-9.eE+,\s]*?)\s*\]", lambda m: "[" + re.sub(r",\s*", ", ", m.group(1)) + "]", text)
    assert json.loads(text) == obj
    with open(path, "w") as f:
        f.write(text + "\n")


def bf16_folder(tokenizer, versions):
    """llama_bf16/: llama/'s weights (specs() entry 0, seed 1234) cast to bfloat16 and saved, so
    config.json says dtype bfloat16 and model.safetensors holds BF16 tensors. The reference is
    transformers' on the folder loaded with dtype="auto" (it computes in bfloat16; the logits are
    bfloat16, log_softmax in float64 as for the others), and per prompt float32_next_token_logprobs:
    the same folder loaded with dtype=torch.float32 (weights widened exactly)."""
    name = "llama_bf16"
    cls, config = specs(tokenizer)["llama"]
    model = build(cls, config, seed=list(specs(tokenizer)).index("llama")).to(torch.bfloat16)
    out = os.path.join(HERE, name)
    shutil.rmtree(out, ignore_errors=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    with open(os.path.join(out, "config.json")) as f:
        assert json.load(f)["dtype"] == "bfloat16"
    with safe_open(os.path.join(out, "model.safetensors"), "pt") as f:
        assert all(f.get_slice(k).get_dtype() == "BF16" for k in f.keys())
    tokenizer_of_folder = AutoTokenizer.from_pretrained(out)
    checked = check_same_ids(out, tokenizer_of_folder)

    loaded = AutoModelForCausalLM.from_pretrained(out, dtype="auto").eval()
    assert loaded.dtype == torch.bfloat16, loaded.dtype
    widened = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32).eval()
    assert widened.dtype == torch.float32, widened.dtype
    for (k, a), (k2, b) in zip(loaded.state_dict().items(), widened.state_dict().items()):
        assert k == k2 and torch.equal(a.float(), b), k
    checks = {
        # The bfloat16 run against the float32 run of the same (widened) weights.
        "float32_widened": {**max_diff(loaded, widened, tokenizer_of_folder),
                            "last_logprobs_max_abs_diff": last_diff(loaded, widened, tokenizer_of_folder)},
        # The model cast in memory (model.to(torch.bfloat16), as saved) against the folder loaded:
        # not 0, because .to() also casts the RoPE inv_freq buffer to bfloat16, while
        # from_pretrained computes it in float32 whatever the dtype.
        "inv_freq_bfloat16": max_diff(loaded, model, tokenizer_of_folder),
    }
    assert model.model.rotary_emb.inv_freq.dtype == torch.bfloat16
    assert loaded.model.rotary_emb.inv_freq.dtype == torch.float32
    records = reference(loaded, tokenizer_of_folder)
    for record in records:
        ids = record["ids"]
        _, lp = logprob_record(widened, ids)
        record["float32_next_token_logprobs"] = [float(lp[i, ids[i + 1]]) for i in range(len(ids) - 1)]
    ref = {
        **versions,
        "model": name,
        "dtype": "bfloat16",
        "loaded_dtype": str(loaded.dtype).removeprefix("torch."),
        "attn_implementation": loaded.config._attn_implementation,
        "note": "llama/'s weights cast to bfloat16 and saved; logprobs are log_softmax (float64) of "
                "transformers' bfloat16 logits with the folder loaded with dtype=\"auto\"; "
                "float32_next_token_logprobs: the folder loaded with dtype=torch.float32 (float32 "
                "logits, log_softmax in float64); ids are tokenizer(prompt, add_special_tokens=False); "
                "greedy is model.generate(do_sample=False, max_new_tokens=12) in bfloat16",
        "checks": checks,
        "chat_messages": MESSAGES,
        "prompts": records,
    }
    write_json(os.path.join(out, "reference.json"), ref)
    return checks, checked


LONG_CONTEXT = 4096


def long_context_folder():
    """llama_4k/: llama/'s files copied byte for byte (weights, tokenizer, generation_config) but
    reference.json, with config.json's max_position_embeddings 256 -> LONG_CONTEXT and nothing else
    changed. llama/ uses default RoPE (no scaling), so no weight and no rotary frequency depends on
    max_position_embeddings: the logits are the same, only lm-eval's max_length (read from the
    config) grows, so long few-shot prompts are not left-truncated. tokenizer_config.json keeps
    model_max_length 256 (a copy; lm-eval reads the model config first, and transformers only warns).
    Checked: both folders loaded by transformers give bit-identical float32 logits on a 200-token
    input (and on a 600-token one, past 256)."""
    src, out = os.path.join(HERE, "llama"), os.path.join(HERE, "llama_4k")
    with open(os.path.join(src, "config.json")) as f:
        text = f.read()
    config = json.loads(text)
    assert config["rope_parameters"] == {"rope_theta": 50000.0, "rope_type": "default"}, config["rope_parameters"]
    assert "rope_scaling" not in config and config["max_position_embeddings"] == 256
    old = '"max_position_embeddings": 256,'
    assert text.count(old) == 1
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for name in sorted(os.listdir(src)):
        if name not in ("reference.json", "config.json"):
            shutil.copyfile(os.path.join(src, name), os.path.join(out, name))
    with open(os.path.join(out, "config.json"), "w") as f:
        f.write(text.replace(old, f'"max_position_embeddings": {LONG_CONTEXT},'))
    with open(os.path.join(out, "config.json")) as f:
        new = json.load(f)
    assert {k: v for k, v in new.items() if k != "max_position_embeddings"} == \
        {k: v for k, v in config.items() if k != "max_position_embeddings"}
    tokenizer = AutoTokenizer.from_pretrained(out)
    base = AutoModelForCausalLM.from_pretrained(src, dtype=torch.float32).eval()
    long = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32).eval()
    assert long.config.max_position_embeddings == LONG_CONTEXT
    assert torch.equal(base.model.rotary_emb.inv_freq, long.model.rotary_emb.inv_freq)
    ids = tokenizer(" ".join(corpus()), add_special_tokens=False)["input_ids"]
    checks = {}
    for n in (200, 600):
        assert len(ids) >= n, len(ids)
        with torch.no_grad():
            a = base(torch.tensor([ids[:n]])).logits
            b = long(torch.tensor([ids[:n]])).logits
        checks[f"tokens_{n}_max_abs_logit_diff"] = float((a - b).abs().max())
        assert torch.equal(a, b), (n, checks)
    return checks


def main(only=()):
    names = ["llama", "qwen2", "llama3_rope", "llama_linear_rope", "llama_bf16", "llama_4k"]
    assert all(n in names for n in only), (only, names)
    wanted = set(only or names)
    tokenizer = make_tokenizer()
    qwen2_tokenizer = make_tokenizer("qwen2")
    for attr in ("bos_token_id", "eos_token_id", "pad_token_id", "unk_token_id"):
        assert getattr(qwen2_tokenizer, attr) == getattr(tokenizer, attr), attr
    assert len(qwen2_tokenizer) == len(tokenizer) == VOCAB_SIZE
    tok_dir = os.path.join(HERE, "tokenizer")
    if not only:
        shutil.rmtree(tok_dir, ignore_errors=True)
        tokenizer.save_pretrained(tok_dir)
    reloaded = AutoTokenizer.from_pretrained(tok_dir)  # as a loader sees it
    for _, prompt in prompts(tokenizer):
        assert reloaded(prompt)["input_ids"] == tokenizer(prompt)["input_ids"]
        assert reloaded.apply_chat_template(MESSAGES, add_generation_prompt=True, tokenize=False) == prompts(tokenizer)[-1][1]
    versions = {"torch": torch.__version__, "transformers": transformers.__version__, "tokenizers": tokenizers.__version__}
    summary, checked = {}, {}
    assert list(specs(tokenizer)) == names[:-2]
    for seed, (name, (cls, config)) in enumerate(specs(tokenizer).items()):
        if name not in wanted:
            continue
        model = build(cls, config, seed)
        out = os.path.join(HERE, name)
        shutil.rmtree(out, ignore_errors=True)
        model.save_pretrained(out)
        (qwen2_tokenizer if name == "qwen2" else tokenizer).save_pretrained(out)
        # From here on the tokenizer is the one transformers loads from the folder (Qwen2Tokenizer
        # for qwen2/), checked against tokenizers reading the folder's tokenizer.json.
        tokenizer_of_folder = AutoTokenizer.from_pretrained(out)
        checked[name] = check_same_ids(out, tokenizer_of_folder)

        loaded = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32).eval()
        reload_diff = max_diff(model, loaded, tokenizer_of_folder)
        state = model.state_dict()
        rp = dict(config.rope_parameters)
        checks = {"reload": reload_diff}
        checks["rope_theta_10000"] = (
            max_diff(model, variant(cls, config, state, rope_parameters={**rp, "rope_theta": 10000.0}), tokenizer_of_folder)
            if rp["rope_theta"] != 10000.0 else None)
        if rp["rope_type"] != "default":
            checks["rope_scaling_ignored"] = max_diff(
                model, variant(cls, config, state, rope_parameters={"rope_type": "default", "rope_theta": rp["rope_theta"]}), tokenizer_of_folder)
        ref = {
            **versions,
            "model": name,
            "dtype": "float32",
            "attn_implementation": model.config._attn_implementation,
            "note": "logprobs are log_softmax (float64) of transformers' float32 logits; ids are "
                    "tokenizer(prompt, add_special_tokens=False), the model input; greedy is "
                    "model.generate(do_sample=False, max_new_tokens=12), which stops at eos_token_id",
            # The same weights run by transformers with the config misread: reloaded from the
            # folder (should be 0), with rope_theta 10000 (the default a loader might assume),
            # and with the rope scaling dropped (rope_type default, same theta).
            "checks": checks,
            "chat_messages": MESSAGES,
            "prompts": reference(model, tokenizer_of_folder),
        }
        write_json(os.path.join(out, "reference.json"), ref)
        summary[name] = checks
    if "llama_bf16" in wanted:
        summary["llama_bf16"], checked["llama_bf16"] = bf16_folder(tokenizer, versions)
    if "llama_4k" in wanted:  # after llama/, which it copies
        summary["llama_4k"] = long_context_folder()
    print(json.dumps({**versions, "checks": summary, "strings_with_equal_ids": checked}, indent=1))


if __name__ == "__main__":
    main(tuple(sys.argv[1:]))
