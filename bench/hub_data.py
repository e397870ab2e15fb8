"""Helper of bench/hub_data.sh: the MMLU start-up benchmark's data, and lm-eval's in-process timing.

    python bench/hub_data.py make DIR     a cais/mmlu-shaped repo with lm-eval's 57 subjects
                                          (DIR/repo), the `datasets` cache built from it as
                                          `datasets` names a hub dataset's (DIR/datasets_cache/
                                          cais___mmlu/<subject>/0.0.0/<commit>/), and lm-eval's
                                          mmlu/default task files (DIR/tasks)
    python bench/hub_data.py lmeval-load  times TaskManager().load_task_or_group(["mmlu"]) and the
                                          first document's prompt of every subject, in process
                                          (HF_DATASETS_CACHE and HF_HUB_OFFLINE=1 set by the caller);
                                          prints one JSON line

Rows are our own (test 10, validation 2, dev 5 per subject; question, subject, choices
list<string>, answer ClassLabel A-D), written with datasets' Dataset.to_parquet, as
Tests/TasksTests/Fixtures/lm_eval/hub/make_hub_data.py writes its fixtures.
"""
import glob, json, os, shutil, sys, tempfile, time

COMMIT = "c30699e8356da336a370243923dbaf21066bb9fe"  # a fixed fake hub commit
SIZES = {"test": 10, "validation": 2, "dev": 5}


def mmlu_task_folder():
    import lm_eval
    return os.path.join(os.path.dirname(lm_eval.__file__), "tasks", "mmlu", "default")


def subjects():
    """The subjects of lm-eval's mmlu/default task files (their dataset_name)."""
    names = []
    for path in sorted(glob.glob(os.path.join(mmlu_task_folder(), "mmlu_*.yaml"))):
        for line in open(path):
            if line.startswith('"dataset_name":') or line.startswith("dataset_name:"):
                names.append(line.split(":", 1)[1].strip().strip('"'))
    return names


def make(root):
    import datasets
    from datasets import ClassLabel, Dataset, Features, Sequence, Value
    names = subjects()
    assert len(names) == 57, len(names)
    repo = os.path.join(root, "repo", "cais", "mmlu")
    features = Features({"question": Value("string"), "subject": Value("string"),
                         "choices": Sequence(Value("string")), "answer": ClassLabel(names=["A", "B", "C", "D"])})
    configs = []
    for s, subject in enumerate(names):
        for split, n in SIZES.items():
            rows = [{"question": f"Question {i} of {split} about {subject.replace('_', ' ')}: which option is right?",
                     "subject": subject, "choices": [f"option {k} of question {i}" for k in range(4)], "answer": (i + s) % 4}
                    for i in range(n)]
            path = os.path.join(repo, subject, f"{split}-00000-of-00001.parquet")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            Dataset.from_list(rows, features=features).to_parquet(path)
        configs.append(f"- config_name: {subject}\n  data_files:\n" +
                       "".join(f"  - split: {split}\n    path: {subject}/{split}-*\n" for split in SIZES))
    with open(os.path.join(repo, "README.md"), "w") as f:
        f.write("---\nconfigs:\n" + "".join(configs) + "---\n\n# MMLU-shaped benchmark data\n")
    cache = os.path.join(root, "datasets_cache")
    for subject in names:
        with tempfile.TemporaryDirectory() as tmp:
            datasets.load_dataset(repo, subject, cache_dir=tmp)
            built = [dp for dp, _, files in os.walk(tmp) if "dataset_info.json" in files]
            assert len(built) == 1, built
            dest = os.path.join(cache, "cais___mmlu", subject, "0.0.0", COMMIT)
            os.makedirs(dest)
            for file in sorted(os.listdir(built[0])):
                if file.endswith(".arrow") or file == "dataset_info.json":
                    shutil.copyfile(os.path.join(built[0], file), os.path.join(dest, file))
    tasks = os.path.join(root, "tasks")
    os.makedirs(tasks)
    for path in sorted(glob.glob(os.path.join(mmlu_task_folder(), "mmlu_*.yaml"))) + [os.path.join(mmlu_task_folder(), "_default_template_yaml")]:
        shutil.copyfile(path, os.path.join(tasks, os.path.basename(path)))
    print(f"{len(names)} subjects in {root}", file=sys.stderr)


def lmeval_load():
    start = time.perf_counter()
    from lm_eval.tasks import TaskManager, get_task_dict
    imported = time.perf_counter()
    manager = TaskManager()
    indexed = time.perf_counter()
    loaded = get_task_dict(["mmlu"], manager)  # what simple_evaluate does: load_task_or_group, then the group tree
    built = time.perf_counter()
    tasks = []
    def walk(node):
        for value in node.values():
            walk(value) if isinstance(value, dict) else tasks.append(value)
    walk(loaded)
    first = None
    for task in tasks:
        doc = next(iter(task.test_docs()))
        prompt = task.fewshot_context(doc, num_fewshot=0) if hasattr(task, "fewshot_context") else task.doc_to_text(doc)
        first = first or prompt
    prompted = time.perf_counter()
    print(json.dumps({"measure": "lm-eval in process", "tasks": len(tasks), "import_s": imported - start,
                      "task_index_s": indexed - imported, "load_tasks_s": built - indexed,
                      "first_prompts_s": prompted - built, "total_s": prompted - start,
                      "total_after_import_s": prompted - imported, "first_prompt": first}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "lmeval-load":
        lmeval_load()
    else:
        raise SystemExit(__doc__)
