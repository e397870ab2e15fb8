#!/usr/bin/env python3
"""Tiny deterministic OpenAI-compatible server used to capture what lm-eval sends.

    python fake_openai_server.py PORT LOGFILE [TOKENIZER_DIR]

POST /v1/chat/completions : answers "The answer is N." where N is the sum of the
    numbers after the last "Question:" in the last user message (deliberately wrong,
    N+1, when the sum is a multiple of 4); honours `stop` like a real server.
POST /v1/completions      : echo=True -> logprobs for every prompt token plus one
    generated token (needs TOKENIZER_DIR to tokenize string prompts); otherwise a text
    completion built like the chat answer.
    Fake log-probability of the token with id t at position j:
        lp(t, j) = -(((t * 7 + j * 3) % 50) / 10 + 0.05); position 0 gets null.
    top_logprobs[j] = {token: lp} when t % 3 == 0 (greedy), else {"<alt>": lp + 0.5}.
    The generated token is id 0 at position len(prompt) (its logprob uses the same rule).
Every request body is appended to LOGFILE as one JSON line, in arrival order.
"""
import json
import re
import sys
import threading

from flask import Flask, jsonify, request

PORT = int(sys.argv[1])
LOG = sys.argv[2]
TOK_DIR = sys.argv[3] if len(sys.argv) > 3 else None
tok = None
if TOK_DIR:
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(f"{TOK_DIR}/tokenizer.json")

app = Flask(__name__)
lock = threading.Lock()


def log_body(body):
    with lock, open(LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps({"path": request.path, "body": body}, ensure_ascii=False, separators=(",", ":")) + "\n")


def answer_for(text):
    q = text.rsplit("Question:", 1)[-1]
    nums = [int(x.replace(",", "")) for x in re.findall(r"\d[\d,]*", q)]
    s = sum(nums)
    if s % 4 == 0:
        s += 1
    return f"The answer is {s:,}.\n\nQuestion: (the server ignored stop)"


def apply_stop(text, stop):
    if isinstance(stop, str):
        stop = [stop]
    for term in stop or []:
        if term:
            text = text.split(term)[0]
    return text


@app.post("/v1/chat/completions")
def chat():
    body = request.get_json()
    log_body(body)
    users = [m for m in body["messages"] if m["role"] == "user"]
    content = apply_stop(answer_for(users[-1]["content"] if users else ""), body.get("stop"))
    return jsonify({
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": body.get("model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    })


def lp(t, j):
    return -(((t * 7 + j * 3) % 50) / 10 + 0.05)


@app.post("/v1/completions")
def completions():
    body = request.get_json()
    log_body(body)
    prompt = body["prompt"]
    if isinstance(prompt, str) or (prompt and isinstance(prompt[0], int)):
        prompts = [prompt]
    else:
        prompts = prompt
    choices = []
    for i, p in enumerate(prompts):
        if body.get("echo"):
            ids = p if not isinstance(p, str) else tok.encode(p, add_special_tokens=False).ids
            ids = list(ids) + [0]
            toks = [tok.id_to_token(t) if tok else str(t) for t in ids]
            token_logprobs = [None] + [lp(t, j) for j, t in enumerate(ids)][1:]
            top = [None] + [
                ({toks[j]: lp(t, j)} if t % 3 == 0 else {"<alt>": lp(t, j) + 0.5})
                for j, t in enumerate(ids)
            ][1:]
            choices.append({"index": i, "text": toks[-1], "finish_reason": "length",
                            "logprobs": {"tokens": toks, "token_logprobs": token_logprobs,
                                         "top_logprobs": top, "text_offset": list(range(len(ids)))}})
        else:
            text = p if isinstance(p, str) else tok.decode(p)
            choices.append({"index": i, "text": apply_stop(answer_for(text), body.get("stop")),
                            "finish_reason": "stop", "logprobs": None})
    return jsonify({"id": "cmpl-fake", "object": "text_completion", "created": 0,
                    "model": body.get("model"), "choices": choices})


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=PORT, threaded=False)
