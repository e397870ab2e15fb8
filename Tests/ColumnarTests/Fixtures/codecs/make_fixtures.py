"""Writes the codec fixtures: inputs and what the real compression libraries make of them.

Run with the scratch venv (python-snappy, lz4, zstandard, brotli; zlib and gzip are built in):
    /work/scratch/venv-lmeval/bin/python make_fixtures.py

Convention: `<input>.raw` holds the original bytes, `<input>.<codec>` the compressed bytes of
the same input, where <codec> is one of
    snappy        snappy raw block (python-snappy `snappy.compress`), Parquet SNAPPY
    lz4raw        LZ4 block without size prefix (lz4.block), Parquet LZ4_RAW
    lz4hadoop     LZ4 blocks in Hadoop framing as parquet-mr writes Parquet LZ4: a big-endian
                  4-byte decompressed size, then big-endian 4-byte compressed size + block
    gzip          one gzip member (gzip module), Parquet GZIP
    zstd          one zstd frame with its content size (zstandard), Parquet ZSTD
    brotli        brotli stream (brotli), Parquet BROTLI
and a few variants of one input (the file name says which; see VARIANTS below). Every codec
compresses every input except `text` (200 KB, JSON lines), which only the codecs decoded in
Swift get (snappy, lz4raw: the hot path), to keep the fixtures small; `prose` (40 KB of the
same kind) stands in for it with the others.
"""
import gzip
import io
import os
import random
import struct
import zlib

import brotli
import lz4.block
import snappy
import zstandard

HERE = os.path.dirname(os.path.abspath(__file__))


def json_lines(rng, target):
    words = ("the of and to in is that for it as was with be by on not he this are or his from at which "
             "but have an they you were her she there been one all we their has would when if so no what "
             "question answer model dataset evaluation choice correct because therefore however number "
             "paris london river mountain protein energy market history government theory").split()
    lines = []
    size = 0
    while size < target:
        question = " ".join(rng.choice(words) for _ in range(rng.randint(6, 30)))
        answer = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        line = '{"id": %d, "question": "%s?", "answer": "%s", "label": %d}\n' % (len(lines), question.capitalize(), answer, rng.randint(0, 3))
        lines.append(line)
        size += len(line)
    return "".join(lines).encode()


def inputs():
    rng = random.Random(20240611)
    yield "empty", b""
    yield "one", b"x"
    # Long runs and short periods: copies whose offset is smaller than their length.
    repetitive = (b"a" * 6000 + b"ab" * 3000 + b"abc" * 2000 + b"0123456" * 1500
                  + b"0123456789abcdef0" * 900 + bytes(range(256)) * 40 + b"z" * 7)
    yield "repetitive", repetitive
    yield "random", bytes(rng.getrandbits(8) for _ in range(3000))
    yield "text", json_lines(rng, 200_000)
    yield "prose", json_lines(rng, 40_000)


def hadoop_lz4(data, frame_size=256 * 1024, chunk_size=None):
    """Hadoop's BlockCompressorStream over Lz4Compressor: per frame the decompressed size, then
    chunks (compressed size + independent LZ4 block) until the frame's bytes are covered."""
    out = bytearray()
    frames = [data[i:i + frame_size] for i in range(0, len(data), frame_size)] or [b""]
    for frame in frames:
        out += struct.pack(">I", len(frame))
        step = chunk_size or max(len(frame), 1)
        for i in range(0, max(len(frame), 1), step):
            block = lz4.block.compress(frame[i:i + step], store_size=False)
            out += struct.pack(">I", len(block)) + block
    return bytes(out)


def codecs(data):
    yield "snappy", snappy.compress(data)
    yield "lz4raw", lz4.block.compress(data, store_size=False)
    yield "lz4hadoop", hadoop_lz4(data)
    yield "gzip", gzip.compress(data, mtime=0)
    yield "zstd", zstandard.ZstdCompressor(level=3, write_content_size=True).compress(data)
    yield "brotli", brotli.compress(data)


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def main():
    texts = {}
    for name, data in inputs():
        texts[name] = data
        write(name + ".raw", data)
        for codec, blob in codecs(data):
            if name == "text" and codec not in ("snappy", "lz4raw"):
                continue
            write(f"{name}.{codec}", blob)
    prose, repetitive = texts["prose"], texts["repetitive"]
    half = len(prose) // 2
    # VARIANTS, each decoding to the input its name starts with.
    # Two gzip members one after the other (the Parquet spec asks readers to accept them).
    write("prose.gzip-members", gzip.compress(prose[:half], mtime=0) + gzip.compress(prose[half:], mtime=0))
    # A zlib stream (not gzip) under GZIP: zlib's auto-detection reads it too.
    write("repetitive.gzip-zlib", zlib.compress(repetitive, 9))
    # Best compression: longer matches.
    write("repetitive.lz4raw-high", lz4.block.compress(repetitive, store_size=False, mode="high_compression", compression=12))
    # zstd frames without a content size, two of them, written by the streaming compressor.
    nosize = zstandard.ZstdCompressor(level=19, write_content_size=False)
    write("prose.zstd-frames", nosize.compress(prose[:half]) + nosize.compress(prose[half:]))
    stream = io.BytesIO()
    with zstandard.ZstdCompressor(level=1).stream_writer(stream, closefd=False) as writer:
        writer.write(repetitive)
    write("repetitive.zstd-stream", stream.getvalue())
    # Hadoop framing with several frames (64 KiB) and a frame split in two chunks.
    write("prose.lz4hadoop-frames", hadoop_lz4(prose, frame_size=16 * 1024))
    write("repetitive.lz4hadoop-chunks", hadoop_lz4(repetitive, chunk_size=16 * 1024))
    # A bare LZ4 block under the LZ4 codec, as older parquet-cpp wrote it: read by the fallback.
    write("repetitive.lz4hadoop-bare", lz4.block.compress(repetitive, store_size=False))
    # A whole .gz file, as data files on the hub sometimes are (GzipFile).
    write("prose.jsonl.gz", gzip.compress(prose, compresslevel=6, mtime=0))


if __name__ == "__main__":
    main()
