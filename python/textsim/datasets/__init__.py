"""Small real corpora that ship with textsim."""

from __future__ import annotations

from importlib import resources
from typing import NamedTuple

__all__ = ["Article", "load_sample"]


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
