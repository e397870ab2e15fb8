"""Writes the Hugging Face data fixtures for the hub-data parity runs (deterministic).

The repos read by lm-eval's own task files in ../library/ besides these three (hellaswag,
winogrande, truthful_qa, lambada_openai, bbh, MuSR, MMLU-Pro) and MMLU's other 55 subjects are in
library_repos.py, with notes on which parts of each schema were confirmed and which assumed.

Three datasets in the shapes of the real hub repos lm-eval's task files name (allenai/ai2_arc,
cais/mmlu, openai/gsm8k): same configs, splits, columns and types (ARC's `choices` struct of two
string lists, MMLU's ClassLabel `answer`, GSM8K's `#### n` answers), with our own small rows (no
hub is reachable here). Each is written in the four forms the runner reads:

  repos/<org>/<name>/       a repo folder as `huggingface-cli download --local-dir` leaves it:
                            README.md with the `configs:` block, Parquet written by `datasets`
                            (Dataset.to_parquet: pyarrow, snappy, `huggingface` features metadata)
  hub_cache/                the same repo in huggingface_hub's cache layout (datasets--org--name/
                            blobs, refs/main, snapshots/<commit>/ symlinks), as hub-docs'
                            local-cache.md documents it
  datasets_cache/           what `datasets` itself writes: load_dataset(<repo folder>, config) with
                            cache_dir here, the folder then named as it names a hub dataset's
                            (`<org>___<name>/<config>/0.0.0/<commit>/`, datasets' builder
                            `_relative_data_dir` with the hub commit as the hash); lm-eval reads it
                            offline (HF_HUB_OFFLINE=1) through datasets' Cache builder
  (the Parquet files of repos/ also serve `dataset_path: parquet` with data_files)

usage: python make_hub_data.py   (needs datasets and pyarrow; rewrites everything here)
"""
import hashlib, json, os, shutil, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
import datasets
from datasets import ClassLabel, Dataset, Features, Sequence, Value
from datasets.naming import camelcase_to_snakecase
import library_repos

COMMITS = {  # fixed fake commit shas, one per repo
    "allenai/ai2_arc": "210d026faf9955653af8916fad021475a3f00453",
    "cais/mmlu": "c30699e8356da336a370243923dbaf21066bb9fe",
    "openai/gsm8k": "e53f048856ff4f594e959d75785d2c2d37b678ee",
}

def arc_rows(prefix, n, seed):
    topics = [
        ("Which of these is a source of light?", ["a mirror", "the Sun", "the Moon", "a window"], 1),
        ("What do plants need to make food?", ["sunlight", "sand", "plastic", "noise"], 0),
        ("Which state of matter has a fixed shape?", ["gas", "liquid", "solid", "plasma"], 2),
        ("What tool measures temperature?", ["a ruler", "a scale", "a clock", "a thermometer"], 3),
        ("Which animal is a mammal?", ["a shark", "a whale", "a trout", "a frog"], 1),
        ("What causes day and night on Earth?", ["Earth's rotation", "the Moon's orbit", "clouds", "tides"], 0),
        ("Which of these conducts electricity best?", ["wood", "rubber", "copper", "glass"], 2),
        ("What is the main gas in the air we breathe in?", ["oxygen", "helium", "carbon dioxide", "nitrogen"], 3),
        ("Which organ pumps blood through the body?", ["the lungs", "the heart", "the liver", "the skin"], 1),
        ("Ice melting into water is an example of", ["a physical change", "a chemical change", "erosion"], 0),
        ("Which force pulls objects toward Earth?", ["magnetism", "friction", "gravity", "tension"], 2),
        ("Fossils are most often found in which rock?", ["igneous", "metamorphic", "volcanic", "sedimentary", "granite"], 3),
    ]
    rows = []
    for i in range(n):
        q, choices, answer = topics[(i * 5 + seed) % len(topics)]
        numeric = (i + seed) % 4 == 3  # some real ARC items label their choices 1-4
        labels = [str(k + 1) for k in range(len(choices))] if numeric else ["ABCDE"[k] for k in range(len(choices))]
        rows.append({"id": f"{prefix}_{seed}_{i:03d}", "question": q, "choices": {"text": choices, "label": labels},
                     "answerKey": labels[answer]})
    return rows

MMLU_QUESTIONS = {
    "abstract_algebra": [
        ("Find the order of the element 2 in the group Z_5 under addition.", ["1", "2", "5", "10"], 2),
        ("How many elements does the symmetric group S_3 have?", ["3", "6", "9", "12"], 1),
        ("Which of the following is a field?", ["Z_4", "Z_6", "Z_7", "Z_8"], 2),
        ("The identity element of the group of nonzero rationals under multiplication is", ["0", "1", "-1", "2"], 1),
        ("Statement 1 | Every cyclic group is abelian. Statement 2 | Every abelian group is cyclic.", ["True, True", "True, False", "False, True", "False, False"], 1),
        ("What is the characteristic of the ring Z_3 x Z_3?", ["0", "3", "6", "9"], 1),
        ("The number of generators of the cyclic group Z_8 is", ["2", "4", "6", "8"], 1),
        ("Find the degree of the extension Q(sqrt(2)) over Q.", ["0", "1", "2", "4"], 2),
        ("Which of the following groups is not abelian?", ["Z_6", "S_3", "Z_2 x Z_3", "Z_7"], 1),
        ("The kernel of a group homomorphism is always a", ["normal subgroup", "field", "coset", "ring"], 0),
        ("How many subgroups does Z_6 have?", ["2", "3", "4", "6"], 2),
        ("An ideal of a commutative ring that is the whole ring contains", ["0 only", "1", "no units", "only zero divisors"], 1),
    ],
    "anatomy": [
        ("Which bone is the longest in the human body?", ["humerus", "femur", "tibia", "radius"], 1),
        ("The heart has how many chambers?", ["two", "three", "four", "five"], 2),
        ("Which structure connects muscle to bone?", ["ligament", "cartilage", "tendon", "fascia"], 2),
        ("The cranial nerve responsible for vision is the", ["optic nerve", "vagus nerve", "facial nerve", "trigeminal nerve"], 0),
        ("Which of the following is part of the small intestine?", ["cecum", "colon", "jejunum", "rectum"], 2),
        ("Red blood cells are produced mainly in the", ["liver", "spleen", "bone marrow", "kidney"], 2),
        ("The diaphragm is innervated by the", ["phrenic nerve", "vagus nerve", "ulnar nerve", "sciatic nerve"], 0),
        ("Which valve separates the left atrium and left ventricle?", ["tricuspid", "mitral", "pulmonary", "aortic"], 1),
        ("The smallest bone in the body is in the", ["hand", "foot", "ear", "nose"], 2),
        ("How many pairs of ribs does an adult usually have?", ["10", "11", "12", "13"], 2),
        ("Which gland sits below the brain and controls other glands?", ["thyroid", "pituitary", "adrenal", "pancreas"], 1),
    ],
}

GSM8K = [
    ("Tom has 3 apples and buys 4 more. How many apples does he have?", "Tom has 3 + 4 = <<3+4=7>>7 apples.\n#### 7"),
    ("A box holds 6 eggs. How many eggs are in 5 boxes?", "5 boxes hold 5 * 6 = <<5*6=30>>30 eggs.\n#### 30"),
    ("Sara had 20 dollars and spent 8. How much money is left?", "She has 20 - 8 = <<20-8=12>>12 dollars left.\n#### 12"),
    ("A train travels 60 miles per hour for 2 hours. How far does it go?", "It goes 60 * 2 = <<60*2=120>>120 miles.\n#### 120"),
    ("There are 24 students split into 4 equal teams. How many are on each team?", "Each team has 24 / 4 = <<24/4=6>>6 students.\n#### 6"),
    ("Ben reads 10 pages a day. How many pages does he read in a week?", "He reads 10 * 7 = <<10*7=70>>70 pages.\n#### 70"),
    ("A shirt costs 15 dollars. How much do 3 shirts cost?", "3 shirts cost 3 * 15 = <<3*15=45>>45 dollars.\n#### 45"),
    ("Lily has 9 stickers and gives away 4. How many are left?", "She has 9 - 4 = <<9-4=5>>5 stickers left.\n#### 5"),
    ("A farmer has 1,200 chickens and sells 200. How many remain?", "He keeps 1200 - 200 = <<1200-200=1000>>1,000 chickens.\n#### 1,000"),
    ("Each pack has 8 pencils. How many pencils are in 3 packs?", "3 packs have 3 * 8 = <<3*8=24>>24 pencils.\n#### 24"),
]

def socratic(answer):
    return "How many? " + answer

def write_readme(repo_dir, text):
    with open(os.path.join(repo_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write(text)

def to_parquet(rows, features, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Dataset.from_list(rows, features=features).to_parquet(path)

def build_repos(root):
    # allenai/ai2_arc: README configs exactly in the real repo's shape
    arc = os.path.join(root, "allenai", "ai2_arc")
    arc_features = Features({"id": Value("string"), "question": Value("string"),
                             "choices": {"text": Sequence(Value("string")), "label": Sequence(Value("string"))},
                             "answerKey": Value("string")})
    sizes = {"train": 6, "validation": 3, "test": 10}
    for c, config in enumerate(["ARC-Challenge", "ARC-Easy"]):
        for s, (split, n) in enumerate(sizes.items()):
            to_parquet(arc_rows(config.replace("-", "_"), n, seed=c * 7 + s * 3), arc_features,
                       os.path.join(arc, config, f"{split}-00000-of-00001.parquet"))
    write_readme(arc, """---
language:
- en
license: cc-by-sa-4.0
configs:
- config_name: ARC-Challenge
  data_files:
  - split: train
    path: ARC-Challenge/train-*
  - split: test
    path: ARC-Challenge/test-*
  - split: validation
    path: ARC-Challenge/validation-*
- config_name: ARC-Easy
  data_files:
  - split: train
    path: ARC-Easy/train-*
  - split: test
    path: ARC-Easy/test-*
  - split: validation
    path: ARC-Easy/validation-*
---

# Dataset Card for "ai2_arc" (test fixture: our own rows in the real repo's shape)
""")
    # cais/mmlu: one folder per subject, split files named as the real repo's
    mmlu = os.path.join(root, "cais", "mmlu")
    mmlu_features = Features({"question": Value("string"), "subject": Value("string"),
                              "choices": Sequence(Value("string")),
                              "answer": ClassLabel(names=["A", "B", "C", "D"])})
    configs = []
    for subject in library_repos.MMLU_SUBJECTS:
        if subject in MMLU_QUESTIONS:  # hand-written: test 5, validation 1, dev 5
            rows = [{"question": q, "subject": subject, "choices": ch, "answer": a} for q, ch, a in MMLU_QUESTIONS[subject]]
            parts = {"test": rows[:5], "validation": rows[5:6], "dev": rows[6:11]}
        else:  # made-up from a pattern: test 2, validation 1, dev 5
            rows = library_repos.mmlu_generic_rows(subject)
            parts = {"test": rows[:2], "validation": rows[2:3], "dev": rows[3:8]}
        for split, part in parts.items():
            to_parquet(part, mmlu_features, os.path.join(mmlu, subject, f"{split}-00000-of-00001.parquet"))
        configs.append(f"""- config_name: {subject}
  data_files:
  - split: test
    path: {subject}/test-*
  - split: validation
    path: {subject}/validation-*
  - split: dev
    path: {subject}/dev-*
""")
    write_readme(mmlu, "---\nlanguage:\n- en\nconfigs:\n" + "".join(configs) + "---\n\n# MMLU (test fixture)\n")
    # openai/gsm8k: main and socratic
    gsm = os.path.join(root, "openai", "gsm8k")
    gsm_features = Features({"question": Value("string"), "answer": Value("string")})
    for config in ["main", "socratic"]:
        rows = [{"question": q, "answer": a if config == "main" else socratic(a)} for q, a in GSM8K]
        to_parquet(rows[:6], gsm_features, os.path.join(gsm, config, "train-00000-of-00001.parquet"))
        to_parquet(rows[6:], gsm_features, os.path.join(gsm, config, "test-00000-of-00001.parquet"))
    write_readme(gsm, """---
license: mit
configs:
- config_name: main
  data_files:
  - split: train
    path: main/train-*
  - split: test
    path: main/test-*
- config_name: socratic
  data_files:
  - split: train
    path: socratic/train-*
  - split: test
    path: socratic/test-*
---

# GSM8K (test fixture)
""")

def build_hub_cache(repos, cache):
    """huggingface_hub's layout: blobs named by the sha256 of LFS files (Parquet) or the git
    blob sha1 of regular files (README.md), snapshots/<commit>/<path> relative symlinks."""
    for repo_id, commit in {**COMMITS, **library_repos.COMMITS}.items():
        org, name = repo_id.split("/")
        top = os.path.join(cache, f"datasets--{org}--{name}")
        os.makedirs(os.path.join(top, "refs"))
        with open(os.path.join(top, "refs", "main"), "w") as f:
            f.write(commit)  # no newline, as huggingface_hub writes it
        src = os.path.join(repos, org, name)
        for dirpath, _, files in os.walk(src):
            for file in sorted(files):
                path = os.path.join(dirpath, file)
                rel = os.path.relpath(path, src)
                data = open(path, "rb").read()
                if file.endswith(".parquet"):  # LFS; README.md and MuSR's small CSVs are plain git blobs
                    blob = hashlib.sha256(data).hexdigest()
                else:
                    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
                blob_path = os.path.join(top, "blobs", blob)
                os.makedirs(os.path.dirname(blob_path), exist_ok=True)
                shutil.copyfile(path, blob_path)
                link = os.path.join(top, "snapshots", commit, rel)
                os.makedirs(os.path.dirname(link), exist_ok=True)
                os.symlink(os.path.relpath(blob_path, os.path.dirname(link)), link)

def build_datasets_cache(repos, cache, library_configs):
    for repo_id, commit in {**COMMITS, **library_repos.COMMITS}.items():
        org, name = repo_id.split("/")
        src = os.path.join(repos, org, name)
        configs = {"allenai/ai2_arc": ["ARC-Challenge", "ARC-Easy"], "cais/mmlu": list(library_repos.MMLU_SUBJECTS),
                   "openai/gsm8k": ["main", "socratic"], **library_configs}[repo_id]
        for config in configs:
            with tempfile.TemporaryDirectory() as tmp:
                datasets.load_dataset(src, config, cache_dir=tmp)
                # datasets names a local folder's cache <name>/<config>/0.0.0/<hash of the files>;
                # a hub repo's is <org>___<snake_case name>/<config>/0.0.0/<commit> (datasets'
                # camelcase_to_snakecase: MuSR -> mu_sr, MMLU-Pro -> mmlu-pro; Arrow files are
                # named with the same snake-case name, as for the local folder)
                built = [os.path.join(dp) for dp, dn, fn in os.walk(tmp) if "dataset_info.json" in fn]
                assert len(built) == 1, built
                dest = os.path.join(cache, f"{org}___{camelcase_to_snakecase(name)}", config, "0.0.0", commit)
                os.makedirs(dest)
                for file in sorted(os.listdir(built[0])):
                    if file.endswith(".arrow") or file == "dataset_info.json":
                        shutil.copyfile(os.path.join(built[0], file), os.path.join(dest, file))

def main():
    for sub in ["repos", "hub_cache", "datasets_cache"]:
        shutil.rmtree(os.path.join(HERE, sub), ignore_errors=True)
    repos = os.path.join(HERE, "repos")
    build_repos(repos)
    library_configs = library_repos.build(repos)
    build_hub_cache(repos, os.path.join(HERE, "hub_cache"))
    build_datasets_cache(repos, os.path.join(HERE, "datasets_cache"), library_configs)
    with open(os.path.join(HERE, "versions.json"), "w") as f:
        import pyarrow
        json.dump({"datasets": datasets.__version__, "pyarrow": pyarrow.__version__, "python": sys.version.split()[0]}, f, indent=2)
        f.write("\n")

if __name__ == "__main__":
    main()
