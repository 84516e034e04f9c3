"""What the ``textsim`` command prints: a table for people, CSV and JSON Lines for programs.

Tables show a label per article (its title, or its first words when it has none), cut to a
width a terminal line can hold; CSV and JSON Lines carry the whole title and the id.

Everything printed is valid UTF-8: an id or title that holds text UTF-8 cannot (a file name's
bytes that are not UTF-8, which Python keeps as lone surrogates) is printed with those bytes
escaped as ``\\xNN`` (``caf\\xe9.txt`` for the latin-1 file name ``café.txt``), and any other
lone surrogate as ``\\udNNN``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from typing import IO, Any

import numpy as np

from textsim.datasets import Article

LABEL_WIDTH = 60
FIRST_WORDS = 12


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with its lone surrogates escaped (see the module's documentation)."""
    return _SURROGATE.sub(_escaped, text) if _SURROGATE.search(text) else text


class utf8:  # noqa: N801 - used like a function
    """A text stream that writes ``printable`` text only (valid UTF-8 whatever it is given)."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out

    def write(self, text: str) -> int:
        return self._out.write(printable(text))

    def flush(self) -> None:
        self._out.flush()


def label(article: Article) -> str:
    """The article's title, or its first words."""
    text = article.title.strip() or " ".join(article.text.split()[:FIRST_WORDS])
    text = " ".join(text.split())
    if len(text) <= LABEL_WIDTH:
        return text
    # Cut between words: a cut inside a Bengali word can leave half a conjunct.
    cut = text.rfind(" ", 0, LABEL_WIDTH)
    return text[: cut if cut > 0 else LABEL_WIDTH].rstrip() + " …"


def full_title(article: Article) -> str:
    """The title, or the first words, uncut (for CSV, JSON and saved indexes)."""
    return article.title.strip() or " ".join(article.text.split()[:FIRST_WORDS])


def _csv(out: IO[str], header: list[str]) -> Any:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    return writer


def _json_line(out: IO[str], record: dict[str, Any]) -> None:
    # escaped before encoding: the stream's escape would not be valid JSON
    out.write(json.dumps(_printable_values(record), ensure_ascii=False) + "\n")


def _printable_values(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: _printable_values(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_printable_values(item) for item in value]
    return value


def _named(article: Article, **more: Any) -> dict[str, Any]:
    return {"id": article.id, "title": full_title(article), **more}


def similar(
    out: IO[str], fmt: str, articles: Sequence[Article], indices: np.ndarray, scores: np.ndarray
) -> None:
    """Each article and its neighbours."""
    if fmt == "csv":
        writer = _csv(out, ["article_id", "article_title", "rank", "neighbour_id",
                            "neighbour_title", "score"])
        for i, article in enumerate(articles):
            for rank, (j, s) in enumerate(_found(indices[i], scores[i]), start=1):
                other = articles[j]
                writer.writerow([article.id, full_title(article), rank, other.id,
                                 full_title(other), f"{s:.6f}"])
    elif fmt == "jsonl":
        for i, article in enumerate(articles):
            found = [_named(articles[j], score=round(s, 6)) for j, s in _found(indices[i], scores[i])]
            _json_line(out, _named(article, similar=found))
    else:
        # Articles without a similar one are counted once at the end, not listed one by one
        # (with a high --min-score they are most of them).
        width = max((len(a.id) for a in articles), default=0)
        alone = 0
        for i, article in enumerate(articles):
            found = _found(indices[i], scores[i])
            if not found:
                alone += 1
                continue
            out.write(f"{article.id:<{width}}  {label(article)}\n")
            for j, s in found:
                out.write(f"    {s:5.3f}  {articles[j].id:<{width}}  {label(articles[j])}\n")
        if alone:
            out.write(f"({alone:,} of {len(articles):,} articles have no similar article)\n")


def query(
    out: IO[str], fmt: str, articles: Sequence[Article], indices: np.ndarray, scores: np.ndarray
) -> None:
    """The articles that answer one query, best first."""
    found = _found(indices, scores)
    if fmt == "csv":
        writer = _csv(out, ["rank", "id", "title", "score"])
        for rank, (j, s) in enumerate(found, start=1):
            writer.writerow([rank, articles[j].id, full_title(articles[j]), f"{s:.6f}"])
    elif fmt == "jsonl":
        for rank, (j, s) in enumerate(found, start=1):
            _json_line(out, {"rank": rank, **_named(articles[j], score=round(s, 6))})
    else:
        width = max((len(articles[j].id) for j, _ in found), default=0)
        for j, s in found:
            out.write(f"{s:5.3f}  {articles[j].id:<{width}}  {label(articles[j])}\n")
        if not found:
            out.write("(no article shares a term with the text)\n")


def duplicates(
    out: IO[str],
    fmt: str,
    articles: Sequence[Article],
    groups: list[list[int]],
    min_score: float,
    scores: list[list[float]] | None = None,
) -> None:
    """Groups of near-duplicates, each as its articles in order; ``scores``: each article's
    cosine with its group's first article (CSV and JSON Lines carry them)."""
    if scores is None:
        scores = [[1.0] * len(members) for members in groups]
    if fmt == "csv":
        writer = _csv(out, ["group", "id", "title", "score"])
        for number, (members, cosines) in enumerate(zip(groups, scores), start=1):
            for i, s in zip(members, cosines):
                writer.writerow([number, articles[i].id, full_title(articles[i]), f"{s:.6f}"])
    elif fmt == "jsonl":
        for number, (members, cosines) in enumerate(zip(groups, scores), start=1):
            _json_line(out, {"group": number, "articles": [
                _named(articles[i], score=round(s, 6)) for i, s in zip(members, cosines)]})
    elif not groups:
        out.write(f"No near-duplicates among {len(articles):,} articles at cosine >= {min_score}.\n")
    else:
        width = max(len(articles[i].id) for members in groups for i in members)
        for number, members in enumerate(groups, start=1):
            out.write(f"group {number} ({len(members)} articles)\n")
            for i in members:
                out.write(f"    {articles[i].id:<{width}}  {label(articles[i])}\n")


def stories(out: IO[str], fmt: str, articles: Sequence[Article], groups: Any) -> None:
    """Story groups of two or more articles, largest first, each with its representative
    article first, then the others in order."""
    numbered = []
    for g, rows in enumerate(groups.rows):
        if len(rows) < 2:
            break  # groups come largest first: the rest are articles alone
        representative = int(groups.representatives[g])
        numbered.append((g + 1, representative, [representative] + [r for r in rows if r != representative]))
    if fmt == "csv":
        writer = _csv(out, ["story", "size", "representative", "id", "title"])
        for number, representative, members in numbered:
            for i in members:
                writer.writerow([number, len(members), int(i == representative), articles[i].id,
                                 full_title(articles[i])])
    elif fmt == "jsonl":
        for number, representative, members in numbered:
            _json_line(out, {"story": number, "size": len(members),
                             "representative": articles[representative].id,
                             "articles": [_named(articles[i]) for i in members]})
    elif not numbered:
        out.write(f"No story groups among {len(articles):,} articles at mean cosine >= "
                  f"{groups.min_score} ({groups.linkage} linkage).\n")
    else:
        alone = len(groups) - len(numbered)
        out.write(f"{len(numbered):,} stories of 2 or more articles ({groups.linkage} linkage, "
                  f"min score {groups.min_score}); {alone:,} articles alone\n")
        width = max(len(articles[i].id) for _, _, members in numbered for i in members)
        for number, _, members in numbered:
            out.write(f"story {number} ({len(members)} articles)\n")
            for i in members:
                out.write(f"    {articles[i].id:<{width}}  {label(articles[i])}\n")


def _found(indices: Any, scores: Any) -> list[tuple[int, float]]:
    return [(int(j), float(s)) for j, s in zip(indices, scores) if j >= 0]
