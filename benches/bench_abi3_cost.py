"""What an abi3 (limited API) wheel would cost: text through PyUnicode_AsUTF8AndSize.

textsim's per-version wheels read each ``str``'s own buffer (CPython stores Bengali at 2 bytes a
character) and decode it to UTF-8 on the worker threads after releasing the interpreter lock.
The limited API has no access to that buffer; its one way to a ``str``'s text is
``PyUnicode_AsUTF8AndSize``, which, for every non-ASCII string, encodes it serially under the
lock and caches the UTF-8 copy on the string object for the string's lifetime. This measures,
on the same documents in one run:

1. the Rust path as shipped: ``Tokenizer.count_tokens(docs)`` (decode, normalize, fold,
   lowercase, scan; no Python object per token), on 1 thread and on all threads;
2. ``PyUnicode_AsUTF8AndSize`` on every document (through ctypes, on fresh copies each time,
   because the first call caches), which an abi3 build would pay before releasing the lock;
3. the Rust path given UTF-8 bytes (``count_tokens`` of the encoded documents), what remains of
   the work when the text already is UTF-8 (it still validates the bytes, which an abi3 build
   reading CPython's cached UTF-8 would not need);
4. the memory the cached UTF-8 copies would keep alive.

Estimated abi3 time = (2) + (3); the ratio to (1) is the slowdown of the tokenizing that fit and
transform do. Usage: python benches/bench_abi3_cost.py [--corpus PATH] [--mb 22.5] [--repeat 7]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import sys
import time

import textsim
from bench_tokenize import DEFAULT_CORPUS, best_time, load_documents

_as_utf8 = ctypes.pythonapi.PyUnicode_AsUTF8AndSize
_as_utf8.argtypes = [ctypes.py_object, ctypes.POINTER(ctypes.c_ssize_t)]
_as_utf8.restype = ctypes.c_void_p


def fresh_copies(docs: list[str]) -> list[str]:
    # New str objects with no cached UTF-8 (slicing a str to its full length returns itself).
    return [(d + " ")[:-1] for d in docs]


def time_as_utf8(docs: list[str], repeat: int) -> float:
    size = ctypes.c_ssize_t()
    times = []
    for _ in range(repeat):
        copies = fresh_copies(docs)
        start = time.perf_counter()
        for d in copies:
            _as_utf8(d, ctypes.byref(size))
        times.append(time.perf_counter() - start)
    return min(times)


def time_ctypes_overhead(docs: list[str], repeat: int) -> float:
    """The same loop on ASCII strings, whose UTF-8 is their own buffer: the calls' own cost."""
    ascii_docs = ["x"] * len(docs)
    size = ctypes.c_ssize_t()

    def loop() -> None:
        for d in ascii_docs:
            _as_utf8(d, ctypes.byref(size))

    return best_time(loop, repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=os.path.abspath, default=str(DEFAULT_CORPUS))
    parser.add_argument("--mb", type=float, default=22.5)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from pathlib import Path

    docs, source = load_documents(Path(args.corpus), args.mb)
    encoded = [d.encode("utf-8") for d in docs]
    utf8_mb = sum(map(len, encoded)) / 1e6
    threads = os.cpu_count() or 1
    print(f"{source}: {len(docs):,} documents, {utf8_mb:.1f} MB of UTF-8; {threads} cores")
    print(f"textsim {textsim.__version__} from {textsim.__file__}")

    serial = textsim.Tokenizer(n_jobs=1)
    parallel = textsim.Tokenizer(n_jobs=threads)
    shipped_1 = best_time(lambda: serial.count_tokens(docs), args.repeat)
    shipped_n = best_time(lambda: parallel.count_tokens(docs), args.repeat)
    bytes_n = best_time(lambda: parallel.count_tokens(encoded), args.repeat)
    to_utf8 = time_as_utf8(docs, args.repeat) - time_ctypes_overhead(docs, args.repeat)
    estimate = to_utf8 + bytes_n

    print(f"  Rust path as shipped (str buffers), 1 thread      {shipped_1:.3f} s")
    print(f"  Rust path as shipped (str buffers), {threads} threads     {shipped_n:.3f} s")
    print(f"  PyUnicode_AsUTF8AndSize on every document (serial) {to_utf8:.3f} s")
    print(f"  Rust path on UTF-8 bytes, {threads} threads              {bytes_n:.3f} s")
    print(f"  abi3 estimate ({threads} threads): {estimate:.3f} s = {estimate / shipped_n:.2f}x shipped")
    print(f"  UTF-8 copies an abi3 build would keep alive: {utf8_mb:.1f} MB "
          f"(the strings themselves: {sum(sys.getsizeof(d) for d in docs) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
