"""Writes the Arrow IPC fixtures ArrowStreamTests reads, and the rows each should give.

Run with the scratch venv (pyarrow 26.0.1, datasets 5.2.0):
    /work/scratch/venv-lmeval/bin/python Tests/ColumnarTests/Fixtures/arrow/make_fixtures.py

For every `NAME.arrow` there is `NAME.json`:
    {"columns": [...], "batches": [rows per record batch], "metadata": {...} (schema custom metadata),
     "rows": pa.ipc.open_stream(...).read_all().to_pylist()}
with values made JSON this way (the convention the Swift test decodes):
    bytes                    -> {"__bytes__": "<hex>"}
    date / datetime / time   -> .isoformat()  (pandas Timestamp for ns timestamps: nanosecond digits)
    Decimal                  -> str(d)          (Python's to-sci-string: "1.50", "1E-10")
    map                      -> [{"key": k, "value": v}, ...]  (to_pylist gives (k, v) tuples)
    NaN / inf                -> NaN / Infinity  (json.dumps's extension)
Struct rows keep their field order (dicts are ordered).

Files written by `datasets` itself live in `datasets_*` subfolders with their dataset_info.json.
"""
import datetime
import decimal
import glob
import json
import math
import os
import shutil
import tempfile

import pyarrow as pa
import pyarrow.ipc as ipc

HERE = os.path.dirname(os.path.abspath(__file__))


def plain(value, typ):
    """A to_pylist value as JSON, walking the Arrow type alongside."""
    if value is None:
        return None
    if pa.types.is_dictionary(typ):
        return plain(value, typ.value_type)
    if pa.types.is_map(typ):
        return [{typ.key_field.name: plain(k, typ.key_type), typ.item_field.name: plain(v, typ.item_type)} for k, v in value]
    if pa.types.is_struct(typ):
        return {typ.field(i).name: plain(value[typ.field(i).name], typ.field(i).type) for i in range(typ.num_fields)}
    if pa.types.is_list(typ) or pa.types.is_large_list(typ) or pa.types.is_fixed_size_list(typ):
        return [plain(v, typ.value_type) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": bytes(value).hex()}
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)) or hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def expected(path, stream_bytes_reader):
    reader = stream_bytes_reader(path)
    batches = [b for b in reader]
    schema = reader.schema
    table = pa.Table.from_batches(batches, schema=schema)
    rows = [
        {name: plain(row[name], schema.field(name).type) for name in schema.names}
        for row in table.to_pylist()
    ]
    meta = {k.decode(): v.decode() for k, v in (schema.metadata or {}).items()}
    with open(path[: -len(".arrow")] + ".json", "w") as out:
        json.dump({"columns": schema.names, "batches": [b.num_rows for b in batches], "metadata": meta, "rows": rows},
                  out, ensure_ascii=False, separators=(",", ":"))


def open_stream(path):
    return ipc.open_stream(pa.memory_map(path))


def open_file(path):
    reader = ipc.open_file(pa.memory_map(path))

    class Batches:
        schema = reader.schema

        def __iter__(self):
            return (reader.get_batch(i) for i in range(reader.num_record_batches))

    return Batches()


def write_stream(name, table, max_chunksize=None, options=None, batches=None):
    path = os.path.join(HERE, name + ".arrow")
    with ipc.new_stream(path, table.schema if batches is None else batches[0].schema, options=options) as writer:
        if batches is not None:
            for b in batches:
                writer.write_batch(b)
        else:
            writer.write_table(table, max_chunksize=max_chunksize)
    expected(path, open_stream)


D = decimal.Decimal
UTC = datetime.timezone.utc


def primitives():
    n = 7
    ts = [0, 1706702400, -1, None, 253402300799, 951782400, 1]
    cols = {
        "null": pa.array([None] * n, pa.null()),
        "bool": pa.array([True, False, None, True, True, False, None]),
        "i8": pa.array([0, -128, 127, None, 1, -1, 5], pa.int8()),
        "i16": pa.array([0, -32768, 32767, None, 1, -1, 5], pa.int16()),
        "i32": pa.array([0, -2**31, 2**31 - 1, None, 1, -1, 5], pa.int32()),
        "i64": pa.array([0, -2**63, 2**63 - 1, None, 1, -1, 5], pa.int64()),
        "u8": pa.array([0, 255, 1, None, 2, 3, 4], pa.uint8()),
        "u16": pa.array([0, 65535, 1, None, 2, 3, 4], pa.uint16()),
        "u32": pa.array([0, 2**32 - 1, 1, None, 2, 3, 4], pa.uint32()),
        "u64": pa.array([0, 2**64 - 1, 2**63, None, 2**63 - 1, 3, 4], pa.uint64()),
        "f16": pa.array([0.0, 1.5, -2.25, None, 65504.0, 0.0001, float("inf")], pa.float16()),
        "f32": pa.array([0.0, 0.1, -3.5, None, 3.4e38, 1e-45, float("-inf")], pa.float32()),
        "f64": pa.array([0.0, 0.1, -0.0, None, float("nan"), 1e308, 5e-324], pa.float64()),
        "utf8": pa.array(["", "hello", "日本語 🙂", None, "a\nb\"c", "x" * 40, "é"], pa.utf8()),
        "large_utf8": pa.array(["a", None, "", "ü", "long " * 5, "z", "q"], pa.large_utf8()),
        "binary": pa.array([b"", b"\x00\xff", None, b"abc", b"\x89PNG", b"x", b"yz"], pa.binary()),
        "large_binary": pa.array([b"1", None, b"", b"\x00", b"22", b"333", b"4444"], pa.large_binary()),
        "fixed_binary": pa.array([b"abc", b"\x00\x01\x02", None, b"xyz", b"   ", b"123", b"zzz"], pa.binary(3)),
        "date32": pa.array([0, 19753, -1, None, 2932896, -719162, 11016], pa.date32()),
        "date64": pa.array([0, 1706659200000, -86400000, None, 951782400000, 86400000, 1000], pa.date64()),
        "ts_s": pa.array(ts, pa.timestamp("s")),
        "ts_ms": pa.array([t * 1000 + 5 if t is not None else None for t in ts], pa.timestamp("ms")),
        "ts_us": pa.array([t * 1000000 + 123456 if t is not None else None for t in ts], pa.timestamp("us")),
        "ts_ns": pa.array([0, 1706702400123456789, -1, None, 1706702400123456000, 1706702400000000000, 1000], pa.timestamp("ns")),
        "ts_utc": pa.array(ts, pa.timestamp("s", tz="UTC")),
        "ts_offset": pa.array(ts[:4] + [1, 2, 3], pa.timestamp("ms", tz="+05:30")),
        "ts_zone": pa.array([1706702400000000, 1719835200000000, None, 0, -1, 1711846800000000, 1730595600000000], pa.timestamp("us", tz="America/New_York")),
        "time32_s": pa.array([0, 86399, None, 3600, 61, 1, 43200], pa.time32("s")),
        "time32_ms": pa.array([0, 86399999, None, 3600001, 61, 1, 43200000], pa.time32("ms")),
        "time64_us": pa.array([0, 86399999999, None, 3600000001, 61, 1, 43200000000], pa.time64("us")),
        "time64_ns": pa.array([0, 86399999999999, None, 3600000001001, 61000, 1, 43200000000000], pa.time64("ns")),
        "dec_10_2": pa.array([D("0.00"), D("123.45"), D("-0.01"), None, D("99999999.99"), D("-5.00"), D("1.50")], pa.decimal128(10, 2)),
        "dec_38_10": pa.array([D("0E-10"), D("1E-10"), D("-1234567890123456789012345678.0123456789"), None,
                               D("0.0000001000"), D("12.5000000000"), D("9999999999999999999999999999.9999999999")], pa.decimal128(38, 10)),
        "dec_neg_scale": pa.array([D("1.23E+4"), D("0E+2"), None, D("-1E+2"), D("5E+2"), D("1.2E+3"), D("9.9999E+6")], pa.decimal128(5, -2)),
        "dec_0": pa.array([D(0), D(-1), D(10**17), None, D(42), D(7), D(-99)], pa.decimal128(18, 0)),
        "dec32": pa.array([D("1.5"), None, D("-0.5"), D("0.0"), D("12345.6"), D("1.0"), D("2.0")], pa.decimal32(6, 1)),
        "dec64": pa.array([D("1.555"), None, D("-0.005"), D("0.000"), D("123456789012.345"), D("1.000"), D("2.000")], pa.decimal64(15, 3)),
        "dec256": pa.array([D("1.5"), None, D("-0.5"), D("1" * 60 + ".5"), D("-" + "9" * 70 + ".1"), D("0.0"), D("2.0")], pa.decimal256(76, 1)),
    }
    table = pa.table(cols).replace_schema_metadata({"purpose": "primitives", "huggingface": '{"info": {"features": {}}}'})
    write_stream("primitives", table, max_chunksize=3)


def nested():
    point = pa.struct([("x", pa.int32()), ("tags", pa.list_(pa.string()))])
    cols = {
        "list_int": pa.array([[1, 2], [], None, [None, 4], [5]], pa.list_(pa.int64())),
        "list_str": pa.array([["a", None], None, [], ["", "é"], ["x", "y", "z"]], pa.list_(pa.string())),
        "large_list": pa.array([["a"], None, [], ["b", None], ["c", "d"]], pa.large_list(pa.string())),
        "fixed_list": pa.array([[1, 2], None, [None, 3], [4, 5], [6, None]], pa.list_(pa.int32(), 2)),
        "struct": pa.array([{"x": 1, "tags": ["a"]}, None, {"x": None, "tags": None}, {"x": 3, "tags": []}, {"x": 4, "tags": [None, "b"]}], point),
        "list_struct": pa.array([[{"x": 1, "tags": []}], [], None, [None, {"x": 2, "tags": ["t"]}], [{"x": None, "tags": None}]], pa.list_(point)),
        "struct_struct": pa.array([{"inner": {"v": 1.5}, "s": "a"}, {"inner": None, "s": None}, None, {"inner": {"v": None}, "s": "d"}, {"inner": {"v": -1.0}, "s": ""}],
                                  pa.struct([("inner", pa.struct([("v", pa.float64())])), ("s", pa.string())])),
        "map": pa.array([[("a", 1), ("b", None)], None, [], [("c", 3)], [("d", 4), ("e", 5), ("f", 6)]], pa.map_(pa.string(), pa.int64())),
        "list_list": pa.array([[[1], [2, 3]], [[]], None, [None, [4]], [[5, None]]], pa.list_(pa.list_(pa.int16()))),
        "list_bool": pa.array([[True, None, False], [], None, [False] * 9, [True] * 3], pa.list_(pa.bool_())),
        "image": pa.array([{"bytes": b"\x89PNG\r\n", "path": None}, {"bytes": None, "path": "a.png"}, None, {"bytes": b"", "path": "b.jpg"}, {"bytes": b"\x00", "path": "c"}],
                          pa.struct([("bytes", pa.binary()), ("path", pa.string())])),
        "list_null": pa.array([[None], [], None, [None, None], []], pa.list_(pa.null())),
    }
    write_stream("nested", pa.table(cols), max_chunksize=2)


def dictionaries():
    a = pa.array(["red", "green", None, "red", "blue"]).dictionary_encode()
    b = pa.DictionaryArray.from_arrays(pa.array([0, 1, 1, None, 0], pa.int8()), pa.array([10, 20], pa.int64()))
    c = pa.array([["x", "y"], None, ["y"], [], ["x", None]], pa.list_(pa.dictionary(pa.int32(), pa.string())))
    t1 = pa.table({"color": a, "small": b, "tags": c})
    write_stream("dictionary", t1)
    # A second batch with a different dictionary: replaced (default) or a delta (emit_dictionary_deltas).
    a2 = pa.DictionaryArray.from_arrays(pa.array([0, 1, 2, None], pa.int32()), pa.array(["red", "green", "blue"]))
    a3 = pa.DictionaryArray.from_arrays(pa.array([3, 0, 4, 3], pa.int32()), pa.array(["red", "green", "blue", "violet", "teal"]))
    s1 = pa.record_batch({"color": a2})
    s2 = pa.record_batch({"color": a3})
    write_stream("dictionary_delta", None, batches=[s1, s2], options=ipc.IpcWriteOptions(emit_dictionary_deltas=True))
    a4 = pa.DictionaryArray.from_arrays(pa.array([1, 0, None, 1], pa.int32()), pa.array(["cyan", "black"]))
    write_stream("dictionary_replace", None, batches=[s1, pa.record_batch({"color": a4})])


def sliced():
    table = pa.table({
        "n": pa.array(range(20), pa.int32()),
        "b": pa.array([i % 3 == 0 if i % 5 else None for i in range(20)]),
        "s": pa.array([None if i % 4 == 0 else "s%d" % i for i in range(20)]),
        "l": pa.array([[i] * (i % 3) if i % 7 else None for i in range(20)], pa.list_(pa.int64())),
        "st": pa.array([{"a": i, "b": str(i)} if i % 6 else None for i in range(20)], pa.struct([("a", pa.int8()), ("b", pa.string())])),
    })
    write_stream("sliced", table.slice(3, 11), max_chunksize=4)


def edge_cases():
    schema = pa.schema([("a", pa.int64()), ("b", pa.list_(pa.string()))])
    write_stream("empty", schema.empty_table())
    path = os.path.join(HERE, "zero_row_batch.arrow")
    with ipc.new_stream(path, schema) as writer:
        writer.write_batch(pa.record_batch([pa.array([], pa.int64()), pa.array([], pa.list_(pa.string()))], schema=schema))
        writer.write_batch(pa.record_batch([pa.array([1], pa.int64()), pa.array([["q"]], pa.list_(pa.string()))], schema=schema))
    expected(path, open_stream)
    table = pa.table({"id": pa.array([1, 2, 3]), "text": pa.array(["one", None, "three"])})
    write_stream("legacy", table, options=ipc.IpcWriteOptions(use_legacy_format=True), max_chunksize=2)
    # The file format: ARROW1 magic, the stream, a footer; with a dictionary.
    path = os.path.join(HERE, "file_format.arrow")
    table = pa.table({"id": pa.array([1, 2, 3, 4]), "text": pa.array(["a", None, "c", "d"]),
                      "cat": pa.array(["x", "y", "x", None]).dictionary_encode(),
                      "l": pa.array([[1.5], None, [], [2.5, None]])})
    with ipc.new_file(path, table.schema) as writer:
        writer.write_table(table, max_chunksize=3)
    expected(path, open_file)
    # Compressed bodies are refused (datasets never compresses); no expected rows.
    table = pa.table({"text": pa.array(["compress me"] * 50)})
    with ipc.new_stream(os.path.join(HERE, "compressed_zstd.arrow"), table.schema, options=ipc.IpcWriteOptions(compression="zstd")) as writer:
        writer.write_table(table)


def written_by_datasets():
    import datasets
    from datasets import ClassLabel, Features, List, Sequence, Value

    features = Features({
        "id": Value("string"),
        "question": Value("string"),
        "choices": {"text": List(Value("string")), "label": List(Value("string"))},
        "answerKey": ClassLabel(names=["A", "B", "C", "D"]),
        "scores": Sequence(Value("float32")),
        # Image() needs Pillow to encode; its storage is this struct, which is what the cache holds.
        "image": {"bytes": Value("binary"), "path": Value("string")},
        "count": Value("int64"),
    })
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082")
    rows = {
        "id": ["q%d" % i for i in range(5)],
        "question": ["What is %d+%d?" % (i, i) for i in range(4)] + [None],
        "choices": [{"text": [str(2 * i), "x", "y"], "label": ["A", "B", "C"]} for i in range(4)] + [{"text": [], "label": []}],
        "answerKey": [0, 1, 2, 3, 0],
        "scores": [[0.5, 0.25], [], [1.0], [0.125, 0.0, -1.0], [2.0]],
        "image": [{"bytes": png, "path": None}, None, {"bytes": png, "path": "img.png"}, None, None],
        "count": [1, None, 3, 4, 5],
    }
    tmp = tempfile.mkdtemp()
    try:
        ds = datasets.Dataset.from_dict(rows, features=features)
        ds.save_to_disk(os.path.join(tmp, "saved"))
        out = os.path.join(HERE, "datasets_save_to_disk")
        os.makedirs(out, exist_ok=True)
        for name in ["data-00000-of-00001.arrow", "dataset_info.json"]:
            shutil.copy(os.path.join(tmp, "saved", name), out)
        expected(os.path.join(out, "data-00000-of-00001.arrow"), open_stream)

        # load_dataset("json") into a cache folder: the `<builder>-<split>.arrow` cache file.
        data = os.path.join(tmp, "arc.jsonl")
        with open(data, "w") as f:
            for i in range(1100):
                f.write(json.dumps({"id": "M%d" % i, "question": "Q%d?" % i,
                                    "choices": {"text": ["a%d" % i, "b", "c", "d"][: 3 + i % 2], "label": ["A", "B", "C", "D"][: 3 + i % 2]},
                                    "answerKey": "ABCD"[i % 4]}) + "\n")
        cache = os.path.join(tmp, "cache")
        loaded = datasets.load_dataset("json", data_files={"test": data}, cache_dir=cache, split="test",
                                       features=Features({"id": Value("string"), "question": Value("string"),
                                                          "choices": {"text": List(Value("string")), "label": List(Value("string"))},
                                                          "answerKey": ClassLabel(names=["A", "B", "C", "D"])}))
        arrows = glob.glob(os.path.join(cache, "**", "*.arrow"), recursive=True)
        infos = glob.glob(os.path.join(cache, "**", "dataset_info.json"), recursive=True)
        out = os.path.join(HERE, "datasets_load_dataset")
        os.makedirs(out, exist_ok=True)
        assert len(arrows) == 1, arrows
        shutil.copy(arrows[0], out)
        shutil.copy(infos[0], out)
        expected(os.path.join(out, os.path.basename(arrows[0])), open_stream)
        assert len(loaded) == 1100
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    for old in glob.glob(os.path.join(HERE, "**", "*.arrow"), recursive=True) + glob.glob(os.path.join(HERE, "**", "*.json"), recursive=True):
        os.remove(old)
    primitives()
    nested()
    dictionaries()
    sliced()
    edge_cases()
    written_by_datasets()
