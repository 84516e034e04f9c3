"""Builds textsim's bundled demo corpus (``python/textsim/datasets/data/bangla_news.jsonl.gz``)
from the project's shared copy of ``bangla_news_small.jsonl.gz``.

The demo has to show the two bundled sample articles (Russia and North Korea) finding each other
among unrelated news, and ``textsim duplicates`` finding real near-duplicates, so the selection is:
every Bengali article of a known near-duplicate pair, then short Bengali articles taken in turn
from each outlet, leaving out any that mention the samples' story, scraper boilerplate and
section pages. Deterministic: run it again and the file is the same.

    python scripts/make_demo_corpus.py [../shared/corpora]
"""

from __future__ import annotations

import gzip
import io
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

LIMIT = 200
SHORTEST, LONGEST = 300, 3000
# The samples' story: an article about it would be a true neighbour, not an unrelated one.
SAME_STORY = re.compile("পুতিন|রাশিয়া|রাশিয়া|কোরিয়া|কোরিয়া|কিম জং|মস্কো|ক্রেমলিন|ইউক্রেন")
KEPT_FIELDS = ("id", "title", "text", "source", "url", "date")


def read_jsonl(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def select(records: list[dict], pairs: list[dict]) -> list[dict]:
    by_id = {r["id"]: r for r in records}
    duplicates = sorted(
        {i for p in pairs if p["corpus"] == "bangla_news_small" and p["kind"] == "near_duplicate"
         for i in (p["id_a"], p["id_b"])}
    )
    chosen = [by_id[i] for i in duplicates if by_id[i]["lang"] == "bn"]
    taken = {r["id"] for r in chosen}
    per_source: dict[str, list[dict]] = defaultdict(list)
    for r in sorted(records, key=lambda r: r["id"]):
        if (
            r["id"] not in taken
            and r["lang"] == "bn"
            and SHORTEST <= len(r["text"]) <= LONGEST
            and r["title"]
            and not SAME_STORY.search(r["title"] + r["text"])
        ):
            per_source[r["source"]].append(r)
    queues = [per_source[s] for s in sorted(per_source)]
    while len(chosen) < LIMIT and any(queues):
        for queue in queues:
            if queue and len(chosen) < LIMIT:
                chosen.append(queue.pop(0))
    return sorted(chosen, key=lambda r: r["id"])


def main() -> None:
    corpora = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[2] / "shared" / "corpora")
    records = read_jsonl(corpora / "bangla_news_small.jsonl.gz")
    pairs = read_jsonl(corpora / "near_duplicate_pairs.jsonl.gz")
    chosen = select(records, pairs)
    out = Path(__file__).parents[1] / "python" / "textsim" / "datasets" / "data" / "bangla_news.jsonl.gz"
    lines = "".join(json.dumps({k: r[k] for k in KEPT_FIELDS}, ensure_ascii=False) + "\n" for r in chosen)
    buffer = io.BytesIO()
    # mtime=0: the same selection gives the same bytes.
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as gz:
        gz.write(lines.encode("utf-8"))
    out.write_bytes(buffer.getvalue())
    print(f"{out}: {len(chosen)} articles, {len(buffer.getvalue()):,} bytes")


if __name__ == "__main__":
    main()
