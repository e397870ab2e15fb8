#!/usr/bin/env python3
"""Make byte-level BPE tokenizer fixtures for the Swift tokenizer tests.

Everything here is deterministic: the training corpus is generated from
hand-written snippets with a seeded RNG, the tokenizers are trained with the
Hugging Face `tokenizers` library, and the cases are encoded/decoded with it.

Usage (needs only `pip install tokenizers`):

    python make_fixtures.py [--out DIR] [--corpus-out FILE] [--check]

--out defaults to the directory that holds this script.
--check regenerates everything in a temporary directory and reports whether
        the files in --out are byte-for-byte identical.

Outputs in --out:
    gpt2_style.json          gpt2_style.cases.json
    llama3_style.json        llama3_style.cases.json
    special_tokens.json      special_tokens.cases.json
"""
import argparse
import filecmp
import json
import os
import random
import sys
import tempfile

import tokenizers
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
NON_SPECIAL_ADDED = "<custom>"

# ---------------------------------------------------------------------------
# Hand-written material (used both for the corpus and for test cases)
# ---------------------------------------------------------------------------

PROSE = [
    "The quick brown fox jumps over the lazy dog.",
    "It's a truth universally acknowledged that a single man in possession of a good fortune must be in want of a wife.",
    "I'm sure they'll say we've done what we'd planned, but you're wrong if you think it's over.",
    "She said, \"Don't touch that!\" and he didn't; he couldn't, really.",
    "In the beginning the Universe was created. This has made a lot of people very angry and been widely regarded as a bad move.",
    "Tokenizers split text into pieces; byte-level BPE never needs an unknown token.",
    "Call me Ishmael. Some years ago -- never mind how long precisely -- having little or no money in my purse, I thought I would sail about a little.",
    "We hold these truths to be self-evident, that all men are created equal.",
    "The weather today is sunny with a high of 24 degrees and a low of 13.",
    "Please RSVP by Friday, June 14th, at 5:30 p.m. (no exceptions!).",
    "THIS IS SHOUTING. This Is Title Case. this is lower case.",
    "Mr. O'Neil's dog -- a terrier named Rex -- barked at the mailman's van.",
    "Wait... what?! Are you serious??? No way!!!",
    "Our café serves crème brûlée, jalapeño nachos and a piña colada; the naïve façade fooled no one.",
    "Zürich, Köln, São Paulo, Kraków, Reykjavík, Ærøskøbing and Łódź are cities.",
    "Use the `tokenize()` function, then call `decode()` on the result.",
    "The committee's report, which wasn't published until 2019, recommended 42 changes.",
    "To be, or not to be, that is the question: Whether 'tis nobler in the mind to suffer.",
    "Email me at jane.doe@example.com or visit https://example.org/path?query=1&lang=en#top.",
    "Section 3.2.1 states: \"All values MUST be non-negative.\"",
]

WORDS = (
    "time person year way day thing man world life hand part child eye woman place work week case point "
    "government company number group problem fact be have do say get make go know take see come think look "
    "want give use find tell ask seem feel try leave call good new first last long great little own other old "
    "right big high different small large next early young important few public bad same able token model "
    "byte merge vocabulary encoder decoder string swift python rust regex unicode letter number space tab "
    "newline function variable return value array dictionary server client request response error result"
).split()

CONTRACTIONS = ["it's", "don't", "we're", "they've", "I'm", "you'll", "she'd", "can't", "won't", "isn't",
                "IT'S", "DON'T", "WE'RE", "THEY'VE", "I'M", "YOU'LL", "SHE'D", "John's", "JOHN'S", "y'all"]

CODE = [
    "def fibonacci(n: int) -> int:\n    if n < 2:\n        return n\n    return fibonacci(n - 1) + fibonacci(n - 2)\n",
    "for i in range(10):\n\tprint(f\"{i:>3} -> {i**2}\")\n",
    "import json\nwith open('data.json') as f:\n    data = json.load(f)\nprint(data['items'][0])\n",
    "function add(a, b) {\n  return a + b;\n}\nconsole.log(add(2, 3)); // 5\n",
    "const xs = [1, 2, 3].map((x) => x * 2).filter(x => x !== 4);\n",
    "struct Point: Codable, Equatable {\n    var x: Double\n    var y: Double\n}\nlet p = Point(x: 1.5, y: -2.0)\n",
    "func greet(_ name: String) -> String {\n    return \"Hello, \\(name)!\"\n}\n",
    "#include <stdio.h>\n\nint main(void) {\n\tprintf(\"Hello, world!\\n\");\n\treturn 0;\n}\n",
    "SELECT id, name, COUNT(*) AS n FROM users WHERE age >= 18 GROUP BY id ORDER BY n DESC LIMIT 10;\n",
    "<div class=\"container\">\n  <a href=\"/home\">Home</a> &amp; <span id='x'>&lt;tag&gt;</span>\n</div>\n",
    "{\"name\": \"tokenizer\", \"version\": 1, \"tags\": [\"bpe\", \"byte-level\"], \"ok\": true, \"n\": null}\n",
    "if (x && y || !z) { a[i] = b[j] << 2 | c >> 1; } else { a[i] ^= 0xFF; }\n",
    "fn main() {\n    let v: Vec<u32> = (0..10).collect();\n    println!(\"{:?}\", v);\n}\n",
    "$ git commit -m \"fix: handle \\r\\n line endings\" && git push origin main\n",
    "x = {'a': 1, 'b': [2, 3], 'c': (4, 5)}  # trailing comment   \n",
    "class Foo(Bar):\n    \"\"\"Docstring.\"\"\"\n\n    def __init__(self, *args, **kwargs):\n        super().__init__(*args, **kwargs)\n",
    "let re = try! NSRegularExpression(pattern: \"\\\\s+(?!\\\\S)\", options: [])\n",
    "while (i-- > 0) { sum += arr[i] * 3.14159; }\n",
    "    indented with four spaces\n\tindented with a tab\n        eight spaces\n\t\ttwo tabs\n",
    "key1=value1\r\nkey2=value2\r\n\r\n[section]\r\nname = \"windows line endings\"\r\n",
]

NUMBERS = [
    "0", "7", "42", "123", "2024", "31415", "271828", "1234567", "12345678", "123456789", "1234567890",
    "3.14159", "2.71828", "-17", "+1 (555) 123-4567", "1,000,000", "1.000.000,00", "$19.99", "€5,50",
    "£1,234.56", "100%", "50/50", "1/2", "3:45 PM", "2024-01-31", "31/12/1999", "12:00:00.000Z",
    "0xDEADBEEF", "0b1010", "1e-9", "6.022e23", "v2.10.3", "IPv4 192.168.0.1", "ISBN 978-3-16-148410-0",
]

GREEK = [
    "Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλικο σκύλο.",
    "Καλημέρα σας! Πώς είστε σήμερα;",
    "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας και έχει πολλά αρχαία μνημεία.",
    "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
    "Αλφα, Βήτα, Γάμμα, Δέλτα, Έψιλον· ΩΜΕΓΑ.",
]

CYRILLIC = [
    "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "Привет, как дела? Всё хорошо, спасибо!",
    "Москва — столица России, а Киев — столица Украины.",
    "Привіт, світе! Ґанок, їжак, європейський, Йосип.",
    "В чащах юга жил бы цитрус? Да, но фальшивый экземпляр!",
    "ПРОГРАММИРОВАНИЕ НА ЯЗЫКЕ SWIFT — это интересно.",
]

CJK = [
    "我能吞下玻璃而不伤身体。",
    "今天天气很好，我们去公园散步吧。",
    "机器学习和自然语言处理是人工智能的重要分支。",
    "私はガラスを食べられます。それは私を傷つけません。",
    "東京は日本の首都です。カタカナとひらがなと漢字。",
    "나는 유리를 먹을 수 있어요. 그래도 아프지 않아요.",
    "서울특별시는 대한민국의 수도입니다.",
    "「こんにちは、世界！」と彼は言った。",
    "中文、日本語、한국어：三种语言（测试）。",
]

ARABIC = [
    "أنا قادر على أكل الزجاج و هذا لا يؤلمني.",
    "مرحبا بالعالم! كيف حالك اليوم؟",
    "اللغة العربية جميلة جداً، وهي لغة القرآن الكريم.",
    "الأرقام: ١٢٣٤٥٦٧٨٩٠ و 1234567890.",
    "שלום עולם! זה טקסט בעברית.",
]

HINDI = [
    "मैं काँच खा सकता हूँ और मुझे उससे कोई चोट नहीं पहुंचती।",
    "नमस्ते दुनिया! आप कैसे हैं?",
    "भारत की राजधानी नई दिल्ली है। संख्या: १२३४५",
    "ภาษาไทยไม่มีช่องว่างระหว่างคำ",
    "தமிழ் ஒரு பழமையான மொழி.",
]

EMOJI = [
    "😀", "😂🤣", "❤️", "👍", "👍🏽", "👋🏿", "👨‍👩‍👧‍👦", "👩🏽‍💻", "🏳️‍🌈", "🇺🇸🇯🇵🇩🇪", "1️⃣", "#️⃣",
    "🧑‍🤝‍🧑", "🐈‍⬛", "✨🚀🔥", "☕", "🙈🙉🙊", "💯", "🎉 party time 🎉", "I ❤️ NY",
]

WHITESPACE = [
    " ", "  ", "   ", "\t", "\t\t", "\n", "\n\n", "\r\n", "\r\n\r\n", "\r", " \n", "\n ", " \t \n ",
    "a b", "a  b", "a   b", "a\tb", "a\nb", "a\r\nb", "a \nb", "a\n\nb", " a", "  a", "a ", "a  ",
    "\ta", "a\t", "\n\na", "a\n\n", "   leading", "trailing   ", "  both  ", "multiple    spaces    inside",
]

# Unicode whitespace / invisible characters that regex engines classify differently.
ODD_SPACES = [
    "a\u00a0b",          # NO-BREAK SPACE
    "a\u3000b",          # IDEOGRAPHIC SPACE
    "a\u2028b",          # LINE SEPARATOR
    "a\u2029b",          # PARAGRAPH SEPARATOR
    "a\u0085b",          # NEXT LINE (NEL)
    "a\u000bb",          # VERTICAL TAB
    "a\u000cb",          # FORM FEED
    "a\u200bb",          # ZERO WIDTH SPACE (not White_Space)
    "a\u2009b\u202fc",   # THIN SPACE, NARROW NBSP
    "a\u180eb",          # MONGOLIAN VOWEL SEPARATOR (not White_Space since Unicode 6.3)
    "a\ufeffb",          # BOM / ZWNBSP
    "a\u001fb\u001cc",   # unit/file separator controls
    "\u00a0\u00a0x",
    "x \u00a0 y",
    "x\u3000\u3000",
    "nul\u0000byte",
    "del\u007fchar",
    "\u0001\u0002\u0003",
]


def corpus(seed: int = 1234, target_bytes: int = 400_000) -> list:
    """Generate a varied training corpus as a list of documents."""
    rng = random.Random(seed)
    groups = [PROSE, CODE, NUMBERS, GREEK, CYRILLIC, CJK, ARABIC, HINDI, EMOJI]
    weights = [30, 20, 8, 6, 6, 8, 5, 5, 4]
    docs = []
    size = 0

    def sentence():
        n = rng.randint(4, 14)
        ws = [rng.choice(WORDS + CONTRACTIONS) for _ in range(n)]
        if rng.random() < 0.3:
            ws[0] = ws[0].capitalize()
        if rng.random() < 0.2:
            ws.insert(rng.randrange(len(ws)), str(rng.randint(0, 10 ** rng.randint(1, 9))))
        return " ".join(ws) + rng.choice([".", ".", ".", "!", "?", "...", ";", ":"])

    def number_line():
        kind = rng.randrange(6)
        if kind == 0:
            return f"{rng.randint(1900, 2099)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if kind == 1:
            return f"${rng.randint(0, 99999):,}.{rng.randint(0, 99):02d}"
        if kind == 2:
            return f"{rng.random() * 1000:.{rng.randint(1, 6)}f}"
        if kind == 3:
            return str(rng.randint(0, 10 ** rng.randint(1, 12)))
        if kind == 4:
            return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
        return f"0x{rng.randrange(1 << 32):08X}"

    def code_variant():
        src = rng.choice(CODE)
        name = rng.choice(WORDS) + rng.choice(["", "_id", "Count", "2", "_list"])
        src = src.replace("data", name)
        if rng.random() < 0.25:
            src = src.replace("    ", "\t")
        if rng.random() < 0.15:
            src = src.replace("\n", "\r\n")
        return src

    while size < target_bytes:
        parts = []
        for _ in range(rng.randint(3, 12)):
            r = rng.random()
            if r < 0.35:
                parts.append(" ".join(sentence() for _ in range(rng.randint(1, 5))))
            elif r < 0.45:
                parts.append(code_variant())
            elif r < 0.52:
                parts.append(" ".join(number_line() for _ in range(rng.randint(1, 6))))
            else:
                g = rng.choices(groups, weights)[0]
                parts.append(" ".join(rng.choice(g) for _ in range(rng.randint(1, 3))))
        sep = rng.choice(["\n", "\n\n", " ", "\n\n\n", "\r\n", "  \n", "\t"])
        doc = sep.join(parts)
        docs.append(doc)
        size += len(doc.encode("utf-8"))
    return docs


# ---------------------------------------------------------------------------
# Test cases
# ---------------------------------------------------------------------------

def test_cases(seed: int = 20240601) -> list:
    """Return a list of (category, text)."""
    cases = []

    def add(cat, items):
        for t in items:
            cases.append((cat, t))

    add("empty", [""])
    add("single_char", list("aZ0 .!'\"#$%&()*+,-/:;<=>?@[\\]^_`{|}~") +
        ["\t", "\n", "\r", "é", "ß", "Ω", "Я", "中", "あ", "한", "ع", "ह", "😀", "€", "\u0301", "\u200d", "\ufffd", "\U0010FFFD"])
    add("ascii_words", ["hello", "Hello", "HELLO", "hello world", "Hello, World!", "the", " the", "The cat",
                        "tokenizer", "tokenization", "antidisestablishmentarianism", "a b c d e f g",
                        "I", "a", "A"])
    add("whitespace", WHITESPACE)
    add("odd_spaces", ODD_SPACES)
    # Which code points the regex engine (Oniguruma) treats as \s: "a " + X + "b" pre-tokenizes to
    # ["a", " ", X, "b"] when X is \s, and to ["a", " " + X, "b"] when it is not.
    # \s here is Unicode White_Space: U+001C..U+001F are NOT \s (Python's str.isspace says they are).
    add("whitespace_class", ["a " + chr(c) + "b" for c in (
        0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x85, 0xA0, 0x1680, 0x180E, 0x2000, 0x2007,
        0x200A, 0x200B, 0x200C, 0x200D, 0x2028, 0x2029, 0x202F, 0x205F, 0x2060, 0x3000, 0xFEFF)])
    # \p{L} / \p{N} edge cases: Lm, Lo, Lt, Nl, No, Mn, Mc, Cf, Co, noncharacters.
    add("general_category", ["a\u02bcb", "\u02bcs", "ºª", "ǅx", "ⅫⅣ", "x½y", "\u0903\u093e", "a\u0301\u0301b",
                             "\ue000\ue001", "a\uffffb", "\u00adsoft\u00adhyphen", "\u0600\u0601",
                             "🇺🇸", "🇺", "e\u0301\r\n", "\r\n\u0301",
                             # canonically equivalent pairs (Swift String == says equal; bytes differ)
                             "\uac01", "\u1100\u1161\u11a8", "caf\u00e9", "cafe\u0301", "\u212b", "\u00c5", "A\u030a"])
    add("newlines", ["line1\nline2", "line1\r\nline2\r\n", "\r\n\r\n\r\n", "a\r\r\nb", "\n\r", "para1\n\n\npara2",
                     "x  \n  y", "end with newline\n", "\n leading newline", "tabs\tand\nnewlines\r\nmixed \t\r\n ",
                     "a \r\n b", "   \n\n   ", "\t\n\t\n", "\r\r\r", "foo\n\tbar\n\t\tbaz"])
    digits = "1234567890"
    add("digits", [digits[:n] for n in range(1, 11)] + [" " + digits[:n] for n in (1, 3, 4, 7, 10)] +
        ["a" + digits[:n] + "b" for n in (2, 4, 5)] + ["00000000", "9999999999", "12 345 678", "3.14159265358979"])
    add("numbers", NUMBERS)
    add("unicode_digits", ["２０２４年", "١٢٣٤٥٦٧", "१२३४५", "²³⁴⁵", "½ cup", "Ⅻ chapters", "①②③④", "x²+y²=z²",
                           "𝟙𝟚𝟛𝟜", "٣.١٤"])
    add("contractions", ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'VE", "'M", "'LL", "'D",
                         "it's", "IT'S", "It'S", "don't", "we're", "they've", "I'm", "you'll", "she'd",
                         "John's car", "JOHN'S CAR", "rock 'n' roll", "'twas", "o'clock", "it''s", "it ' s",
                         "it\u2019s", "Ma'am", "'sup", "'llama", "I'd've"] + CONTRACTIONS)
    add("punctuation", ["...", "!!!", "?!", "?!?!", "—", "–", "--", "---", "-->", "<!--", "()", "[]{}", "''", "\"\"",
                        "\"quoted\"", "'single'", "«guillemets»", "“curly”", "‘curly’", "a,b;c:d.e", "¿Qué?", "¡Hola!",
                        "@#$%^&*", "~!@#$%^&*()_+`-=[]\\{}|;':\",./<>?", "...and then", "end.", "(parenthetical)",
                        "» «", "• bullet", "→ ← ↑ ↓", "±×÷≠≤≥∞", "§¶†‡", "。、！？", "،؛؟"])
    add("urls", ["https://example.com", "http://www.example.org/path/to/page.html?x=1&y=2#frag",
                 "https://github.com/huggingface/tokenizers/blob/main/README.md",
                 "ftp://user:pass@host:21/file.txt", "mailto:someone@example.com", "www.example.co.uk",
                 "https://例え.テスト/パス", "file:///usr/local/bin/swift"])
    add("code", CODE + ["x+=1", "a->b", "a=>b", "a::b", "i++", "!=", "===", "/* c */", "// comment", "#!/bin/bash",
                        "    return x", "\treturn x", "}\n\n}", "print(\"hi\")\n"])
    add("prose", PROSE)
    add("accented_latin", ["café", "naïve", "résumé", "Ångström", "Øresund", "ñandú", "Straße", "ĳ", "œuvre",
                           "Dvořák", "Łódź", "İstanbul", "ǅemal", "Ελλάδα", "e\u0301", "cafe\u0301", "n\u0303",
                           "a\u0300\u0301\u0302\u0303", "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319"])
    add("greek", GREEK + ["α", "ΑΒΓ", "λόγος"])
    add("cyrillic", CYRILLIC + ["Я", "ёж", "ЁЖ"])
    add("cjk", CJK + ["中", "中文", "日本語", "한국어", "𠀋𠀀", "ｶﾀｶﾅ"])
    add("arabic_hebrew", ARABIC + ["ع", "\u200fRTL mark", "العربية English mixed"])
    add("indic_thai", HINDI + ["ह", "हिन्दी", "क्षत्रिय"])
    add("emoji", EMOJI + ["😀😀😀", "a😀b", " 😀", "😀 ", "👍🏻👍🏼👍🏽👍🏾👍🏿", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "👨‍👩‍👧‍👦👨‍👩‍👧‍👦",
                          "\u200d", "x\u200dy", "☺\ufe0f", "☺\ufe0e"])
    add("mixed_scripts", ["Hello мир 世界 عالم 🌍", "Swift是一种编程语言", "Python и Swift", "AI (人工知能) 2024",
                          "αβγ123абв", "mixedCASEwords", "snake_case_words", "kebab-case-words", "CamelCaseWord",
                          "x1y2z3", "abc123def456", "テスト123テスト", "१२३abc"])
    add("long", ["a" * 300, "ab" * 200, "Pneumonoultramicroscopicsilicovolcanoconiosis",
                 "supercalifragilisticexpialidocious" * 5, " " * 100, "\n" * 50, "1" * 100, "!" * 100,
                 "😀" * 60, "中" * 120, "ل" * 80, "x" * 1000])
    specials = SPECIAL_TOKENS + [NON_SPECIAL_ADDED]
    add("special_tokens", specials + [
        "<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\nHi there.<|im_end|>",
        "<|im_start|>system\nYou are helpful.<|im_end|>\n",
        "text<|endoftext|>more text",
        "text <|endoftext|> more text",
        "<|endoftext|><|endoftext|>",
        "  <|im_start|>  ",
        "\n<|im_end|>\n",
        "<|im_start|><|im_end|>",
        "<|im_start|",
        "<|im_start|>>",
        "<<|im_start|>",
        "|im_start|",
        "<|IM_START|>",
        "<| im_start |>",
        "a<custom>b",
        "a <custom> b",
        "<custom><custom>",
        "<custom",
        "<CUSTOM>",
        "custom",
        "<|im_start|><custom><|im_end|>",
        "<custom><|endoftext|>",
        "😀<|endoftext|>😀",
        "中文<|im_end|>中文",
        "it's<|endoftext|>'s",
        "123<|endoftext|>456",
        "<|endoftext|>\r\n",
        "<|endoftext|>   end",
    ])

    # Seeded random strings mixing everything above.
    rng = random.Random(seed)
    pools = [PROSE, CODE, NUMBERS, GREEK, CYRILLIC, CJK, ARABIC, HINDI, EMOJI, WHITESPACE, ODD_SPACES,
             CONTRACTIONS, WORDS, specials]
    atoms = list("  \t\n\r'\".,;:!?-_()[]{}<>|/\\@#$%^&*+=~`0123456789") + ["\r\n", "\u0301", "\u200d", "\ufe0f", "🏽"]
    randoms = []
    while len(randoms) < 60:
        parts = []
        for _ in range(rng.randint(1, 10)):
            r = rng.random()
            if r < 0.55:
                s = rng.choice(rng.choice(pools))
                if len(s) > 40:
                    a = rng.randrange(len(s))
                    s = s[a:a + rng.randint(1, 40)]
                parts.append(s)
            elif r < 0.8:
                parts.append("".join(rng.choice(atoms) for _ in range(rng.randint(1, 6))))
            else:
                parts.append(str(rng.randint(0, 10 ** rng.randint(1, 12))))
        s = "".join(p + rng.choice(["", "", " ", "  ", "\n", "\t"]) for p in parts)
        randoms.append(s)
    add("random", randoms)

    # de-duplicate, keep order
    seen = set()
    out = []
    for cat, t in cases:
        if t in seen:
            continue
        seen.add(t)
        out.append((cat, t))
    return out


# ---------------------------------------------------------------------------
# Tokenizers
# ---------------------------------------------------------------------------

def build(kind: str, docs: list) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    if kind in ("gpt2_style", "special_tokens"):
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    elif kind == "llama3_style":
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ])
    else:
        raise ValueError(kind)
    tok.decoder = decoders.ByteLevel()
    vocab_size = {"gpt2_style": 1500, "llama3_style": 1800, "special_tokens": 1200}[kind]
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=SPECIAL_TOKENS if kind == "special_tokens" else [],
        show_progress=False,
    )
    tok.train_from_iterator(docs, trainer=trainer)
    if kind == "special_tokens":
        # Already present (ids 0-2, from the trainer); re-adding keeps ids, makes sure special=True.
        tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS])
        # A non-special added token that is NOT in the model vocab: gets id == model vocab size.
        tok.add_tokens([AddedToken(NON_SPECIAL_ADDED, special=False)])
    return tok


def make_cases(tok: Tokenizer, cases: list) -> list:
    out = []
    for cat, text in cases:
        enc = tok.encode(text, add_special_tokens=False)
        ids = list(enc.ids)
        out.append({
            "category": cat,
            "text": text,
            "ids": ids,
            "tokens": list(enc.tokens),
            "decoded": tok.decode(ids),  # default skip_special_tokens=True
            "decoded_with_special": tok.decode(ids, skip_special_tokens=False),
        })
    return out


def write_json(path: str, obj) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, ensure_ascii=False, indent=None, separators=(",", ":"))
        f.write("\n")


def write_cases(path: str, cases: list) -> None:
    # One case per line: small diffs, still one valid JSON array.
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("[\n")
        for i, c in enumerate(cases):
            f.write(json.dumps(c, ensure_ascii=False, separators=(",", ":")))
            f.write(",\n" if i + 1 < len(cases) else "\n")
        f.write("]\n")


def generate(out_dir: str, corpus_out: str = None) -> None:
    os.makedirs(out_dir, exist_ok=True)
    docs = corpus()
    if corpus_out:
        with open(corpus_out, "w", encoding="utf-8", newline="") as f:
            f.write("\n\n".join(docs))
    cases = test_cases()
    for kind in ("gpt2_style", "llama3_style", "special_tokens"):
        tok = build(kind, docs)
        tok.save(os.path.join(out_dir, f"{kind}.json"))
        # Reload from disk so the cases come from exactly the saved file.
        tok = Tokenizer.from_file(os.path.join(out_dir, f"{kind}.json"))
        write_cases(os.path.join(out_dir, f"{kind}.cases.json"), make_cases(tok, cases))
    print(f"tokenizers {tokenizers.__version__}; corpus {len(docs)} docs, "
          f"{sum(len(d.encode('utf-8')) for d in docs)} bytes; {len(cases)} cases", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--corpus-out", default=None, help="also write the training corpus here")
    ap.add_argument("--check", action="store_true", help="regenerate in a temp dir and compare with --out")
    args = ap.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            generate(tmp)
            names = sorted(n for n in os.listdir(tmp))
            bad = [n for n in names if not os.path.exists(os.path.join(args.out, n))
                   or not filecmp.cmp(os.path.join(tmp, n), os.path.join(args.out, n), shallow=False)]
            print("identical" if not bad else f"DIFFERENT: {bad}")
            return 1 if bad else 0
    generate(args.out, args.corpus_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
