"""Makes the hubdata fixtures with the real `datasets` 5.2.0 / pyarrow (the scratch venv):

    /work/scratch/venv-lmeval/bin/python make_fixtures.py

datasets_cache/  a `datasets` Arrow cache, prepared by load_dataset() on small local repo folders
                 and then moved to the folder names it would have had for the Hub repos:
                 builder._relative_data_dir() is `<namespace>___<dataset_name>/<config_id>/<version>/<hash>`
                 where namespace = repo_id.split("/")[0] (only when a repo_id with a "/" is given),
                 dataset_name = camelcase_to_snakecase(repo name) (load.py HubDatasetModuleFactory
                 passes camelcase_to_snakecase(Path(name).name); LocalDatasetModuleFactory the same of
                 the folder name), version = "0.0.0" and hash = the Hub commit sha for a Hub repo (a
                 content hash for a local folder). The split files are named after dataset_name
                 (`ai2_arc-train.arrow`), which is why the local folders are named like the repos.
                 So moving `<tmp>/ai2_arc/ARC-Easy/0.0.0/<hash>` to
                 `allenai___ai2_arc/ARC-Easy/0.0.0/<commit>` gives exactly the Hub layout. Only
                 dataset_info.json and *.arrow are kept (plus the .lock files datasets leaves at the
                 cache root, which must be ignored). A `default-<hash>` config_id (from data_files=)
                 is kept too: the cache builder skips it when its dataset_info names `default`.
hub/             a huggingface_hub cache laid out per hub-docs local-cache.md: blobs named by the
                 sha256 of the content, snapshots/<commit>/<path> relative symlinks to ../../blobs,
                 refs/main and refs/refs/convert/parquet (the parquet-converter layout
                 <config>/<split>/0000.parquet), a second commit reachable only by its sha.
local/           plain folders for dataset_path: a README configs card with JSONL/CSV files.
patterns.json    file-name lists and the split -> files mapping datasets' own functions give
                 (get_data_patterns + DataFilesDict.from_patterns + infer_module_for_data_files +
                 filter, as LocalDatasetModuleFactory does), and glob cases from resolve_pattern.
"""
import glob, hashlib, json, os, shutil, tempfile
import pyarrow as pa, pyarrow.parquet as pq
import datasets
from datasets.data_files import get_data_patterns, DataFilesDict, resolve_pattern, EmptyDatasetError
from datasets.load import infer_module_for_data_files
from datasets.packaged_modules import _ALL_ALLOWED_EXTENSIONS, _MODULE_TO_EXTENSIONS, _MODULE_TO_METADATA_EXTENSIONS, _MODULE_TO_METADATA_FILE_NAMES

HERE = os.path.dirname(os.path.abspath(__file__))
ARC_README = """---
configs:
- config_name: ARC-Challenge
  data_files:
  - split: train
    path: ARC-Challenge/train-*
  - split: test
    path: ARC-Challenge/test-*
- config_name: ARC-Easy
  data_files:
  - split: train
    path: ARC-Easy/train-*
  - split: test
    path: ARC-Easy/test-*
---
# ai2_arc (tiny)
"""
SHA_MAIN = "210d026faf9955653af8916fad021475a3f00453"
SHA_OLD = "0123456789abcdef0123456789abcdef01234567"
SHA_PARQUET = "b2f0e6a3c4d5e6f708192a3b4c5d6e7f80910111"
SHA_PLAIN = "1111111111111111111111111111111111111111"


def arc_table(config, split):
    n = 2 if split == "test" else 3
    return pa.table({"id": [f"{config}-{split}-{i}" for i in range(n)],
                     "question": [f"{config} {split} q{i}?" for i in range(n)],
                     "choices": [{"text": ["a", "b"], "label": ["A", "B"]}] * n,
                     "answerKey": ["A"] * n})


def write_arc_repo(root):
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "README.md"), "w") as f:
        f.write(ARC_README)
    for config in ["ARC-Challenge", "ARC-Easy"]:
        os.makedirs(os.path.join(root, config), exist_ok=True)
        for split in ["train", "test"]:
            pq.write_table(arc_table(config, split), os.path.join(root, config, f"{split}-00000-of-00001.parquet"))


def prepared_dirs(pattern):
    return [p for p in glob.glob(pattern) if os.path.isdir(p)]


def keep_prepared(src, dst):
    os.makedirs(dst, exist_ok=True)
    # the lock files datasets leaves beside the hash folder (must be ignored: not folders)
    for lock in glob.glob(src + "*.lock"):
        open(os.path.join(os.path.dirname(dst), os.path.basename(dst) + lock[len(src):]), "w").close()
    for name in os.listdir(src):
        if name == "dataset_info.json" or name.endswith(".arrow"):
            shutil.copy(os.path.join(src, name), os.path.join(dst, name))


def make_datasets_cache(out):
    tmp = tempfile.mkdtemp()
    cache = os.path.join(tmp, "cache")
    arc = os.path.join(tmp, "ai2_arc")
    write_arc_repo(arc)
    for config in ["ARC-Easy", "ARC-Challenge"]:
        datasets.load_dataset(arc, config, cache_dir=cache)
        (prepared,) = prepared_dirs(os.path.join(cache, "ai2_arc", config, "0.0.0", "*"))
        keep_prepared(prepared, os.path.join(out, "allenai___ai2_arc", config, "0.0.0", SHA_MAIN))
    # an older prepared commit of ARC-Easy (the test sets its mtime older)
    keep_prepared(prepared_dirs(os.path.join(cache, "ai2_arc", "ARC-Easy", "0.0.0", "*"))[0],
                  os.path.join(out, "allenai___ai2_arc", "ARC-Easy", "0.0.0", SHA_OLD))
    # a repo without configs: data/{split}-00000-of-00001.parquet; name with capitals to show snake-casing
    plain = os.path.join(tmp, "PlainSet")
    os.makedirs(os.path.join(plain, "data"))
    for split, n in [("train", 4), ("test", 2)]:
        pq.write_table(pa.table({"text": [f"{split} {i}" for i in range(n)], "label": list(range(n))}),
                       os.path.join(plain, "data", f"{split}-00000-of-00001.parquet"))
    datasets.load_dataset(plain, cache_dir=cache)
    (prepared,) = prepared_dirs(os.path.join(cache, "plain_set", "default", "0.0.0", "*"))
    keep_prepared(prepared, os.path.join(out, "someorg___plain_set", "default", "0.0.0", SHA_PLAIN))
    # data_files= gives a hashed config_id (default-<hash>) whose dataset_info says config_name "default"
    datasets.load_dataset(plain, data_files={"test": "data/test-*"}, cache_dir=cache)
    custom = prepared_dirs(os.path.join(cache, "plain_set", "default-*", "0.0.0", "*"))
    for p in custom:
        cid = p.split(os.sep)[-3]
        keep_prepared(p, os.path.join(out, "someorg___plain_set", cid, "0.0.0", SHA_PLAIN))
    open(os.path.join(out, "_tmp_allenai___ai2_arc_ARC-Easy_0.0.0_builder.lock"), "w").close()
    shutil.rmtree(tmp)


def blob(repo, data):
    sha = hashlib.sha256(data).hexdigest()
    path = os.path.join(repo, "blobs", sha)
    with open(path, "wb") as f:
        f.write(data)
    return sha


def snapshot_file(repo, commit, rel, data):
    sha = blob(repo, data)
    link = os.path.join(repo, "snapshots", commit, rel)
    os.makedirs(os.path.dirname(link), exist_ok=True)
    depth = rel.count("/") + 2
    os.symlink("../" * depth + "blobs/" + sha, link)


def parquet_bytes(table):
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def make_hub(out):
    repo = os.path.join(out, "datasets--allenai--ai2_arc")
    os.makedirs(os.path.join(repo, "blobs"))
    os.makedirs(os.path.join(repo, "refs", "refs", "convert"))
    for commit in [SHA_MAIN, SHA_OLD]:
        snapshot_file(repo, commit, "README.md", ARC_README.encode())
        snapshot_file(repo, commit, ".gitattributes", b"*.parquet filter=lfs diff=lfs merge=lfs -text\n")
        for config in ["ARC-Challenge", "ARC-Easy"]:
            for split in ["train", "test"]:
                table = arc_table(config, split) if commit == SHA_MAIN else arc_table(config + "-old", split)
                snapshot_file(repo, commit, f"{config}/{split}-00000-of-00001.parquet", parquet_bytes(table))
    for config in ["ARC-Challenge", "ARC-Easy"]:
        for split in ["train", "test"]:
            snapshot_file(repo, SHA_PARQUET, f"{config}/{split}/0000.parquet", parquet_bytes(arc_table(config, split)))
    snapshot_file(repo, SHA_PARQUET, "ARC-Easy/partial-validation/0000.parquet", parquet_bytes(arc_table("ARC-Easy", "validation")))
    snapshot_file(repo, SHA_PARQUET, "ARC-Easy/partial-validation/0001.parquet", parquet_bytes(arc_table("ARC-Easy", "validation")))
    with open(os.path.join(repo, "refs", "main"), "w") as f:
        f.write(SHA_MAIN)
    with open(os.path.join(repo, "refs", "refs", "convert", "parquet"), "w") as f:
        f.write(SHA_PARQUET)
    # a JSONL repo with no README (split names from file names)
    repo = os.path.join(out, "datasets--someorg--jsonl_set")
    os.makedirs(os.path.join(repo, "blobs"))
    os.makedirs(os.path.join(repo, "refs"))
    snapshot_file(repo, SHA_PLAIN, "test.jsonl", b'{"q": "t1", "a": 1}\n{"q": "t2", "a": 2}\n')
    snapshot_file(repo, SHA_PLAIN, "dev.jsonl", b'{"q": "d1", "a": 3}\n')
    with open(os.path.join(repo, "refs", "main"), "w") as f:
        f.write(SHA_PLAIN + "\n")


def make_local(out):
    root = os.path.join(out, "mydata")
    os.makedirs(os.path.join(root, "main"))
    os.makedirs(os.path.join(root, "socratic"))
    with open(os.path.join(root, "README.md"), "w") as f:
        f.write("---\nconfigs:\n- config_name: main\n  data_files:\n  - split: train\n    path: main/train.jsonl\n"
                "  - split: test\n    path: main/test.jsonl\n  default: true\n- config_name: socratic\n  data_dir: socratic\n"
                "dataset_info:\n- config_name: main\n  features:\n  - name: question\n    dtype: string\n  - name: answer\n    dtype: string\n---\n# my data\n")
    with open(os.path.join(root, "main", "train.jsonl"), "w") as f:
        f.write('{"question": "1+1", "answer": "2"}\n{"question": "2+2", "answer": "4"}\n')
    with open(os.path.join(root, "main", "test.jsonl"), "w") as f:
        f.write('{"question": "3+3", "answer": "6"}\n')
    with open(os.path.join(root, "socratic", "test.jsonl"), "w") as f:
        f.write('{"question": "why?", "answer": "because"}\n')
    with open(os.path.join(root, "socratic", "train.jsonl"), "w") as f:
        f.write('{"question": "how?", "answer": "so"}\n')
    # check what datasets itself makes of it
    expected = {}
    for config in ["main", "socratic"]:
        d = datasets.load_dataset(root, config)
        expected[config] = {split: d[split].to_list() for split in d}
    return expected


CASES = [
    ["README.md", "dataset.csv"],
    ["README.md", "train.csv", "test.csv"],
    ["README.md", "data/train.csv", "data/test.csv"],
    ["train_0.csv", "train_1.csv", "train_2.csv", "train_3.csv", "test_0.csv", "test_1.csv"],
    ["data/train/shard_0.csv", "data/train/shard_1.csv", "data/test/shard_0.csv"],
    ["data/train-00000-of-00003.csv", "data/train-00001-of-00003.csv", "data/train-00002-of-00003.csv",
     "data/test-00000-of-00001.csv", "data/random-00000-of-00003.csv", "data/random-00001-of-00003.csv", "data/random-00002-of-00003.csv"],
    ["data/train-00000-of-00001.parquet", "data/validation-00000-of-00001.parquet", "data/test-00000-of-00001.parquet", "README.md"],
    ["my_train_file.txt", "my_test_file.txt"],
    ["train.jsonl", "validation.jsonl", "dev.jsonl", "test.jsonl"],
    ["training.json", "valid.json", "testing.json", "eval.json"],
    ["val.jsonl", "evaluation.jsonl"],
    ["trainer.csv", "contest.csv", "attest.csv"],
    ["train1.csv", "test 2.csv", "x-val.csv"],
    ["data/dev/a.parquet", "data/dev/b.parquet", "data/train/a.parquet"],
    ["train-data/a.csv", "test.x/b.csv"],
    [".hidden/train.csv", "train.csv", "__pycache__/test.csv", "test.csv", ".gitattributes"],
    ["train.csv", "train.jsonl", "train.json", "test.jsonl"],
    ["a.parquet", "b.csv"],
    ["a.csv", "b.csv", "c.parquet"],
    ["dataset_info.json", "config.json", "data.jsonl"],
    ["main/train-00000-of-00001.parquet", "main/test-00000-of-00001.parquet"],
    ["TRAIN.csv", "Test.csv"],
    ["data/train.jsonl.gz", "data/test.jsonl.gz"],
    ["x/y/z/train/part.csv", "x/test/part.csv"],
    ["data/train-00000-of-00002.parquet", "data/train-00001-of-00002.parquet", "data/my-split-00000-of-00001.parquet"],
    ["LICENSE", "notes.txt", "data.tsv"],
]

GLOBS = [
    ("ARC-Easy/train-*", ["ARC-Easy/train-00000-of-00001.parquet", "ARC-Easy/test-00000-of-00001.parquet", "ARC-Challenge/train-00000-of-00001.parquet"]),
    ("**/*.csv", ["a.csv", "x/b.csv", "x/y/c.csv", "d.json"]),
    ("*.csv", ["a.csv", "x/b.csv"]),
    ("**.csv", ["a.csv", "x/b.csv"]),
    ("data/**", ["data/a.csv", "data/x/b.csv", "other/c.csv"]),
    ("data/*", ["data/a.csv", "data/x/b.csv"]),
    ("d?ta/[ab].csv", ["data/a.csv", "data/b.csv", "data/c.csv", "dota/a.csv"]),
    ("data/[!a]*.csv", ["data/a.csv", "data/b.csv"]),
    ("**", [".hidden.csv", ".h/a.csv", "__pycache__/x.csv", "ok.csv"]),
    (".*", [".hidden.csv", "ok.csv"]),
    ("__*/*", ["__pycache__/x.csv", "ok.csv"]),
    ("**/train/**", ["train/a.csv", "x/train/y/b.csv", "train.csv"]),
    ("test.csv", ["test.csv", "x/test.csv"]),
]


def make_patterns(out_file):
    results = []
    for files in CASES:
        tmp = tempfile.mkdtemp()
        for rel in files:
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)) or tmp, exist_ok=True)
            open(os.path.join(tmp, rel), "w").close()
        base = os.path.realpath(tmp)
        try:
            patterns = get_data_patterns(base)
            data_files = DataFilesDict.from_patterns(patterns, base_path=base, allowed_extensions=_ALL_ALLOWED_EXTENSIONS)
            module, _ = infer_module_for_data_files(data_files)
            data_files = data_files.filter(extensions=_MODULE_TO_EXTENSIONS[module] + _MODULE_TO_METADATA_EXTENSIONS[module],
                                           file_names=_MODULE_TO_METADATA_FILE_NAMES[module])
            splits = [[str(split), [os.path.relpath(p, base) for p in data_files[split]]] for split in data_files]
            results.append({"files": files, "module": module, "splits": splits})
        except (EmptyDatasetError, ValueError, FileNotFoundError) as e:
            results.append({"files": files, "error": type(e).__name__})
        shutil.rmtree(tmp)
    globs = []
    for pattern, files in GLOBS:
        tmp = os.path.realpath(tempfile.mkdtemp())
        for rel in files:
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)) or tmp, exist_ok=True)
            open(os.path.join(tmp, rel), "w").close()
        try:
            matched = sorted(os.path.relpath(p, tmp) for p in resolve_pattern(pattern, tmp))
        except FileNotFoundError:
            matched = []
        except ValueError:  # fsspec: "'**' can only be an entire path component"
            matched = "error"
        globs.append({"pattern": pattern, "files": files, "matched": matched})
        shutil.rmtree(tmp)
    with open(out_file, "w") as f:
        json.dump({"datasets_version": datasets.__version__, "cases": results, "globs": globs}, f, indent=1)


if __name__ == "__main__":
    for sub in ["datasets_cache", "hub", "local"]:
        shutil.rmtree(os.path.join(HERE, sub), ignore_errors=True)
    os.environ["HF_HUB_OFFLINE"] = "1"
    make_datasets_cache(os.path.join(HERE, "datasets_cache"))
    make_hub(os.path.join(HERE, "hub"))
    expected_local = make_local(os.path.join(HERE, "local"))
    with open(os.path.join(HERE, "local_expected.json"), "w") as f:
        json.dump(expected_local, f, indent=1)
    make_patterns(os.path.join(HERE, "patterns.json"))
