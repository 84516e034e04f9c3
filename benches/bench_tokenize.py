"""Tokenizer benchmark: textsim against its floor and its peer, on the same data in one run.

Reports, on Bengali blog text (../shared/corpora/bangla_blogs.jsonl.gz, the first documents up
to --mb megabytes of UTF-8):

1. textsim's Rust tokenizer throughput in MB/s on 1 and 2 threads, making no Python object per
   token (``Tokenizer.count_tokens``: decoding, normalization, folding, lowercasing, scanning:
   the path fit/transform use);
2. ``Tokenizer.tokenize_many`` (lists of Python strings) against ``[d.split() for d in docs]``,
   the floor for anything that returns Python lists of strings, and against scikit-learn's
   default analyzer (which also cuts Bengali words apart).

Without the corpus it falls back to generated Bengali-like text and says so.
Usage: python benches/bench_tokenize.py [--corpus PATH] [--mb 22.5] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import time
from pathlib import Path

import textsim

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bangla_blogs.jsonl.gz"


def load_documents(path: Path, megabytes: float) -> tuple[list[str], str]:
    limit = megabytes * 1e6
    if path.exists():
        docs, size = [], 0
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                text = json.loads(line)["text"]
                docs.append(text)
                size += len(text.encode("utf-8"))
                if size >= limit:
                    break
        return docs, f"{path.name}, first {len(docs):,} posts"
    rng = random.Random(0)
    words = ["রাশিয়ার", "রাষ্ট্রপতি", "ভ্লাদিমির", "পুতিন", "উত্তর", "কোরিয়ার", "সঙ্গে", "বৈঠক", "করেছেন।", "২০২৫"]
    docs, size = [], 0
    while size < limit:
        text = " ".join(rng.choice(words) for _ in range(1500))
        docs.append(text)
        size += len(text.encode("utf-8"))
    return docs, "GENERATED text (corpus not found: numbers are not comparable)"


def best_time(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("TEXTSIM_BLOGS", DEFAULT_CORPUS)))
    parser.add_argument("--mb", type=float, default=22.5, help="megabytes of UTF-8 text to use")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the best is kept")
    parser.add_argument("--no-sklearn", action="store_true", help="skip scikit-learn")
    args = parser.parse_args()

    docs, source = load_documents(args.corpus, args.mb)
    megabytes = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(f"data: {source}: {megabytes:.1f} MB of UTF-8, {len(docs):,} documents")
    print(f"cores: {os.cpu_count()}, best of {args.repeat} runs\n")

    tokens = textsim.Tokenizer(n_jobs=1).count_tokens(docs).sum()
    print(f"textsim tokens: {tokens:,}")
    print("1. Rust tokenizer throughput (no Python objects per token)")
    for threads in (1, 2):
        tokenizer = textsim.Tokenizer(n_jobs=threads)
        seconds = best_time(lambda: tokenizer.count_tokens(docs), args.repeat)
        print(f"   {threads} thread(s): {seconds:6.3f} s  {megabytes / seconds:7.1f} MB/s"
              f"  ({megabytes / seconds / threads:.1f} MB/s per core)")

    print("2. Lists of Python strings")
    split_seconds = best_time(lambda: [d.split() for d in docs], args.repeat)
    print(f"   str.split() (the floor):           {split_seconds:6.3f} s")
    for threads in (1, 2):
        tokenizer = textsim.Tokenizer(n_jobs=threads)
        seconds = best_time(lambda: tokenizer.tokenize_many(docs), args.repeat)
        print(f"   textsim tokenize_many, {threads} thread(s): {seconds:6.3f} s"
              f"  = {seconds / split_seconds:.2f}x the floor")
    if not args.no_sklearn:
        try:
            from sklearn.feature_extraction.text import CountVectorizer
        except ImportError:
            print("   scikit-learn not installed: skipped")
        else:
            analyzer = CountVectorizer().build_analyzer()
            seconds = best_time(lambda: [analyzer(d) for d in docs], args.repeat)
            print(f"   scikit-learn analyzer (wrong on Bengali): {seconds:6.3f} s"
                  f"  = {seconds / split_seconds:.2f}x the floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
