"""Similarity benchmark: textsim.most_similar against sparse_dot_topn and scikit-learn, one run.

The data: the first --docs (5,000) Bengali blog posts of ../shared/corpora/bangla_blogs.jsonl.gz,
as textsim TF-IDF vectors (float32, L2-normalised rows). Every contender gets the same matrix and
the same number of threads (--threads, default all cores), and answers the same question: the 10
most similar other posts of every post.

- textsim.most_similar(X, k=10)
- sparse_dot_topn.sp_matmul_topn(X, X.T, top_n=11, n_threads=...) (includes each row itself)
- sklearn NearestNeighbors(n_neighbors=11, metric="cosine", algorithm="brute").kneighbors(X)
- and textsim.cosine_similarity(X) against scikit-learn's (the full n x n matrix);
- queries: the 10 most similar of the posts to --queries (1,000) further posts, vectorized
  with the same vocabulary (what SimilarityIndex.query does): textsim.most_similar(Q, X),
  sp_matmul_topn(Q, X.T, top_n=10) and NearestNeighbors.fit(X).kneighbors(Q).

It prints best-of-N wall times, ratios, the peak memory each adds (a fresh process each), and
checks that the neighbours agree. Without the corpus it uses generated text and says so.
Usage: python benches/bench_similarity.py [--docs 5000] [--queries 1000] [--threads N] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bangla_blogs.jsonl.gz"


def load(docs: int) -> tuple[list[str], str]:
    if CORPUS.exists():
        texts = []
        with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
            for line in lines:
                texts.append(json.loads(line)["text"])
                if len(texts) == docs:
                    break
        return texts, f"{CORPUS.name}, first {len(texts):,} posts"
    rng = np.random.default_rng(0)
    words = [f"শব্দ{i}" for i in range(20000)]
    texts = [" ".join(rng.choice(words, 400)) for _ in range(docs)]
    return texts, "GENERATED text (corpus not found: numbers are not comparable)"


def matrix(docs: int):
    import textsim

    texts, source = load(docs)
    X = textsim.TfidfVectorizer(dtype=np.float32).fit_transform(texts)
    return X, source


def matrices(docs: int, queries: int):
    """X (the first `docs` posts) and Q (the next `queries`, with X's vocabulary)."""
    import textsim

    texts, source = load(docs + queries)
    vectorizer = textsim.TfidfVectorizer(dtype=np.float32)
    X = vectorizer.fit_transform(texts[:docs])
    return X, vectorizer.transform(texts[docs:]), source


def run_queries(contender: str, Q, X, threads: int):
    if contender == "textsim":
        import textsim

        return textsim.most_similar(Q, X, k=10, n_jobs=threads)
    if contender == "sparse_dot_topn":
        from sparse_dot_topn import sp_matmul_topn

        return sp_matmul_topn(Q, X.T.tocsr(), top_n=10, n_threads=threads, sort=True)
    if contender == "sklearn":
        from sklearn.neighbors import NearestNeighbors

        nn = NearestNeighbors(n_neighbors=10, metric="cosine", algorithm="brute", n_jobs=threads)
        return nn.fit(X).kneighbors(Q)
    raise ValueError(contender)


def run(contender: str, X, threads: int):
    if contender == "textsim":
        import textsim

        return textsim.most_similar(X, k=10, n_jobs=threads)
    if contender == "sparse_dot_topn":
        from sparse_dot_topn import sp_matmul_topn

        return sp_matmul_topn(X, X.T.tocsr(), top_n=11, n_threads=threads, sort=True)
    if contender == "sklearn":
        from sklearn.neighbors import NearestNeighbors

        nn = NearestNeighbors(n_neighbors=11, metric="cosine", algorithm="brute", n_jobs=threads)
        return nn.fit(X).kneighbors(X)
    if contender == "textsim-cosine":
        import textsim

        return textsim.cosine_similarity(X)
    if contender == "sklearn-cosine":
        from sklearn.metrics.pairwise import cosine_similarity

        return cosine_similarity(X)
    raise ValueError(contender)


def best(function, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def peak_memory(contender: str, docs: int, threads: int) -> float:
    """MB the contender adds to a fresh process's peak resident memory (Linux VmHWM)."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", contender, "--docs", str(docs), "--threads", str(threads)],
        capture_output=True, text=True, check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def child(contender: str, docs: int, threads: int) -> None:
    X, _ = matrix(docs)
    def status(field: str) -> float:
        for line in open("/proc/self/status"):
            if line.startswith(field):
                return int(line.split()[1]) / 1024
        return 0.0
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = status("VmRSS")
    run(contender, X, threads)
    print(status("VmHWM") - before)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.docs, args.threads)
        return 0

    X, source = matrix(args.docs)
    print(f"data: {source}; X {X.shape[0]:,} x {X.shape[1]:,}, {X.nnz:,} entries, {X.dtype}")
    print(f"threads: {args.threads} (machine: {os.cpu_count()} cores); best of {args.repeat}\n")
    contenders = ["textsim", "sparse_dot_topn", "sklearn"]
    seconds, results = {}, {}
    for contender in contenders:
        try:
            seconds[contender], results[contender] = best(lambda c=contender: run(c, X, args.threads), args.repeat)
        except ImportError as error:
            print(f"{contender}: not installed ({error})")
    print("most similar 10 of every row:")
    for contender, s in seconds.items():
        ratio = f"  textsim is {s / seconds['textsim']:.1f}x faster" if contender != "textsim" else ""
        print(f"   {contender:18} {s:7.3f} s{ratio}")

    # Agreement: the same neighbours (scores to 1e-5) as sparse_dot_topn, self removed.
    indices, scores = results["textsim"]
    if "sparse_dot_topn" in results:
        C = results["sparse_dot_topn"]
        agree = 0
        for i in range(X.shape[0]):
            row = C.indices[C.indptr[i] : C.indptr[i + 1]]
            values = C.data[C.indptr[i] : C.indptr[i + 1]]
            theirs = sorted(((-v, j) for v, j in zip(values, row) if j != i))[:10]
            mine = sorted(-scores[i][indices[i] >= 0])
            agree += len(mine) == len(theirs) and np.allclose([v for v, _ in theirs], mine, atol=1e-5)
        print(f"   same top-10 scores as sparse_dot_topn on {agree:,} of {X.shape[0]:,} rows")

    print("\ncosine_similarity (the full n x n matrix):")
    cos = {}
    for contender in ["textsim-cosine", "sklearn-cosine"]:
        cos[contender], _ = best(lambda c=contender: run(c, X, args.threads), args.repeat)
        print(f"   {contender:18} {cos[contender]:7.3f} s")
    print(f"   textsim is {cos['sklearn-cosine'] / cos['textsim-cosine']:.1f}x faster")

    X_index, Q, _ = matrices(args.docs, args.queries)
    if Q.shape[0]:
        print(f"\nqueries: the 10 most similar of {X_index.shape[0]:,} posts to each of {Q.shape[0]:,} others:")
        query_seconds = {}
        for contender in contenders:
            try:
                query_seconds[contender], _ = best(
                    lambda c=contender: run_queries(c, Q, X_index, args.threads), args.repeat
                )
            except ImportError:
                continue
        for contender, s in query_seconds.items():
            ratio = f"  textsim is {s / query_seconds['textsim']:.1f}x faster" if contender != "textsim" else ""
            print(f"   {contender:18} {s:7.3f} s{ratio}")

    if sys.platform.startswith("linux"):
        print("\npeak memory added (a fresh process each):")
        for contender in [c for c in contenders if c in seconds]:
            print(f"   {contender:18} {peak_memory(contender, args.docs, args.threads):8.1f} MB")
        n = X.shape[0]
        print(f"   (an n x n float32 matrix would be {n * n * 4 / 2**20:,.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
