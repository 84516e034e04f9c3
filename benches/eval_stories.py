"""Story groups against single linkage on labelled news, and the time of grouping at scale.

    python benches/eval_stories.py [--corpora DIR] [--blogs N]

For ``bangla_news_small`` (both stop word lists) and ``english_bbc_news`` (English stop words):
for each linkage and threshold, the groups of two or more articles, the articles in them, the
largest group and the purity of the groups (the share of grouped articles whose label is their
group's most common one; the labels are the records' ``label``: section names, noisy in the
Bengali set, five broad categories in the BBC set, so a story group is pure but a pure group need
not be one story). Then the time and size of ``group_articles`` on the first N blog posts (all
41,266 by default; take the benchmark lock: ``flock /work/bench.lock python ...``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np
import textsim

SETTINGS = [
    ("single", 0.2), ("single", 0.3), ("single", 0.4),
    ("average", 0.2), ("average", 0.25), ("average", 0.3), ("average", 0.35), ("average", 0.4),
    ("complete", 0.2), ("complete", 0.3),
]


def read(path: Path, limit: int | None = None) -> list[dict]:
    records = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            records.append(json.loads(line))
            if limit is not None and len(records) >= limit:
                break
    return records


def purity(groups: textsim.Groups, labels: list[str]) -> tuple[float, int]:
    majority = grouped = 0
    for rows in groups.rows:
        if len(rows) < 2:
            continue
        majority += Counter(labels[r] for r in rows).most_common(1)[0][1]
        grouped += len(rows)
    return (majority / grouped if grouped else float("nan")), grouped


def labelled(path: Path, stop_words) -> None:
    records = read(path)
    texts = [f"{r['title'] or ''}\n{r['text']}" for r in records]
    labels = [r["label"] for r in records]
    X = textsim.TfidfVectorizer(stop_words=stop_words, min_df=1).fit_transform(texts)
    print(f"\n{path.name}: {len(records):,} articles, {len(set(labels))} labels")
    print(f"  {'linkage':>8} {'min_score':>9} {'groups':>7} {'grouped':>8} {'largest':>8} {'purity':>7}")
    for linkage, min_score in SETTINGS:
        groups = textsim.group_articles(X, min_score=min_score, linkage=linkage)
        share, grouped = purity(groups, labels)
        together = int((groups.sizes > 1).sum())
        print(f"  {linkage:>8} {min_score:>9} {together:>7,} {grouped:>8,} "
              f"{int(groups.sizes.max()):>8,} {share:>7.3f}")


def at_scale(path: Path, limit: int | None) -> None:
    records = read(path, limit)
    texts = [r["text"] for r in records]
    del records
    vectorizer = textsim.TfidfVectorizer(stop_words="bengali", min_df=2, dtype=np.float32)
    start = time.perf_counter()
    X = vectorizer.fit_transform(texts)
    fitted = time.perf_counter() - start
    print(f"\n{path.name}: {X.shape[0]:,} posts, {X.shape[1]:,} terms, {X.nnz:,} entries "
          f"(fit {fitted:.1f} s)")
    for linkage, min_score in [("single", 0.5), ("average", 0.5), ("average", 0.3), ("complete", 0.5)]:
        start = time.perf_counter()
        pairs = textsim.similar_pairs(X, min_score=min_score, progress=False)
        paired = time.perf_counter() - start
        start = time.perf_counter()
        groups = textsim.group_articles(X, min_score=min_score, linkage=linkage, progress=False)
        grouped = time.perf_counter() - start
        print(f"  {linkage:>8} {min_score}: {pairs.nnz:,} pairs ({paired:.1f} s alone); "
              f"group_articles {grouped:.1f} s in all; {int((groups.sizes > 1).sum()):,} groups "
              f"of 2+, largest {int(groups.sizes.max()):,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path(__file__).parents[2] / "shared" / "corpora")
    parser.add_argument("--blogs", type=int, default=None, help="posts of the blog corpus (all)")
    parser.add_argument("--skip-blogs", action="store_true")
    args = parser.parse_args()
    labelled(args.corpora / "bangla_news_small.jsonl.gz", textsim.stop_words("english", "bengali"))
    labelled(args.corpora / "english_bbc_news.jsonl.gz", "english")
    if not args.skip_blogs:
        at_scale(args.corpora / "bangla_blogs.jsonl.gz", args.blogs)


if __name__ == "__main__":
    main()
