"""Scaling benchmark: the distributed fit on 1, 2 and 4 worker processes, and the peak memory
of the streaming fit as the corpus grows.

1. Throughput: the corpus is written to Parquet files (16 of them); ``textsim.dask.fit`` of a
   ``TfidfVectorizer(n_jobs=1)`` over ``dd.read_parquet(...)["text"]`` on a
   ``distributed.LocalCluster`` of 1, 2 and 4 worker processes (one thread each, on
   127.0.0.1, no dashboard), best of --repeat after a warm-up; for reference, the
   single-process ``fit`` with one thread and with every core. Printed as MB/s of UTF-8 text,
   documents/s and the speed-up over one worker.
2. Memory: in a fresh Python process per size, ``TfidfVectorizer().fit(generator,
   batch_size=...)`` over 1x, 4x and 16x the corpus (a generator: the documents are never all
   in memory). The peak resident memory (``VmHWM``, reset just before the fit, on Linux;
   ``ru_maxrss`` elsewhere) minus the resident memory before the fit is what the fit needed.
   For contrast, the counting path (``fit_transform``, which must hold the matrix) at 1x, 4x.

Data: the first --mb (default 10) MB of ../shared/corpora/bangla_blogs.jsonl.gz (or the path
given); larger sizes repeat it, so the vocabulary stays that of 1x and only the number of
documents grows. Without the corpus, generated Bengali-and-English text (a fixed Zipf
vocabulary of 50,000 words), produced lazily.

Usage: python benches/bench_scale.py [PATH] [--mb 10] [--workers 1,2,4] [--scales 1,4,16]
       [--repeat 2] [--batch-size 8192] [--no-throughput] [--no-memory]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import logging
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

CORPORA = Path(os.environ.get("TEXTSIM_CORPORA") or Path(__file__).resolve().parents[2] / "shared" / "corpora")
DEFAULT_CORPUS = CORPORA / "bangla_blogs.jsonl.gz"
SYLLABLES = ["রা", "ষ্ট্র", "পু", "তিন", "বাং", "লা", "দে", "শ", "ঢা", "কা", "নি", "র্বা", "চন",
             "the", "mar", "ket", "go", "vern", "ment", "film", "win", "ter"]


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------


def generated_words(n: int = 50_000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) + str(i % 10) for i in range(n)]


def generated_documents(megabytes: float, seed: int = 1) -> Iterator[str]:
    """Documents of about 2 KB of Zipf-distributed words, until ``megabytes`` of UTF-8."""
    words = generated_words()
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(words))))
    rng = random.Random(seed)
    size, limit = 0, megabytes * 1e6
    while size < limit:
        doc = " ".join(rng.choices(words, cum_weights=cumulative, k=150))
        size += len(doc.encode())
        yield doc


def corpus_documents(path: Path, megabytes: float) -> list[str]:
    docs, size = [], 0
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if size >= megabytes * 1e6:
                break
            text = json.loads(line)["text"]
            docs.append(text)
            size += len(text.encode())
    return docs


def base_documents(path: Path | None, megabytes: float) -> tuple[list[str], str]:
    if path is not None and path.exists():
        return corpus_documents(path, megabytes), f"{path.name}, first {megabytes:g} MB"
    return list(generated_documents(megabytes)), f"generated text, {megabytes:g} MB (no corpus at {path})"


def megabytes_of(docs: list[str]) -> float:
    return sum(len(d.encode()) for d in docs) / 1e6


# ---------------------------------------------------------------------------------------------
# 1. throughput on 1, 2, 4 worker processes
# ---------------------------------------------------------------------------------------------


def best_of(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def throughput(docs: list[str], worker_counts: list[int], repeat: int) -> None:
    import dask.dataframe as dd
    import distributed
    import pandas as pd

    import textsim
    import textsim.dask

    mb, n = megabytes_of(docs), len(docs)
    expected = textsim.TfidfVectorizer().fit(docs)
    print(f"\n1. fit throughput, {n:,} documents, {mb:.1f} MB "
          f"(this machine: {os.cpu_count()} cores, shared with other work: numbers are noisy)")
    print(f"{'':32} {'seconds':>8} {'MB/s':>8} {'docs/s':>10} {'vs 1 worker':>12}")
    for label, n_jobs in (("single process, 1 thread", 1), ("single process, all cores", None)):
        seconds = best_of(repeat, lambda: textsim.TfidfVectorizer(n_jobs=n_jobs).fit(docs))
        print(f"{label:32} {seconds:8.2f} {mb / seconds:8.1f} {n / seconds:10,.0f}")
    with tempfile.TemporaryDirectory() as tmp:
        frame = pd.DataFrame({"text": docs})
        step = -(-len(frame) // 16)
        for i in range(16):
            frame.iloc[i * step : (i + 1) * step].to_parquet(f"{tmp}/part{i:02}.parquet")
        one_worker = None
        for workers in worker_counts:
            with distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
            ) as cluster, distributed.Client(cluster):
                texts = dd.read_parquet(f"{tmp}/*.parquet")["text"]

                def fit():
                    return textsim.dask.fit(textsim.TfidfVectorizer(n_jobs=1), texts)

                fitted = fit()  # warm-up: imports and first connections on every worker
                assert fitted.vocabulary_ == expected.vocabulary_
                seconds = best_of(repeat, fit)
            one_worker = one_worker or seconds
            label = f"dask, {workers} worker process{'es' if workers > 1 else ''}"
            print(f"{label:32} {seconds:8.2f} {mb / seconds:8.1f} {n / seconds:10,.0f} "
                  f"{one_worker / seconds:11.2f}x")


# ---------------------------------------------------------------------------------------------
# 2. peak memory of the streaming fit, in a fresh process per size
# ---------------------------------------------------------------------------------------------


def resident_kb(field: str) -> int:
    """VmRSS or VmHWM of this process in kB (ru_maxrss where /proc is missing)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def child(path: str, megabytes: float, scale: int, batch_size: int, counting: bool) -> None:
    """One measurement: prints JSON with the memory before, the peak, the documents seen."""
    import textsim

    corpus = Path(path) if path else None
    if corpus is not None and corpus.exists():
        base = corpus_documents(corpus, megabytes)

        def documents() -> Iterator[str]:
            for _ in range(scale):
                yield from base
    else:
        def documents() -> Iterator[str]:
            yield from generated_documents(megabytes * scale)

    seen = 0

    def counted() -> Iterator[str]:
        nonlocal seen
        for doc in documents():
            seen += 1
            yield doc

    vectorizer = textsim.TfidfVectorizer()
    before = resident_kb("VmRSS")
    exact = reset_peak()
    start = time.perf_counter()
    if counting:
        vectorizer.fit_transform(counted(), batch_size=batch_size)
    else:
        vectorizer.fit(counted(), batch_size=batch_size)
    seconds = time.perf_counter() - start
    peak = resident_kb("VmHWM" if exact else "ru_maxrss")
    print(json.dumps({"before": before, "peak": peak, "exact": exact, "documents": seen,
                      "terms": len(vectorizer.vocabulary_), "seconds": seconds}))


def memory(path: Path | None, megabytes: float, scales: list[int], batch_size: int) -> None:
    print(f"\n2. peak memory of fit over a generator (batch_size={batch_size}), a fresh process each")
    print(f"{'':28} {'size':>6} {'documents':>10} {'MB of text':>10} {'terms':>9} "
          f"{'RSS before':>10} {'fit added':>10} {'seconds':>8}")
    runs = [("fit (statistics)", scale, False) for scale in scales]
    runs += [("fit_transform (counting)", scale, True) for scale in scales if scale <= 4]
    for label, scale, counting in runs:
        command = [sys.executable, __file__, "--child", str(path or ""), "--mb", str(megabytes),
                   "--scale", str(scale), "--batch-size", str(batch_size)]
        if counting:
            command.append("--counting")
        result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        added = (result["peak"] - result["before"]) / 1024
        print(f"{label:28} {scale:5}x {result['documents']:10,} {megabytes * scale:10.0f} "
              f"{result['terms']:9,} {result['before'] / 1024:8.0f}MB {added:8.0f}MB "
              f"{result['seconds']:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--scales", default="1,4,16")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=8192)
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--counting", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.mb, args.scale, args.batch_size, args.counting)
        return
    docs, description = base_documents(args.path, args.mb)
    print(f"data: {description}; {len(docs):,} documents")
    if not args.no_throughput:
        throughput(docs, [int(w) for w in args.workers.split(",")], args.repeat)
    if not args.no_memory:
        del docs
        memory(args.path, args.mb, [int(s) for s in args.scales.split(",")], args.batch_size)


if __name__ == "__main__":
    main()
