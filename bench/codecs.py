"""Writes a ~50 MB text-like buffer (JSON lines, as Hugging Face datasets hold) compressed with
python-snappy and lz4.block, times decompressing it (best of N) and prints MB/s of decompressed
bytes. bench/codecs.sh then runs the Swift decoders on the same files.

Measured: python-snappy's `snappy.uncompress` (since 0.7 it is cramjam, Rust, plus a copy into
`bytes`) and `lz4.block.decompress`, each allocating its output as the Swift decoders do; and,
when Debian's libsnappy1v5 / liblz4-1 are installed, Google's C++ snappy (`snappy_uncompress`)
and liblz4 (`LZ4_decompress_safe`) through ctypes into one reused buffer: their raw speed.
    python bench/codecs.py OUTDIR [REPETITIONS]
"""
import ctypes
import os
import random
import sys
import time

import lz4.block
import snappy

out = sys.argv[1]
repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 10
rng = random.Random(7)
words = [("".join(rng.choice("etaoinshrdlucmfwypvbgkjqxz") for _ in range(rng.choice([2, 3, 4, 5, 6, 7, 8, 10]))))
         for _ in range(5000)]
# Word frequencies fall off as 1/rank, as in prose: snappy keeps about half the bytes.
weights = [1 / (rank + 1) for rank in range(len(words))]
lines = []
size = 0
while size < 50_000_000:
    text = " ".join(rng.choices(words, weights, k=rng.randint(10, 80)))
    line = '{"id": %d, "text": "%s", "label": %d}\n' % (len(lines), text, rng.randint(0, 9))
    lines.append(line)
    size += len(line)
data = "".join(lines).encode()
open(os.path.join(out, "text.raw"), "wb").write(data)


def measure(name, compressed, decompress):
    open(os.path.join(out, "text." + name), "wb").write(compressed)
    best = float("inf")
    for _ in range(repetitions):
        start = time.perf_counter()
        result = decompress(compressed)
        best = min(best, time.perf_counter() - start)
        assert result == data
    print("%s (python-snappy / lz4 module): %.0f MB/s, %.1f ms for %.1f MB (ratio %.2f)"
          % (name, len(data) / best / 1e6, best * 1e3, len(data) / 1e6, len(compressed) / len(data)))


def measure_into(name, library, compressed, call):
    """A C function writing into one preallocated buffer (no allocation, no page faults)."""
    try:
        lib = ctypes.CDLL(library)
    except OSError:
        print("%s: %s is not installed" % (name, library))
        return
    output = ctypes.create_string_buffer(len(data))
    best = float("inf")
    for _ in range(repetitions):
        start = time.perf_counter()
        call(lib, compressed, output)
        best = min(best, time.perf_counter() - start)
    assert output.raw == data
    print("%s: %.0f MB/s, %.1f ms" % (name, len(data) / best / 1e6, best * 1e3))


def snappy_c(lib, compressed, output):
    size = ctypes.c_size_t(len(data))
    assert lib.snappy_uncompress(compressed, ctypes.c_size_t(len(compressed)), output, ctypes.byref(size)) == 0


def lz4_c(lib, compressed, output):
    assert lib.LZ4_decompress_safe(compressed, output, len(compressed), len(data)) == len(data)


compressed = snappy.compress(data)
measure("snappy", compressed, snappy.uncompress)
measure_into("snappy (Google C++ libsnappy, into a reused buffer)", "libsnappy.so.1", compressed, snappy_c)
compressed = lz4.block.compress(data, store_size=False)
measure("lz4raw", compressed, lambda b: lz4.block.decompress(b, uncompressed_size=len(data)))
measure_into("lz4raw (liblz4, into a reused buffer)", "liblz4.so.1", compressed, lz4_c)
