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
    """Return the answer of :func:`most_similar` as a tidy pandas DataFrame.

    One row per (article, neighbour) pair, best neighbours first; missing neighbours (-1) are
    left out. ``titles`` and ``ids`` name rows and neighbours alike, so they are for a
    collection compared with itself (``most_similar(X)``); for ``most_similar(X, Y)`` leave
    them out and join the row numbers to your own tables.

    Parameters
    ----------
    indices : numpy.ndarray of shape (n_rows, k) or Neighbours
        The neighbours, or the whole result: ``to_pandas(textsim.most_similar(X))``.
    scores : numpy.ndarray of shape (n_rows, k) or None, default=None
        Their scores; None when ``indices`` is the whole result.
    titles : sequence of str or None, default=None
        A title per row: adds ``article_title`` and ``neighbour_title``.
    ids : sequence or None, default=None
        An id per row, in place of the row numbers.

    Returns
    -------
    pandas.DataFrame
        Columns ``article``, ``neighbour`` (row numbers, or ``ids``), ``rank``
        (1 = most similar), ``score``, and with ``titles`` ``article_title`` and
        ``neighbour_title``.

    Raises
    ------
    TypeError
        If given a :class:`SimilarityIndex` answer (use its own ``to_pandas()``), or no
        scores.
    ValueError
        If the arrays' shapes differ, or there are fewer ids or titles than rows.
    ImportError
        If pandas is not installed.

    See Also
    --------
    Neighbours.to_pandas : The same, as a method.
    Matches.to_pandas : The table of a SimilarityIndex answer.

    Examples
    --------
    >>> import textsim
    >>> X = textsim.TfidfVectorizer().fit_transform(["সোনার তরী", "সোনার বাংলা", "তরী"])
    >>> textsim.to_pandas(textsim.most_similar(X, k=1), ids=["a", "b", "c"]).round(3)
      article neighbour  rank  score
    0       a         c     1  0.707
    1       b         a     1  0.428
    2       c         a     1  0.707
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
