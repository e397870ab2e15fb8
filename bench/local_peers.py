"""The same workloads as bench/LocalBenchmark through llama-cpp-python (in process) and
transformers on PyTorch's CPU wheel. Prints one JSON object per peer.

    python bench/local_peers.py llama_cpp models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
    python bench/local_peers.py transformers models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
"""
import json
import os
import sys
import time

QUESTIONS = [
    f"Question {i}: Which of these is the best answer to question number {i} about science and history?\n\n"
    "A. The first option\nB. The second option\nC. The third option\nD. The fourth option\n\nAnswer:"
    for i in range(100)
]
STORY = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nWrite a long story about a dragon who learns to bake bread.<|im_end|>\n<|im_start|>assistant\n"


def llama_cpp(path):
    from llama_cpp import Llama
    t = time.time()
    llm = Llama(model_path=path, n_ctx=2048, n_threads=os.cpu_count(), logits_all=False, verbose=False)
    load = time.time() - t
    t = time.time()
    completion = llm.create_completion(STORY, max_tokens=128, temperature=0.0, repeat_penalty=1.0)
    greedy = completion["usage"]["completion_tokens"] / (time.time() - t)
    # Loglikelihood: each question's context evaluated once, then each one-token choice on top of it.
    choices = [llm.tokenize(f" {c}".encode(), add_bos=False)[-1] for c in "ABCD"]
    t = time.time()
    for q in QUESTIONS:
        ctx = llm.tokenize(q.encode(), add_bos=False)
        llm.reset()
        llm.eval(ctx)
        logits = llm.scores[llm.n_tokens - 1]
        _ = [logits[c] for c in choices]
    mcq = len(QUESTIONS) / (time.time() - t)
    return {"backend": "llama-cpp-python (Q4_1, in process)", "load_seconds": load,
            "greedy_tokens_per_second_1_stream": greedy, "mcq_items_per_second": mcq}


def transformers_peer(path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    torch.set_num_threads(os.cpu_count())
    folder, name = os.path.split(os.path.abspath(path))
    t = time.time()
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, torch_dtype=torch.float32)
    model.eval()
    load = time.time() - t
    ids = tok(STORY, return_tensors="pt", add_special_tokens=False).input_ids
    with torch.inference_mode():
        t = time.time()
        out = model.generate(ids, max_new_tokens=128, do_sample=False)
        greedy = (out.shape[1] - ids.shape[1]) / (time.time() - t)
        choices = [tok(f" {c}", add_special_tokens=False).input_ids[-1] for c in "ABCD"]
        t = time.time()
        for q in QUESTIONS:
            ctx = tok(q, return_tensors="pt", add_special_tokens=False).input_ids
            logits = model(ctx).logits[0, -1]
            _ = torch.log_softmax(logits.float(), -1)[choices]
        mcq = len(QUESTIONS) / (time.time() - t)
    return {"backend": f"transformers {__import__('transformers').__version__} + torch {torch.__version__} (float32)", "load_seconds": load,
            "greedy_tokens_per_second_1_stream": greedy, "mcq_items_per_second": mcq}


peer, path = sys.argv[1], sys.argv[2]
print(json.dumps(llama_cpp(path) if peer == "llama_cpp" else transformers_peer(path), sort_keys=True))
