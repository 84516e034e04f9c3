"""Pairs benchmark: textsim's exact pruned all-pairs search against the full product,
sparse_dot_topn and MinHash-LSH (rensa, datasketch), same data and threads, one run.

(a) --posts (12,000) Bengali blog posts as textsim TF-IDF (float32): ``similar_pairs`` at each of
    --thresholds (0.5, 0.7, 0.9) by textsim (``algorithm="auto"``, which picks the pruned search),
    by textsim's full product (``algorithm="full"``) and by sparse_dot_topn's
    ``sp_matmul_topn(X, X.T, top_n=n, threshold=t)`` (every pair at or above ``t``); best of
    --repeat, ratios, and a check that all three find the same pairs.
(b) All blog paragraphs of >= 100 characters (every post split at newlines and stripped; 389,418
    paragraphs, 407 MB): end to end from raw text,
    - textsim: ``TfidfVectorizer(dtype=float32).fit_transform``, then ``similar_pairs(X, 0.8)``
      and ``near_duplicates(X, 0.8)``;
    - rensa: textsim's tokenizer, word 3-gram shingles, ``RMinHash`` (128 permutations),
      ``RMinHashLSH(threshold=0.8, num_perm=128, num_bands=16)``, candidates verified by their
      MinHash Jaccard >= 0.8;
    - datasketch: the same shingles, ``MinHash.bulk`` (128 permutations), ``MinHashLSH
      (threshold=0.8, num_perm=128)``, candidates verified by MinHash Jaccard >= 0.8 (pure
      Python: on --datasketch-share of the paragraphs, its time scaled up and marked so);
    times, peak memory (each in a fresh process), and how many of textsim's exact pairs each
    MinHash pipeline finds (they estimate Jaccard of shingle sets, not TF-IDF cosine: a
    different question, whose answer overlaps).
(c) ``most_similar(k=10)`` on all 41,266 posts: the full product (top-k without a threshold has
    no threshold to prune by) and, for reference, ``min_score`` thresholds with the pruned
    search.

Without the corpus it uses generated text and says so. Usage:
  python benches/bench_pairs.py [--posts 12000] [--thresholds 0.5,0.7,0.9] [--repeat 3]
                                [--skip-a] [--skip-b] [--skip-c] [--no-memory]
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
import scipy.sparse as sp

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bangla_blogs.jsonl.gz"


def load_posts(limit: int | None = None) -> tuple[list[str], str]:
    if CORPUS.exists():
        posts = []
        with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
            for line in lines:
                posts.append(json.loads(line)["text"])
                if limit is not None and len(posts) == limit:
                    break
        return posts, f"{CORPUS.name}, {len(posts):,} posts"
    rng = np.random.default_rng(0)
    words = [f"শব্দ{i}" for i in range(30000)]
    count = limit or 41266
    posts = [" ".join(rng.choice(words, 300, p=None)) for _ in range(count)]
    return posts, "GENERATED text (corpus not found: numbers are not comparable)"


def paragraphs() -> tuple[list[str], str]:
    posts, source = load_posts()
    found = [p.strip() for post in posts for p in post.split("\n")]
    found = [p for p in found if len(p) >= 100]
    mb = sum(len(p.encode()) for p in found) / 1e6
    return found, f"{source} split into {len(found):,} paragraphs of >= 100 characters ({mb:.0f} MB)"


def best(function, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def upper_pairs(matrix: sp.csr_matrix) -> set[tuple[int, int]]:
    coo = sp.triu(matrix, 1).tocoo()
    return set(zip(coo.row.tolist(), coo.col.tolist()))


# -- (a) ---------------------------------------------------------------------------------------


def section_a(args) -> None:
    import textsim

    posts, source = load_posts(args.posts)
    X = textsim.TfidfVectorizer(dtype=np.float32).fit_transform(posts)
    n = X.shape[0]
    print(f"(a) data: {source}; X {n:,} x {X.shape[1]:,}, {X.nnz:,} entries, float32")
    print(f"    threads: {args.threads}; best of {args.repeat}")
    try:
        from sparse_dot_topn import sp_matmul_topn
    except ImportError:
        sp_matmul_topn = None
        print("    sparse_dot_topn: not installed (pip install '.[bench]')")
    XT = X.T.tocsr()
    for t in args.thresholds:
        pruned_s, pruned = best(
            lambda: textsim.similar_pairs(X, min_score=t, n_jobs=args.threads), args.repeat
        )
        full_s, full = best(
            lambda: textsim.similar_pairs(X, min_score=t, algorithm="full", n_jobs=args.threads),
            args.repeat,
        )
        line = (
            f"    min_score={t}: {pruned.nnz:,} pairs; textsim {pruned_s:.3f} s; "
            f"full product {full_s:.3f} s ({full_s / pruned_s:.1f}x)"
        )
        same = (pruned != full).nnz == 0 and pruned.data.tobytes() == full.data.tobytes()
        if sp_matmul_topn is not None:
            sdt_s, theirs = best(
                lambda: sp_matmul_topn(X, XT, top_n=n, threshold=t, n_threads=args.threads), 1
            )
            line += f"; sparse_dot_topn {sdt_s:.3f} s (textsim is {sdt_s / pruned_s:.1f}x faster)"
            same = same and upper_pairs(theirs) == upper_pairs(pruned)
        print(line + ("; same pairs" if same else "; PAIRS DIFFER"))


# -- (b) ---------------------------------------------------------------------------------------


def shingles(token_lists: list[list[str]]) -> list[list[str]]:
    return [
        [" ".join(tokens[i : i + 3]) for i in range(len(tokens) - 2)] or tokens
        for tokens in token_lists
    ]


def run_textsim(texts: list[str], threads: int) -> dict:
    import textsim

    start = time.perf_counter()
    X = textsim.TfidfVectorizer(dtype=np.float32, n_jobs=threads).fit_transform(texts)
    fitted = time.perf_counter()
    pairs = textsim.similar_pairs(X, min_score=0.8, n_jobs=threads)
    paired = time.perf_counter()
    groups = textsim.near_duplicates(X, min_score=0.8, n_jobs=threads)
    grouped = time.perf_counter()
    coo = pairs.tocoo()
    return {
        "fit": fitted - start,
        "pairs": paired - fitted,
        "groups": grouped - paired,
        "end to end (fit + pairs)": paired - start,
        "found": set(zip(coo.row.tolist(), coo.col.tolist())),
        "n_groups": int(groups.max()) + 1 if len(groups) else 0,
    }


def run_rensa(texts: list[str], threads: int) -> dict:
    import rensa
    import textsim

    start = time.perf_counter()
    sets = shingles(textsim.Tokenizer(n_jobs=threads).tokenize_many(texts))
    minhashes = rensa.RMinHash.from_token_sets(sets, 128, 42)
    lsh = rensa.RMinHashLSH(0.8, 128, 16)
    lsh.insert_many(minhashes)
    found = set()
    for i, candidates in enumerate(lsh.query_all(minhashes)):
        for j in candidates:
            if j > i and minhashes[i].jaccard(minhashes[j]) >= 0.8:
                found.add((i, j))
    return {"end to end": time.perf_counter() - start, "found": found}


def run_datasketch(texts: list[str], threads: int) -> dict:
    from datasketch import MinHash, MinHashLSH

    import textsim

    start = time.perf_counter()
    sets = shingles(textsim.Tokenizer(n_jobs=threads).tokenize_many(texts))
    minhashes = MinHash.bulk(([s.encode() for s in shingle] for shingle in sets), num_perm=128)
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    for i, m in enumerate(minhashes):
        lsh.insert(i, m)
    found = set()
    for i, m in enumerate(minhashes):
        for j in lsh.query(m):
            if j > i and m.jaccard(minhashes[j]) >= 0.8:
                found.add((i, j))
    return {"end to end": time.perf_counter() - start, "found": found}


PIPELINES = {"textsim": run_textsim, "rensa": run_rensa, "datasketch": run_datasketch}


def child(name: str, share: float, threads: int, out: str) -> None:
    """One pipeline in a fresh process: its times, pairs and peak memory (Linux VmHWM)."""
    texts, _ = paragraphs()
    if share < 1:
        texts = texts[: int(len(texts) * share)]

    def status(field: str) -> float:
        for line in open("/proc/self/status"):
            if line.startswith(field):
                return int(line.split()[1]) / 1024
        return 0.0

    if sys.platform.startswith("linux"):
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    before = status("VmRSS") if sys.platform.startswith("linux") else 0.0
    result = PIPELINES[name](texts, threads)
    result["peak MB"] = status("VmHWM") - before if sys.platform.startswith("linux") else float("nan")
    result["found"] = sorted(result["found"])
    result["n_texts"] = len(texts)
    with open(out, "w") as f:
        json.dump(result, f)


def run_child(name: str, share: float, threads: int) -> dict | None:
    out = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_pairs_{name}_{os.getpid()}.json"
    done = subprocess.run(
        [sys.executable, __file__, "--child", name, "--share", str(share), "--threads", str(threads),
         "--out", str(out)],
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        print(f"    {name}: failed ({last})")
        return None
    result = json.loads(out.read_text())
    out.unlink()
    result["found"] = {tuple(p) for p in result["found"]}
    return result


def section_b(args) -> None:
    texts, source = paragraphs()
    print(f"\n(b) data: {source}; threads: {args.threads}; a fresh process each")
    ours = run_child("textsim", 1.0, args.threads)
    if ours is None:
        return
    exact = ours["found"]
    print(
        f"    textsim, exact: fit_transform {ours['fit']:.1f} s + similar_pairs(0.8) "
        f"{ours['pairs']:.1f} s = {ours['end to end (fit + pairs)']:.1f} s end to end; "
        f"near_duplicates(0.8) {ours['groups']:.1f} s ({ours['n_groups']:,} groups); "
        f"{len(exact):,} pairs; peak {ours['peak MB']:,.0f} MB"
    )
    for name, share in (("rensa", 1.0), ("datasketch", args.datasketch_share)):
        theirs = run_child(name, share, args.threads)
        if theirs is None:
            continue
        seconds = theirs["end to end"] / share
        scaled = "" if share == 1 else f" (measured on {theirs['n_texts']:,} paragraphs, scaled up)"
        mine = {p for p in exact if p[1] < theirs["n_texts"]}
        recall = len(mine & theirs["found"]) / len(mine) if mine else float("nan")
        print(
            f"    {name}, approximate: {seconds:.1f} s end to end{scaled}; "
            f"{len(theirs['found']):,} pairs of Jaccard >= 0.8 (estimated); "
            f"finds {recall:.1%} of textsim's exact pairs; peak {theirs['peak MB']:,.0f} MB; "
            f"textsim is {seconds / ours['end to end (fit + pairs)']:.1f}x faster end to end"
        )


# -- (c) ---------------------------------------------------------------------------------------


def section_c(args) -> None:
    import textsim

    posts, source = load_posts()
    X = textsim.TfidfVectorizer(dtype=np.float32).fit_transform(posts)
    print(f"\n(c) data: {source}; X {X.shape[0]:,} x {X.shape[1]:,}, {X.nnz:,} entries, float32")
    seconds, (_, scores) = best(lambda: textsim.most_similar(X, k=10, n_jobs=args.threads), 1)
    tenth = np.percentile(scores[:, 9], [10, 50, 90])
    print(
        f"    most_similar(k=10): {seconds:.1f} s (full product); each post's 10th best score: "
        f"10% / 50% / 90% of posts below {tenth[0]:.2f} / {tenth[1]:.2f} / {tenth[2]:.2f}"
    )
    for t in (0.3, 0.5):
        pruned_s, _ = best(
            lambda: textsim.most_similar(X, k=10, min_score=t, n_jobs=args.threads), 1
        )
        print(f"    most_similar(k=10, min_score={t}): {pruned_s:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=12000)
    parser.add_argument("--thresholds", default="0.5,0.7,0.9")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--datasketch-share", type=float, default=0.1)
    parser.add_argument("--skip-a", action="store_true")
    parser.add_argument("--skip-b", action="store_true")
    parser.add_argument("--skip-c", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--share", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.share, args.threads, args.out)
        return 0
    args.thresholds = [float(t) for t in args.thresholds.split(",")]
    if not args.skip_a:
        section_a(args)
    if not args.skip_b:
        section_b(args)
    if not args.skip_c:
        section_c(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
