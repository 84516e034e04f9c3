"""What ``stemmer="bengali"`` does to search, near-duplicates and author attribution, against
no stemming, on the same data and settings otherwise.

    python benches/eval_stemmer.py [--corpora DIR] [--blog-posts N]

1. The query example: "সোনার দাম কমেছে" ("the price of gold has fallen") against the bundled
   news (202 articles): the ranks of the gold-price articles and of the share-market articles
   in the top 10.
2. Near-duplicate recall: the known pairs of ``near_duplicate_pairs`` in ``bangla_news_small``
   and ``bangla_blogs`` (not the scraper boilerplate): how many have their partner as their
   most similar article, and how many reach cosine 0.9 and 0.8.
3. Author attribution in the blogs (labels = author): for the first N posts (default 10,000),
   the share whose most similar other post has the same author (1-nearest-neighbour,
   leave-one-out), over the posts whose author has at least 2 posts among them.
"""

from __future__ import annotations

import argparse
import unicodedata
from pathlib import Path

import numpy as np
import textsim
from eval_stories import read  # the corpora's JSON Lines, one reader for both evaluations
from textsim.datasets import load_bangla_news

QUERY = "সোনার দাম কমেছে"
GOLD = tuple(unicodedata.normalize("NFC", w) for w in ("সোনা", "স্বর্ণ"))
SHARES = tuple(unicodedata.normalize("NFC", w) for w in ("শেয়ার", "পুঁজিবাজার"))
SETTINGS = {"no stemmer": None, "stemmer='bengali'": "bengali"}


def query_example() -> None:
    articles = load_bangla_news()
    print(f"1. query {QUERY!r} on the bundled news ({len(articles)} articles), top 10:")
    for name, stemmer in SETTINGS.items():
        index = textsim.SimilarityIndex(stop_words="bengali", stemmer=stemmer).fit(
            [a.text for a in articles]
        )
        indices, scores = index.query([QUERY], k=10)
        kinds = []
        for row in indices[0]:
            title = unicodedata.normalize("NFC", articles[row].title)
            kinds.append("gold" if any(w in title for w in GOLD) else
                         "shares" if any(w in title for w in SHARES) else "other")
        gold = [i + 1 for i, k in enumerate(kinds) if k == "gold"]
        shares = [i + 1 for i, k in enumerate(kinds) if k == "shares"]
        print(f"   {name:>18}: gold-price articles at ranks {gold}, share-market at {shares}")
        for rank, row in enumerate(indices[0][:5], start=1):
            print(f"      {rank}. {scores[0][rank - 1]:.3f} {articles[row].title[:60]}")


def pair_recall(corpora: Path) -> None:
    pairs = [p for p in read(corpora / "near_duplicate_pairs.jsonl.gz")
             if p["kind"] != "scraper_boilerplate" and p["corpus"] in ("bangla_news_small", "bangla_blogs")]
    print("\n2. near-duplicate recall (partner is the most similar article / cosine >= 0.9 / >= 0.8):")
    for corpus in ("bangla_news_small", "bangla_blogs"):
        known = [p for p in pairs if p["corpus"] == corpus]
        records = read(corpora / f"{corpus}.jsonl.gz")
        texts = [f"{r['title'] or ''}\n{r['text']}" if corpus != "bangla_blogs" else r["text"]
                 for r in records]
        row_of = {r["id"]: i for i, r in enumerate(records)}
        del records
        a = np.array([row_of[p["id_a"]] for p in known])
        b = np.array([row_of[p["id_b"]] for p in known])
        for name, stemmer in SETTINGS.items():
            X = textsim.TfidfVectorizer(stop_words="bengali", stemmer=stemmer,
                                        dtype=np.float32).fit_transform(texts)
            rows = np.unique(np.r_[a, b])
            nearest, _ = textsim.most_similar(X[rows], X, k=2, progress=False)
            # X[rows] is compared with all of X: its first neighbour is itself; take the next.
            first = {}
            for r, found in zip(rows, nearest):
                others = [j for j in found if j != r]
                first[r] = others[0] if others else -1
            top1 = sum(first[i] == j or first[j] == i for i, j in zip(a, b))
            cos = np.asarray(X[a].multiply(X[b]).sum(axis=1)).ravel()
            print(f"   {corpus:>17} ({len(known)} pairs), {name:>18}: top-1 {top1}/{len(known)}, "
                  f">=0.9 {int((cos >= 0.9).sum())}, >=0.8 {int((cos >= 0.8).sum())}, "
                  f"mean cosine {cos.mean():.3f}")


def author_attribution(corpora: Path, limit: int) -> None:
    records = read(corpora / "bangla_blogs.jsonl.gz", limit)
    texts = [r["text"] for r in records]
    authors = np.array([r["label"] for r in records])
    del records
    names, counts = np.unique(authors, return_counts=True)
    several = np.isin(authors, names[counts >= 2])
    print(f"\n3. author attribution, first {len(texts):,} blog posts ({several.sum():,} by "
          f"authors with 2+ posts, {len(names):,} authors): the nearest other post's author")
    for name, stemmer in SETTINGS.items():
        X = textsim.TfidfVectorizer(stop_words="bengali", stemmer=stemmer, min_df=2,
                                    dtype=np.float32).fit_transform(texts)
        nearest, _ = textsim.most_similar(X, k=1, progress=False)
        hit = authors[nearest[:, 0]] == authors
        print(f"   {name:>18}: {hit[several].mean():.4f} ({int(hit[several].sum()):,} of "
              f"{int(several.sum()):,}); {X.shape[1]:,} terms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path(__file__).parents[2] / "shared" / "corpora")
    parser.add_argument("--blog-posts", type=int, default=10_000)
    args = parser.parse_args()
    query_example()
    pair_recall(args.corpora)
    author_attribution(args.corpora, args.blog_posts)


if __name__ == "__main__":
    main()
