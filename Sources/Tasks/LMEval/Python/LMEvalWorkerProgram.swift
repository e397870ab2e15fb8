/// The worker program the Python hooks run in, passed to `python -u -c`.
///
/// Protocol: one JSON request per line on stdin, one JSON reply per line on a copy of the
/// original stdout (fd 1 itself is pointed at stderr first, so a `print` in a hook cannot
/// corrupt the protocol). Ops: `probe`, `load` (check a function exists), `call` (one call
/// with `args`/`kwargs`), `map` (one call per item of `items`, each a list of arguments; with
/// `tuples`, the second argument's lists become tuples, as lm-eval passes loglikelihood
/// results), `process_docs` (a dataset built from `docs`, `columns` and `features`) and
/// `dataset` (`custom_dataset(**kwargs)`, split by split).
///
/// Values cross as JSON: None, bool, int, float (NaN and ±Infinity as Python's json writes
/// them), str, lists and dicts; tuples and sets become lists, numpy values their Python
/// values, dict keys text as `json.dumps` writes them; anything else is an error naming the type.
///
/// The worker exits when stdin closes or its parent process is gone (checked every 0.25 s
/// on a thread, so even a hook that never returns does not outlive a SIGKILLed runner).
enum LMEvalWorkerProgram {
    static let source = #"""
# The runner's Python worker for lm-eval task hooks (`!function module.name`).
# Protocol: one JSON request per line on stdin, one JSON reply per line on the protocol fd
# (a copy of the original stdout; fd 1 itself is pointed at stderr so that print() in a hook
# cannot corrupt the protocol). Replies: {"ok": value} or {"error": {...}}.
import importlib, importlib.util, json, math, os, random, sys, threading, time, traceback

_out = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
os.dup2(2, 1)
sys.stdout = sys.stderr
_in = sys.stdin.buffer
sys.stdin = open(os.devnull)
if sys.path and sys.path[0] in ("", "."):
    sys.path.pop(0)

# Never outlive the runner: exit when the parent is gone (even SIGKILLed) or stdin closes.
_parent = os.getppid()
def _watch():
    while True:
        time.sleep(0.25)
        if os.getppid() != _parent:
            os._exit(3)
threading.Thread(target=_watch, daemon=True).start()


class HookMissing(Exception):
    pass


class Unconvertible(Exception):
    pass


class Dataset:
    """A minimal stand-in for datasets.Dataset, used when `datasets` is not importable.

    Rows are dicts. Supported: len, iteration, indexing (int, slice, list of ints, column
    name), column_names, features (column -> None), num_rows, map (batched or not,
    with_indices, remove_columns, fn_kwargs, input_columns), filter (same options), select,
    shuffle (random.Random(seed): not datasets' numpy order), rename_column(s),
    remove_columns, select_columns, add_column, sort, unique, flatten_indices, to_list, to_dict.
    """

    def __init__(self, rows, columns=None):
        self._rows = [dict(r) for r in rows]
        if columns is None:
            columns = []
            for r in self._rows:
                for k in r:
                    if k not in columns:
                        columns.append(k)
        self._columns = list(columns)

    @classmethod
    def from_list(cls, rows):
        return cls(rows)

    @classmethod
    def from_dict(cls, mapping):
        keys = list(mapping)
        n = len(mapping[keys[0]]) if keys else 0
        return cls([{k: mapping[k][i] for k in keys} for i in range(n)], keys)

    @property
    def column_names(self):
        return list(self._columns)

    @property
    def features(self):
        return {c: None for c in self._columns}

    @property
    def num_rows(self):
        return len(self._rows)

    def __len__(self):
        return len(self._rows)

    def __iter__(self):
        for r in self._rows:
            yield dict(r)

    def __repr__(self):
        return f"Dataset(stand-in, features: {self._columns}, num_rows: {len(self._rows)})"

    def _batch(self, rows):
        return {c: [r.get(c) for r in rows] for c in self._columns}

    def __getitem__(self, key):
        if isinstance(key, str):
            if key not in self._columns:
                raise KeyError(key)
            return [r.get(key) for r in self._rows]
        if isinstance(key, slice):
            return self._batch(self._rows[key])
        if isinstance(key, (list, tuple)):
            return self._batch([self._rows[i] for i in key])
        return dict(self._rows[key])

    def _args(self, rows, indices, input_columns, batched):
        if input_columns is None:
            first = self._batch(rows) if batched else rows
            return [first]
        cols = [input_columns] if isinstance(input_columns, str) else list(input_columns)
        if batched:
            return [[r.get(c) for r in rows] for c in cols]
        return [rows.get(c) for c in cols]

    def map(self, function=None, with_indices=False, input_columns=None, batched=False, batch_size=1000,
            remove_columns=None, fn_kwargs=None, **ignored):
        fn_kwargs = fn_kwargs or {}
        remove = [remove_columns] if isinstance(remove_columns, str) else list(remove_columns or [])
        if function is None:
            function = lambda x, *a, **k: x
        out_rows = []
        if batched:
            size = batch_size if batch_size and batch_size > 0 else max(len(self._rows), 1)
            for start in range(0, len(self._rows), size):
                rows = self._rows[start:start + size]
                batch = self._batch(rows)
                args = self._args(rows, None, input_columns, True)
                if with_indices:
                    args.append(list(range(start, start + len(rows))))
                result = function(*args, **fn_kwargs)
                merged = dict(batch)
                if result is not None:
                    merged.update(result)
                for c in remove:
                    merged.pop(c, None)
                lengths = {len(v) for v in merged.values()}
                n = lengths.pop() if lengths else 0
                out_rows += [{k: v[i] for k, v in merged.items()} for i in range(n)]
        else:
            for i, row in enumerate(self._rows):
                arg = dict(row)
                args = self._args(arg, None, input_columns, False)
                if with_indices:
                    args.append(i)
                result = function(*args, **fn_kwargs)
                merged = dict(row)
                if isinstance(result, dict):
                    merged.update(result)
                for c in remove:
                    merged.pop(c, None)
                out_rows.append(merged)
        columns = [c for c in self._columns if c not in remove]
        for r in out_rows:
            for k in r:
                if k not in columns:
                    columns.append(k)
        return Dataset(out_rows, columns)

    def filter(self, function=None, with_indices=False, input_columns=None, batched=False, batch_size=1000,
               fn_kwargs=None, **ignored):
        fn_kwargs = fn_kwargs or {}
        kept = []
        if batched:
            size = batch_size if batch_size and batch_size > 0 else max(len(self._rows), 1)
            for start in range(0, len(self._rows), size):
                rows = self._rows[start:start + size]
                args = self._args(rows, None, input_columns, True)
                if with_indices:
                    args.append(list(range(start, start + len(rows))))
                mask = function(*args, **fn_kwargs)
                kept += [r for r, keep in zip(rows, mask) if keep]
        else:
            for i, row in enumerate(self._rows):
                args = self._args(dict(row), None, input_columns, False)
                if with_indices:
                    args.append(i)
                if function(*args, **fn_kwargs):
                    kept.append(row)
        return Dataset(kept, self._columns)

    def select(self, indices, **ignored):
        return Dataset([self._rows[i] for i in indices], self._columns)

    def shuffle(self, seed=None, generator=None, **ignored):
        rows = list(self._rows)
        random.Random(seed).shuffle(rows)
        return Dataset(rows, self._columns)

    def rename_column(self, original_column_name, new_column_name):
        return self.rename_columns({original_column_name: new_column_name})

    def rename_columns(self, column_mapping):
        rows = [{column_mapping.get(k, k): v for k, v in r.items()} for r in self._rows]
        return Dataset(rows, [column_mapping.get(c, c) for c in self._columns])

    def remove_columns(self, column_names):
        names = [column_names] if isinstance(column_names, str) else list(column_names)
        missing = [c for c in names if c not in self._columns]
        if missing:
            raise ValueError(f"Column name {missing} not in the dataset. Current columns in the dataset: {self._columns}")
        return Dataset([{k: v for k, v in r.items() if k not in names} for r in self._rows],
                       [c for c in self._columns if c not in names])

    def select_columns(self, column_names):
        names = [column_names] if isinstance(column_names, str) else list(column_names)
        return Dataset([{k: r.get(k) for k in names} for r in self._rows], names)

    def add_column(self, name, column, **ignored):
        return Dataset([dict(r, **{name: v}) for r, v in zip(self._rows, column)], self._columns + [name])

    def sort(self, column_names, reverse=False, **ignored):
        names = [column_names] if isinstance(column_names, str) else list(column_names)
        return Dataset(sorted(self._rows, key=lambda r: tuple(r.get(c) for c in names), reverse=reverse), self._columns)

    def unique(self, column):
        seen = []
        for r in self._rows:
            if r.get(column) not in seen:
                seen.append(r.get(column))
        return seen

    def flatten_indices(self, **ignored):
        return self

    def to_list(self):
        return [dict(r) for r in self._rows]

    def to_dict(self):
        return self._batch(self._rows)


def _dataset(docs, columns, features):
    try:
        import datasets
    except Exception:
        return Dataset(docs, columns)
    feats = None
    if features:
        try:
            # A dataset card's `dataset_info.features` is a YAML list; dataset_info.json's a dict.
            if isinstance(features, list):
                feats = datasets.Features._from_yaml_list(features)
            else:
                feats = datasets.Features.from_dict(features)
            if set(feats) != set(columns):
                feats = None
        except Exception:
            feats = None
    if docs:
        return datasets.Dataset.from_list(docs, features=feats)
    return datasets.Dataset.from_dict({c: [] for c in columns}, features=feats)


def _rows(value):
    """A dataset (real, stand-in, or a list of dicts) as (rows, columns)."""
    if hasattr(value, "column_names") and hasattr(value, "__len__"):
        rows = value.to_list() if hasattr(value, "to_list") else [dict(r) for r in value]
        return rows, list(value.column_names)
    rows = [dict(r) for r in value]
    return rows, Dataset(rows).column_names


def _key(k):
    # As json.dumps writes keys: str as is, True -> "true", None -> "null", numbers as their text.
    if isinstance(k, str):
        return k
    if k is None or isinstance(k, (bool, int, float)):
        return json.dumps(k)
    raise Unconvertible(f"a dict key of type {type(k).__name__} cannot cross to the runner")


def _plain(x):
    """A Python value as JSON can hold it: tuples and sets become lists, numpy values their Python ones."""
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, dict):
        return {_key(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (set, frozenset)):
        return [_plain(v) for v in x]
    if hasattr(x, "tolist"):
        return _plain(x.tolist())
    if hasattr(x, "item"):
        return _plain(x.item())
    if hasattr(x, "column_names") or isinstance(x, Dataset):
        return _rows(x)[0]
    raise Unconvertible(f"a value of type {type(x).__name__} cannot cross to the runner (JSON holds None, bool, int, float, str, lists and dicts)")


_functions = {}


def _module_from_file(path):
    # As lm-eval 0.4.13's _load_module_with_cache: a library file is lm_eval.tasks.<folder>.<name>,
    # any other one is named by its path; loaded once and registered in sys.modules.
    text = str(path)
    marker = "/lm_eval/tasks/"
    if marker in text:
        name = "lm_eval.tasks." + text[text.find(marker) + len(marker):][:-3].replace("/", ".")
    else:
        name = text[:-3]
    mtime = os.stat(path).st_mtime_ns
    module = sys.modules.get(name)
    if module is not None and getattr(module, "__mtime__", None) == mtime:
        return module
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.__mtime__ = mtime
    folder = os.path.dirname(path)
    sys.path.insert(0, folder)  # A sibling module imports by its plain name while this one runs.
    try:
        spec.loader.exec_module(module)
    finally:
        try:
            sys.path.remove(folder)
        except ValueError:
            pass
    sys.modules[name] = module
    return module


def _function(file, name):
    # As lm-eval 0.4.13's _import_func_in_yml: `a.b.f` is a/b.py beside the YAML file, else the
    # importable module a.b.
    key = (file, name)
    if key in _functions:
        return _functions[key]
    module_name, _, attr = name.rpartition(".")
    if not module_name:
        raise HookMissing(f"'{name}' names no module (lm-eval reads '!function module.function')")
    folder = os.path.dirname(os.path.abspath(file))
    path = os.path.realpath(os.path.join(folder, module_name.replace(".", "/") + ".py"))
    if os.path.exists(path):
        module = _module_from_file(path)
        where = path
    else:
        try:
            module = __import__(module_name, fromlist=[attr])
        except ImportError as e:
            if isinstance(e, ModuleNotFoundError) and e.name and not module_name.startswith(e.name) and not e.name.startswith(module_name):
                raise
            raise HookMissing(f"no {module_name.replace('.', '/')}.py beside {file}, and '{module_name}' is not importable by {sys.executable}")
        where = getattr(module, "__file__", None) or module_name
    if not hasattr(module, attr):
        raise HookMissing(f"{where} has no function '{attr}'")
    fn = getattr(module, attr)
    _functions[key] = fn
    return fn


def _failure(e, index=None):
    frames = traceback.extract_tb(e.__traceback__)
    user = [f for f in frames if f.filename != "<string>"]
    frame = (user or frames)[-1] if (user or frames) else None
    return {
        "kind": "missing" if isinstance(e, HookMissing) else "unconvertible" if isinstance(e, Unconvertible) else "raised",
        "type": type(e).__name__,
        "message": str(e),
        "exception": traceback.format_exception_only(type(e), e)[-1].strip(),
        "frame": f"{frame.filename}:{frame.lineno}" if frame else None,
        "function": frame.name if frame else None,
        "index": index,
    }


def _lm_metric_fn(name, hf_evaluate):
    if importlib.util.find_spec("lm_eval") is None:
        raise HookMissing(f"lm_eval is not importable by {sys.executable}")
    from lm_eval.api import registry
    fn = registry.get_metric(name, hf_evaluate)
    if fn is None:
        raise HookMissing(f"lm-eval has no metric '{name}'" + (" (hf_evaluate: evaluate.load found it in no local cache)" if hf_evaluate else ""))
    return fn


def _lm_metric(request):
    # As lm-eval 0.4.13's ConfigurableTask.process_results (generate_until) per document, then
    # evaluator_utils._compute_task_aggregations: the aggregation and stderr_for_metric.
    from lm_eval.api import registry, metrics
    name = request["metric"]
    fn = _lm_metric_fn(name, request.get("hf_evaluate", False))
    kwargs = request.get("kwargs", {})
    multiple = request.get("multiple_target", False)
    cast = not request.get("bypass", False)
    values = []
    for gold, result in request["items"]:
        if multiple:
            golds = gold if isinstance(gold, list) else [gold]
            scores = []
            for option in golds:
                try:
                    score = fn(references=[option], predictions=[result], **kwargs)
                except TypeError:
                    score = fn([option, result])
                if isinstance(score, dict):
                    score = score[name]
                scores.append(score)
            values.append(1.0 if any(scores) else 0.0)
            continue
        if type(gold) is not type(result) and cast and not isinstance(result, list):
            gold = type(result)(gold)
        try:
            score = fn(references=[gold], predictions=[result], **kwargs)
        except TypeError:
            score = fn([gold, result])
        if isinstance(score, dict):
            score = score[name]
        values.append(score)
    given = request.get("aggregation")
    agg = registry.get_aggregation(given) if given else registry.get_metric_aggregation(name)
    if agg is None:
        agg = metrics.mean
    value = agg(values)
    iters = request.get("bootstrap_iters", 100000)
    stderr = None
    if isinstance(iters, int) and iters > 0:
        se = metrics.stderr_for_metric(agg, min(iters, 100) if name in ("bleu", "chrf", "chrf++", "ter") else iters)
        if se and len(values) > 1:
            previous = os.environ.get("DISABLE_MULTIPROC")
            os.environ["DISABLE_MULTIPROC"] = "1"  # Same draws (seeded per chunk), no process pool.
            try:
                stderr = se(values)
            finally:
                if previous is None:
                    del os.environ["DISABLE_MULTIPROC"]
    return {"value": _plain(value), "stderr": _plain(stderr), "count": len(values)}


def _lm_filter_class(request):
    # As lm-eval 0.4.13's build_filter_ensemble: get_filter(name) from the registry (lm-eval's
    # filters, and those a task module registered when the task's hooks were loaded), or the
    # class a `function: !function module.Class` names.
    if not request.get("registered"):
        return _function(request["file"], request["hook"])
    if importlib.util.find_spec("lm_eval") is None:
        raise HookMissing(f"lm_eval is not importable by {sys.executable}")
    import lm_eval.filters
    from lm_eval.api import registry
    try:
        return registry.get_filter(request["filter"])
    except Exception:
        raise HookMissing(f"lm-eval has no filter '{request['filter']}' registered")


def _listed(x):
    # Filters return lists, maps or generators; the runner gets lists.
    if x is None or isinstance(x, (str, bytes, dict)) or not hasattr(x, "__iter__") or hasattr(x, "tolist"):
        return x
    return [_listed(v) for v in x]


def _handle(request):
    op = request.get("op")
    if op == "probe":
        found = {}
        for name in ("datasets", "lm_eval"):
            found[name] = importlib.util.find_spec(name) is not None
        return {"python": sys.version.split()[0], "executable": sys.executable, **found}
    if op == "lm_metric_check":
        for name, hf in request["metrics"]:
            _lm_metric_fn(name, hf)
        return True
    if op == "lm_metric":
        return _lm_metric(request)
    if op == "lm_filter_check":
        return getattr(_lm_filter_class(request), "__name__", request["filter"])
    if op == "lm_filter":
        out = _lm_filter_class(request)(**request.get("kwargs", {})).apply(request["resps"], request["docs"])
        return _plain(_listed(out))
    fn = _function(request["file"], request["hook"])
    if op == "load":
        return getattr(fn, "__name__", request["hook"].split(".")[-1])
    if op == "call":
        return _plain(fn(*request.get("args", []), **request.get("kwargs", {})))
    if op == "map":
        tuples = request.get("tuples", False)
        out = []
        for i, args in enumerate(request["items"]):
            if tuples:
                args = [args[0], [tuple(r) if isinstance(r, list) else r for r in args[1]]] + args[2:]
            try:
                out.append(_plain(fn(*args)))
            except BaseException as e:
                e._hook_index = i
                raise
        return out
    if op == "process_docs":
        data = _dataset(request["docs"], request["columns"], request.get("features"))
        rows, columns = _rows(fn(data))
        return {"docs": _plain(rows), "columns": columns}
    if op == "dataset":
        result = fn(**request.get("kwargs", {}))
        if not hasattr(result, "keys"):
            raise Unconvertible(f"custom_dataset returned a {type(result).__name__}, not a mapping of split names to datasets")
        splits = {}
        for split in result.keys():
            rows, columns = _rows(result[split])
            splits[str(split)] = {"docs": _plain(rows), "columns": columns}
        return splits
    raise ValueError(f"unknown op {op!r}")


def main():
    while True:
        line = _in.readline()
        if not line:
            os._exit(0)
        request = None
        try:
            request = json.loads(line)
            reply = {"id": request.get("id"), "ok": _handle(request)}
        except BaseException as e:
            rid = request.get("id") if isinstance(request, dict) else None
            reply = {"id": rid, "error": _failure(e, getattr(e, "_hook_index", None))}
        try:
            text = json.dumps(reply, ensure_ascii=False, allow_nan=True)
        except Exception as e:
            text = json.dumps({"id": reply.get("id"), "error": _failure(Unconvertible(str(e)))})
        _out.write(text + "\n")
        _out.flush()


main()
"""#
}
