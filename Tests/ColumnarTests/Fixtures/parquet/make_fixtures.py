"""Writes the Parquet fixtures of ColumnarTests and their expected rows as pyarrow 26 reads them
(`pq.read_table(f).to_pylist()`). Files with the same rows share one `rows-<sha>.json`;
`manifest.json` maps each `NAME.parquet` to its rows file.

JSON convention (what ParquetFixtureTests compares ColumnValue against):
- bytes -> {"__bytes__": "<hex>"}
- date, time, datetime, pandas Timestamp -> their `isoformat()` text; Decimal -> `str(d)`
- a map's entries (tuples in to_pylist) -> {"key": k, "value": v} objects
- objects keep their field order (structs in schema order); NaN/Infinity as Python's json writes them

Run from this folder with the scratch venv: python make_fixtures.py
"""
import datetime, decimal, hashlib, json, os, random
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(7)
N = 60
MANIFEST = {}


def encode(value):
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):  # map entry
        return {"key": encode(value[0]), "value": encode(value[1])}
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": bytes(value).hex()}
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def save(name, path=None):
    path = path or os.path.join(HERE, name + ".parquet")
    rows = pq.read_table(path).to_pylist()
    text = json.dumps(encode(rows), ensure_ascii=False)
    rows_name = "rows-" + hashlib.sha256(text.encode()).hexdigest()[:10] + ".json"
    with open(os.path.join(HERE, rows_name), "w") as f:
        f.write(text)
    MANIFEST[name + ".parquet"] = rows_name


def maybe(i, value, every=5):
    return None if i % every == every - 1 else value


def words(i, n=3):
    return " ".join(random.choice(["alpha", "beta", "gamma", "déjà", "ünï", "🙂", "x" * (i % 13)]) for _ in range(n))


def flat_table(n=N):
    rows = range(n)
    return pa.table({
        "b": pa.array([maybe(i, i % 3 == 0) for i in rows], pa.bool_()),
        "i8": pa.array([maybe(i, (i * 37) % 256 - 128) for i in rows], pa.int8()),
        "i16": pa.array([maybe(i, (i * 997) % 65536 - 32768) for i in rows], pa.int16()),
        "i32": pa.array([maybe(i, (i * 7919 * 104729) % 2**32 - 2**31) for i in rows], pa.int32()),
        "i64": pa.array([maybe(i, (i * 2654435761 * 40503) % 2**64 - 2**63) for i in rows], pa.int64()),
        "u8": pa.array([maybe(i, (i * 31) % 256) for i in rows], pa.uint8()),
        "u16": pa.array([maybe(i, (i * 3031) % 65536) for i in rows], pa.uint16()),
        "u32": pa.array([maybe(i, (i * 2654435761) % 2**32) for i in rows], pa.uint32()),
        "u64": pa.array([maybe(i, (i * 11400714819323198485) % 2**64) for i in rows], pa.uint64()),
        "f32": pa.array([maybe(i, i / 7 - 3.5) for i in rows], pa.float32()),
        "f64": pa.array([maybe(i, float("nan") if i == 3 else (i * 1e-3 - 0.05) * (10 ** (i % 9))) for i in rows], pa.float64()),
        "f16": pa.array([maybe(i, (i % 40) / 4 - 3) for i in rows], pa.float16()),
        "s": pa.array([maybe(i, words(i, i % 5)) for i in rows], pa.string()),
        "cat": pa.array([maybe(i, ["red", "green", "blue"][i % 3], 4) for i in rows], pa.string()),
        "ls": pa.array([maybe(i, words(i)) for i in rows], pa.large_string()),
        "bin": pa.array([maybe(i, bytes(range(i % 9)) + b"\xff") for i in rows], pa.binary()),
        "fsb": pa.array([maybe(i, bytes([i % 256, 1, 2])) for i in rows], pa.binary(3)),
        "date": pa.array([maybe(i, datetime.date(1960, 1, 1) + datetime.timedelta(days=i * 401)) for i in rows], pa.date32()),
        "ts_ms": pa.array([maybe(i, datetime.datetime(1969, 12, 31, 23, 0) + datetime.timedelta(milliseconds=i * 86400123)) for i in rows], pa.timestamp("ms")),
        "ts_us": pa.array([maybe(i, datetime.datetime(2001, 2, 3) + datetime.timedelta(microseconds=i * 3600000001 * (i % 3))) for i in rows], pa.timestamp("us")),
        "ts_ns": pa.array([maybe(i, 1700000000000000000 + i * 1000000007 * (i % 4) - 10**18 * (i % 2)) for i in rows], pa.timestamp("ns")),
        "ts_utc": pa.array([maybe(i, 1700000000000000 + i * 1000001) for i in rows], pa.timestamp("us", tz="UTC")),
        "ts_ms_utc": pa.array([maybe(i, -1700000000000 + i * 1001) for i in rows], pa.timestamp("ms", tz="UTC")),
        "dec9": pa.array([maybe(i, decimal.Decimal(i * 12345 - 700000).scaleb(-2)) for i in rows], pa.decimal128(9, 2)),
        "dec18": pa.array([maybe(i, decimal.Decimal(i * 10**15 + 7 - 5 * 10**16).scaleb(-4)) for i in rows], pa.decimal128(18, 4)),
        "dec38": pa.array([maybe(i, decimal.Decimal((-1) ** i * (i * 10**35 + 123)).scaleb(-10)) for i in rows], pa.decimal128(38, 10)),
        "dec_small": pa.array([maybe(i, decimal.Decimal(i - 60).scaleb(-9)) for i in rows], pa.decimal128(12, 9)),
        "dec0": pa.array([maybe(i, decimal.Decimal(i * 1000 - 1)) for i in rows], pa.decimal128(10, 0)),
        "t_ms": pa.array([maybe(i, datetime.time(i % 24, i % 60, i % 60, (i * 1000) % 1000000)) for i in rows], pa.time32("ms")),
        "t_us": pa.array([maybe(i, datetime.time(i % 24, 0, i % 60, (i * 7) % 1000000 if i % 2 else 0)) for i in rows], pa.time64("us")),
        "dict": pa.array([maybe(i, ["x", "yy", "zzz"][i % 3]) for i in rows], pa.string()).dictionary_encode(),
    })


def nested_table(n=N):
    rows = range(n)

    def lst(i):  # null list, empty list, null element, values
        if i % 7 == 0: return None
        if i % 7 == 1: return []
        return [None if (i + k) % 4 == 0 else i * 10 + k for k in range(i % 5)]

    return pa.table({
        "li": pa.array([lst(i) for i in rows], pa.list_(pa.int64())),
        "ls": pa.array([maybe(i, [words(i + k, 1) for k in range(4)]) for i in rows], pa.list_(pa.string())),
        "lreq": pa.array([[i, i + 1] for i in rows], pa.list_(pa.field("item", pa.int32(), nullable=False))),
        "lli": pa.array([maybe(i, [lst(i + k) for k in range(i % 3)], 6) for i in rows], pa.list_(pa.list_(pa.int64()))),
        "st": pa.array([maybe(i, {"a": maybe(i, i, 3), "b": maybe(i, words(i, 1), 4)}, 6) for i in rows],
                       pa.struct([("a", pa.int32()), ("b", pa.string())])),
        "sst": pa.array([maybe(i, {"inner": maybe(i, {"x": maybe(i, float(i), 2)}, 3)}, 5) for i in rows],
                        pa.struct([("inner", pa.struct([("x", pa.float64())]))])),
        # IFEval kwargs: list<struct{nullable fields}>
        "kwargs": pa.array([[{"num_words": maybe(i + k, i * 3 + k, 2), "keyword": maybe(i + k, words(k, 1), 3), "lang": None}
                             for k in range(i % 4)] for i in rows],
                           pa.list_(pa.struct([("num_words", pa.int64()), ("keyword", pa.string()), ("lang", pa.string())]))),
        # ARC choices: struct{text: list<string>, label: list<string>}
        "choices": pa.array([maybe(i, {"text": [words(i + k, 2) for k in range(3 + i % 2)],
                                       "label": [chr(65 + k) for k in range(3 + i % 2)]}, 9) for i in rows],
                            pa.struct([("text", pa.list_(pa.string())), ("label", pa.list_(pa.string()))])),
        "m": pa.array([maybe(i, [(words(k, 1) + str(k), maybe(k + i, i * k, 3)) for k in range(i % 4)], 5) for i in rows],
                      pa.map_(pa.string(), pa.int64())),
        "lst_of_list_struct": pa.array([maybe(i, [{"t": [maybe(k, str(k), 2) for k in range(j)]} for j in range(i % 3)], 4) for i in rows],
                                       pa.list_(pa.struct([("t", pa.list_(pa.string()))]))),
        "lb": pa.array([maybe(i, [maybe(k, k % 2 == 0, 3) for k in range(i % 6)]) for i in rows], pa.list_(pa.bool_())),
    })


def write(name, table, **options):
    path = os.path.join(HERE, name + ".parquet")
    pq.write_table(table, path, **options)
    save(name)


def main():
    flat, nested = flat_table(), nested_table()
    both = pa.table({**{c: flat[c] for c in flat.column_names}, **{"n_" + c: nested[c] for c in nested.column_names}})
    none = dict(compression="none")
    write("flat_plain", flat, use_dictionary=False, **none)
    write("flat_dict", flat, **none)
    write("flat_dict_v2", flat, data_page_version="2.0", **none)
    write("flat_plain_v2", flat, data_page_version="2.0", use_dictionary=False, **none)
    write("flat_v1_format", flat.drop_columns(["ts_ns"]), version="1.0", **none)  # PLAIN_DICTIONARY
    write("flat_int96", flat.select(["ts_ms", "ts_us", "ts_ns", "ts_utc"]), use_deprecated_int96_timestamps=True, **none)
    write("flat_decimal_ints", flat.select(["dec9", "dec18", "dec0"]), store_decimal_as_integer=True, **none)
    write("nested_plain", nested, use_dictionary=False, **none)
    write("nested_dict", nested, **none)
    write("nested_v2", nested, data_page_version="2.0", **none)
    write("nested_legacy", nested, use_compliant_nested_type=False, **none)
    write("pages_rowgroups", both.slice(0, 40), row_group_size=17, data_page_size=64, write_batch_size=8, **none)
    write("pages_rowgroups_v2", both.slice(0, 40), row_group_size=23, data_page_size=80, write_batch_size=8, data_page_version="2.0", **none)
    write("dictionary_fallback", flat.select(["s", "ls", "i64"]), dictionary_pagesize_limit=64, data_page_size=128, **none)
    ints = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "date", "ts_ms", "ts_us", "ts_ns", "dec9", "t_ms"]
    write("delta_binary_packed", flat.select(ints), use_dictionary=False, store_decimal_as_integer=True,
          column_encoding="DELTA_BINARY_PACKED", data_page_size=100, **none)
    write("delta_binary_packed_v2", flat.select(ints), use_dictionary=False, store_decimal_as_integer=True,
          column_encoding="DELTA_BINARY_PACKED", data_page_version="2.0", **none)
    strings = ["s", "ls", "bin", "cat"]
    write("delta_length_byte_array", flat.select(strings), use_dictionary=False, column_encoding="DELTA_LENGTH_BYTE_ARRAY", data_page_size=90, **none)
    write("delta_byte_array", flat.select(strings + ["fsb", "dec38", "f16"]), use_dictionary=False, column_encoding="DELTA_BYTE_ARRAY", data_page_size=90, **none)
    split = ["f32", "f64", "i32", "i64", "fsb", "f16", "dec38"]
    write("byte_stream_split", flat.select(split), use_dictionary=False, column_encoding="BYTE_STREAM_SPLIT", data_page_size=100, **none)
    write("byte_stream_split_v2", flat.select(split), use_dictionary=False, column_encoding="BYTE_STREAM_SPLIT", data_page_version="2.0", **none)
    write("nested_delta", nested.select(["li", "ls", "kwargs", "choices", "m"]), use_dictionary=False,
          column_encoding={"li.list.element": "DELTA_BINARY_PACKED", "ls.list.element": "DELTA_BYTE_ARRAY"}, **none)
    write("empty", flat.slice(0, 0), **none)
    write("empty_nested", nested.slice(0, 0), **none)
    for codec in ["snappy", "gzip", "zstd", "lz4", "brotli"]:
        write("codec_" + codec, both.slice(0, 30), compression=codec, data_page_size=400)
        write("codec_" + codec + "_v2", both.slice(0, 30), compression=codec, data_page_size=400, data_page_version="2.0")

    import polars as pl
    frame = pl.from_arrow(pa.table({c: both[c] for c in ["i64", "s", "f64", "b", "date", "ts_us", "n_li", "n_ls", "n_st", "n_choices", "n_kwargs", "n_lli"]}))
    frame.write_parquet(os.path.join(HERE, "polars_default.parquet"))
    save("polars_default")
    frame.write_parquet(os.path.join(HERE, "polars_uncompressed.parquet"), compression="uncompressed", row_group_size=40, data_page_size=256)
    save("polars_uncompressed")

    import datasets
    ds = datasets.Dataset.from_dict({
        "question": [words(i, 6) for i in range(30)],
        "choices": [{"text": [words(i + k, 2) for k in range(4)], "label": ["A", "B", "C", "D"]} for i in range(30)],
        "answerKey": [["A", "B", "C", "D"][i % 4] for i in range(30)],
        "idx": list(range(30)),
    })
    ds.to_parquet(os.path.join(HERE, "datasets_arc.parquet"))
    save("datasets_arc")
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(MANIFEST, f, indent=1, sort_keys=True)


def fuzz_seeds():
    """A few small uncompressed files for fuzz/corpus/parquet (libFuzzer runs with -max_len=8192)."""
    folder = os.path.join(HERE, "..", "..", "..", "..", "fuzz", "corpus", "parquet")
    os.makedirs(folder, exist_ok=True)
    flat, nested = flat_table(6), nested_table(6)
    seeds = {
        "nested_dict.parquet": (nested.select(["li", "st", "kwargs", "choices", "m"]), {}),
        "flat_v2.parquet": (flat.select(["b", "i32", "u64", "s", "date", "ts_ns", "dec38", "f16"]), dict(data_page_version="2.0")),
        "delta.parquet": (flat.select(["s", "bin"]), dict(use_dictionary=False, column_encoding="DELTA_BYTE_ARRAY")),
        "split.parquet": (flat.select(["f32", "i64"]), dict(use_dictionary=False, column_encoding="BYTE_STREAM_SPLIT")),
        "legacy.parquet": (nested.select(["lli", "lreq"]), dict(use_compliant_nested_type=False, row_group_size=3)),
    }
    for name, (table, options) in seeds.items():
        pq.write_table(table, os.path.join(folder, name), compression="none", store_schema=False, write_statistics=False, **options)


if __name__ == "__main__":
    main()
    fuzz_seeds()
