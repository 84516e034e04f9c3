"""Small real corpora that ship with textsim."""

from __future__ import annotations

import gzip
import io
import json
from importlib import resources
from typing import NamedTuple

__all__ = ["Article", "load_bangla_news", "load_sample", "news_sources"]


class Article(NamedTuple):
    id: str
    title: str
    text: str


# Two real Bengali news articles on one story (Russia and North Korea, 2025), from two outlets,
# as scraped: advertising markers, unrelated headlines, a repeated paragraph, Western and
# Bengali digits for the same years. Their titles, where the scrape has none, are descriptive.
_SAMPLE_TITLES = {
    "000_63125d0b3e90fd15": "পুতিনের সঙ্গে ক্রেমলিনে উত্তর কোরিয়ার পররাষ্ট্রমন্ত্রী চো সন হুই",
    "003_a047b99cd8e37fa5": "কিমের ‘কাছের বন্ধু’ পুতিন",
}


def load_sample() -> list[Article]:
    """The two bundled sample articles, in id order, as ``Article(id, title, text)``."""
    folder = resources.files(__package__) / "data"
    return [
        Article(id=doc_id, title=title, text=(folder / f"{doc_id}.txt").read_text(encoding="utf-8"))
        for doc_id, title in sorted(_SAMPLE_TITLES.items())
    ]


def load_bangla_news() -> list[Article]:
    """The demo corpus: the two sample articles (first, as :func:`load_sample` gives them)
    followed by 200 short real Bengali news articles on unrelated stories (December 2025, seven
    Bangladeshi outlets, ids ``bdnps-NNNNN``), among them a few near-duplicate pairs.

    The news articles' outlets and source URLs are in ``data/bangla_news.jsonl.gz`` next to this
    module and in ``data/README.md``; ``news_sources()`` gives them by id.
    """
    return load_sample() + [
        Article(id=record["id"], title=record["title"], text=record["text"])
        for record in _news_records()
    ]


def news_sources() -> dict[str, tuple[str, str]]:
    """``{id: (outlet, url)}`` for the news articles of :func:`load_bangla_news` (attribution)."""
    return {record["id"]: (record["source"], record["url"]) for record in _news_records()}


def _news_records() -> list[dict]:
    path = resources.files(__package__) / "data" / "bangla_news.jsonl.gz"
    with gzip.open(io.BytesIO(path.read_bytes()), "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
