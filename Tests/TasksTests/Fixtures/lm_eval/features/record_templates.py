"""Task-file templates of the kinds lm-eval's library uses (Python string and list methods,
slicing, tests, filters, jinja2's default globals), rendered by lm-eval 0.4.13's own
`utils.apply_template` on a few documents. Prints JSON: a list of {"template", "doc", "text"}
(or "error": the exception's class name when lm-eval fails)."""
import json

from lm_eval.utils import apply_template

DOCS = [
    {"sentence": "The trophy did not fit because _ was too big.", "option1": "the trophy", "option2": "the case", "answer": "1",
     "question": "  What is the capital of France?\n", "choices": {"text": ["Paris", "Lyon"], "label": ["A", "B"]},
     "label": 0, "context": "Title: A. B. C.", "tags": ["x", "y", "z"], "id": "q-17", "nested": {"k": "v"}},
]
TEMPLATES = [
    "{% set i = sentence.index('_') %}{{ sentence[:i] + option1 }}",
    "{% set i = sentence.index('_') + 1 %}{{ sentence[i:].strip() }}",
    "{{ question.strip() }}|{{ question.lstrip() }}|{{ question.rstrip() }}|{{ question.strip(' \n?') }}",
    "{{ context.split('.') }} {{ context.split() }} {{ context.split('.', 1) }} {{ context.rsplit('.', 1) }}",
    "{{ context.replace('.', '!') }} {{ context.upper() }} {{ context.lower() }} {{ context.title() }}",
    "{{ context.startswith('Title') }} {{ context.endswith('C.') }} {{ id.isdigit() }} {{ 'x' in tags }} {{ 'Paris' in choices.text }}",
    "{{ ', '.join(tags) }} {{ tags | join(', ') }} {{ tags | length }} {{ choices['text'] | length }} {{ choices.label[label] }}",
    "{{ tags[::-1] }} {{ tags[1:] }} {{ tags[-1] }} {{ sentence[:9] }} {{ id[-2:] }}",
    "{% if nested is defined %}{{ nested.k }}{% endif %}{% if missing is defined %}no{% else %}undef{% endif %}",
    "{% for l, t in zip(choices.label, choices.text) %}{{ l }}. {{ t }}\n{% endfor %}",
    "{% for i in range(choices.text | length) %}{{ 'ABCD'[i] }}. {{ choices.text[i] }}\n{% endfor %}",
    "{% for t in choices.text %}{{ loop.index }}:{{ t }}{{ ', ' if not loop.last }}{% endfor %}",
    "{{ choices.label.index('B') }} {{ ['1', '2'].index(answer) }} {{ {'1': 0, '2': 1}[answer] }} {{ answer | int - 1 }}",
    "{{ question | trim | replace('France', 'Italy') }} {{ tags | first }} {{ tags | last }} {{ (tags | map('upper') | list) }}",
    "{{ context.find('A') }} {{ context.count('.') }} {{ context.split('.')[0] }} {{ '%s-%s' % (id, label) }}",
    "{{ choices.text | map('lower') | join('/') }} {{ tags | reverse | list }} {{ dict(a=1)['a'] }} {{ nested.get('k') }}",
    "{{ '{}: {}'.format(id, label) }} {{ context[:-1].strip('.').capitalize() }} {{ tags|sort|join }} {{ label|string }}",
]

out = []
for template in TEMPLATES:
    for doc in DOCS:
        try:
            out.append({"template": template, "doc": doc, "text": apply_template(template, doc)})
        except Exception as e:  # noqa: BLE001
            out.append({"template": template, "doc": doc, "error": type(e).__name__ + ": " + str(e)})
print(json.dumps(out, indent=1, ensure_ascii=False))
