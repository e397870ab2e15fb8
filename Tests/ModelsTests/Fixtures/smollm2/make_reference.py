"""Reference data from llama.cpp (llama-cpp-python) for SmolLM2-135M-Instruct.Q4_1.gguf:
token ids of many strings, and next-token log probabilities read from the model's own
scores (logits_all=True; not the server's echo logprobs, which are shifted by one position
when no BOS is added: abetlen/llama-cpp-python#1276).

    python make_reference.py models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
writes tokenizer_cases.json and logprobs_reference.json here.
"""
import json
import os
import sys

import numpy as np
import llama_cpp
from llama_cpp import Llama

HERE = os.path.dirname(os.path.abspath(__file__))
path = sys.argv[1]

STRINGS = [
    "Hello world", "Hello, world!", " leading space", "trailing space ", "  two  spaces  ", "\n", "\n\n", "line one\nline two",
    "tabs\tand\ttabs", "The year 2024 had 366 days.", "1234567890", "3.14159", "x=1+2*3", "don't won't I'm you're they'll we've he'd",
    "CAPITALS and lowercase", "café naïve résumé Zürich", "日本語のテキスト", "中文 字符", "emoji 🙂 🚀 👍🏽", "Привет мир", "مرحبا بالعالم",
    "def f(x):\n    return x ** 2\n", "{\"key\": [1, 2, 3]}", "<|im_start|>user\nHi<|im_end|>\n", "<|im_start|>", "text<|im_end|>more",
    "Question: What is the capital of France?\n\nA. Paris\nB. Berlin\nC. Madrid\nD. Rome\n\nAnswer:", " A", " B", "A", "Answer: B",
    "!!!???...", "a" * 50, "   ", "end.", "mixed123numbers456", "http://example.com/path?q=1&r=2", "snake_case_name camelCaseName",
    "    indented code", "©®™", "ǅ ǈ ǋ", "\u00a0non-breaking\u00a0space", "Ω≈ç√∫", "ﬁ ligature", "e\u0301 combining",
]

vocab = Llama(model_path=path, vocab_only=True, verbose=False)
cases = []
for text in STRINGS:
    cases.append({
        "text": text,
        "ids": vocab.tokenize(text.encode(), add_bos=False, special=True),
        "ids_no_special": vocab.tokenize(text.encode(), add_bos=False, special=False),
    })
with open(os.path.join(HERE, "tokenizer_cases.json"), "w") as f:
    json.dump({"llama_cpp_python": llama_cpp.__version__, "model": os.path.basename(path), "cases": cases}, f, ensure_ascii=False, indent=1)

PROMPTS = [
    "The capital of France is", "Once upon a time", "def fibonacci(n):", "1, 2, 3, 4,", "The quick brown fox",
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nName a colour.<|im_end|>\n<|im_start|>assistant\n",
    "Question: Which planet is known as the Red Planet?\n\nA. Venus\nB. Mars\nC. Jupiter\nD. Saturn\n\nAnswer:",
    "Water boils at", "In 1969, humans", "The opposite of hot is", "Translate to French: cat ->", "import numpy as np\n", "SELECT * FROM",
    "My favourite food is", "Photosynthesis is the process", "The sum of 7 and 5 is", "Q: Is the sky blue?\nA:", "Paris, London, Berlin,",
    "Hello! How are you", "The largest ocean on Earth is the", "Roses are red,", "E = mc", "<|im_start|>user\nTell me a joke.<|im_end|>\n<|im_start|>assistant\n",
]

model = Llama(model_path=path, logits_all=True, n_ctx=512, n_threads=2, verbose=False)
records = []
for prompt in PROMPTS:
    tokens = model.tokenize(prompt.encode(), add_bos=False, special=True)
    model.reset()
    model.eval(tokens)
    scores = np.array(model.scores[: len(tokens)], dtype=np.float64)
    logprobs = scores - np.log(np.exp(scores - scores.max(-1, keepdims=True)).sum(-1, keepdims=True)) - scores.max(-1, keepdims=True)
    last = logprobs[-1]
    top = np.argsort(-last)[:20]
    model.reset()
    generated = []
    for token in model.generate(tokens, temp=0.0, top_k=1, repeat_penalty=1.0):
        if token == model.token_eos() or len(generated) >= 24:
            break
        generated.append(int(token))
    records.append({
        "prompt": prompt,
        "tokens": tokens,
        "next_token_logprobs": [float(logprobs[i][tokens[i + 1]]) for i in range(len(tokens) - 1)],
        "last_top20": [[int(i), float(last[i])] for i in top],
        "greedy": generated,
    })
with open(os.path.join(HERE, "logprobs_reference.json"), "w") as f:
    json.dump({"llama_cpp_python": llama_cpp.__version__, "model": os.path.basename(path), "prompts": records}, f, ensure_ascii=False, indent=1)
print("ok", len(cases), len(records))
