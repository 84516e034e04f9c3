"""Similarity results as a tidy pandas table (pandas is an optional extra)."""

from __future__ import annotations

from typing import Any

import numpy as np


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError(
            "textsim.to_pandas needs pandas: pip install pandas (or pip install 'textsim[pandas]')"
        ) from None
    return pandas


def to_pandas(indices: Any, scores: Any = None, *, titles: Any = None, ids: Any = None) -> Any:
    """``most_similar``'s answer as a tidy ``pandas.DataFrame``, one row per (article,
    neighbour) pair, best neighbours first: columns ``article``, ``neighbour`` (row numbers,
    or ``ids`` when given), ``rank`` (1 = most similar), ``score``, and with ``titles`` also
    ``article_title`` and ``neighbour_title``. Missing neighbours (-1) are left out.

    ``indices`` may be the whole result: ``to_pandas(textsim.most_similar(X), titles=t)``.
    ``titles`` and ``ids`` name rows and neighbours alike, so they are for a collection
    compared with itself (``most_similar(X)``); for ``most_similar(X, Y)`` leave them out and
    join the row numbers to your own tables.
    """
    pandas = _pandas()
    if getattr(indices, "_labels_itself", False):
        raise TypeError(
            "to_pandas: a SimilarityIndex answer names its queries and matches itself (the "
            "queries are not the indexed articles): use its own .to_pandas()"
        )
    if scores is None:
        if not (isinstance(indices, tuple) and len(indices) == 2):
            raise TypeError("to_pandas: give (indices, scores), or most_similar's result")
        indices, scores = indices
    indices = np.asarray(indices)
    scores = np.asarray(scores)
    if indices.ndim != 2 or indices.shape != scores.shape:
        raise ValueError(
            f"to_pandas: indices and scores must be two arrays of one (n, k) shape, got "
            f"{indices.shape} and {scores.shape}"
        )
    rows, ranks = np.nonzero(indices >= 0)
    neighbours = indices[rows, ranks]
    names = {}
    for column, labels in (("ids", ids), ("titles", titles)):
        if labels is not None:
            labels = np.asarray(list(labels), dtype=object)
            if len(labels) <= max(indices.max(initial=-1), indices.shape[0] - 1):
                raise ValueError(
                    f"to_pandas: {len(labels)} {column} for row numbers up to "
                    f"{max(indices.max(initial=-1), indices.shape[0] - 1)}"
                )
            names[column] = labels
    table = {
        "article": names["ids"][rows] if "ids" in names else rows,
        "neighbour": names["ids"][neighbours] if "ids" in names else neighbours,
        "rank": ranks + 1,
        "score": scores[rows, ranks],
    }
    if "titles" in names:
        table["article_title"] = names["titles"][rows]
        table["neighbour_title"] = names["titles"][neighbours]
    return pandas.DataFrame(table)


def groups_table(groups: Any, *, min_size: int = 1) -> Any:
    """:meth:`textsim.Groups.to_pandas`: one row per article of the groups of at least
    ``min_size`` articles."""
    pandas = _pandas()
    labels = groups.labels
    rows = np.flatnonzero(groups.sizes[labels] >= min_size)
    rows = rows[np.lexsort((rows, labels[rows]))]
    table: dict[str, Any] = {
        "group": labels[rows],
        "size": groups.sizes[labels[rows]],
        "row": rows,
        "representative": groups.representatives[labels[rows]] == rows,
    }
    for column, names in (("id", groups._row_ids), ("title", groups._row_titles)):
        if names is not None:
            table[column] = np.asarray(names, dtype=object)[rows]
    return pandas.DataFrame(table)


def sweep_table(sweep: Any) -> Any:
    """:meth:`textsim.GroupSweep.to_pandas`: one row per threshold."""
    pandas = _pandas()
    return pandas.DataFrame([row._asdict() for row in sweep])


def matches_table(matches: Any) -> Any:
    """:meth:`textsim.Matches.to_pandas`: one row per (query, match)."""
    pandas = _pandas()
    indices, scores = np.asarray(matches.indices), np.asarray(matches.scores)
    rows, ranks = np.nonzero(indices >= 0)
    found = indices[rows, ranks]
    table: dict[str, Any] = {"query": np.asarray(matches.queries, dtype=object)[rows]}
    if matches.query_titles is not None:
        table["query_title"] = np.asarray(matches.query_titles, dtype=object)[rows]
    table.update(rank=ranks + 1, score=scores[rows, ranks], match=found)
    for column, names in (("match_id", matches._index_ids), ("match_title", matches._index_titles)):
        if names is not None:
            table[column] = np.asarray(names, dtype=object)[found]
    return pandas.DataFrame(table)
