"""What a :class:`textsim.SimilarityIndex` answers: for each query, the indexed articles most like
it, named by the index's ids and titles. The queries are not indexed articles (or, for
``similar_to``, are named by their own ids), so a table of the answer labels the two sides
each from its own list and cannot give a query an indexed article's name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from textsim._display import matches_html, matches_text
from textsim._tables import matches_table


class Matches(tuple):
    """``(indices, scores)`` of the indexed articles most similar to each query, two
    ``(n_queries, k)`` arrays, best first, missing matches as index -1 with score 0 (a tuple:
    ``indices, scores = index.query(texts)`` as always), plus names:

    - ``ids`` and ``titles``: for each query, the ids and titles of its matches (lists, without
      the missing ones), when the index has them; else None.
    - ``queries``: how each query is named in tables: its number in the texts given to
      ``query``, or the id (else row) of the indexed article given to ``similar_to``.

    ``to_pandas()`` is a tidy table of (query, rank, score, match, match_id, match_title);
    in Jupyter the answer shows as a table of titles.
    """

    #: Tells ``textsim.to_pandas`` that this answer names its rows itself.
    _labels_itself = True

    def __new__(
        cls,
        indices: np.ndarray,
        scores: np.ndarray,
        *,
        ids: Sequence[Any] | None,
        titles: Sequence[Any] | None,
        queries: Sequence[Any],
        query_titles: Sequence[Any] | None = None,
    ) -> Matches:
        self = super().__new__(cls, (indices, scores))
        self._index_ids = ids
        self._index_titles = titles
        self.queries = list(queries)
        self.query_titles = None if query_titles is None else list(query_titles)
        return self

    def __getnewargs_ex__(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (self[0], self[1]), {
            "ids": self._index_ids,
            "titles": self._index_titles,
            "queries": self.queries,
            "query_titles": self.query_titles,
        }

    @property
    def indices(self) -> np.ndarray:
        return self[0]

    @property
    def scores(self) -> np.ndarray:
        return self[1]

    def _names(self, names: Sequence[Any] | None) -> list[list[Any]] | None:
        if names is None:
            return None
        return [[names[j] for j in row if j >= 0] for row in self.indices]

    @property
    def ids(self) -> list[list[Any]] | None:
        return self._names(self._index_ids)

    @property
    def titles(self) -> list[list[Any]] | None:
        return self._names(self._index_titles)

    def name_of(self, row: int) -> str:
        """How an indexed article is shown: its title, else its id, else ``article N``."""
        if self._index_titles is not None:
            return str(self._index_titles[row])
        if self._index_ids is not None:
            return str(self._index_ids[row])
        return f"article {row}"

    def to_pandas(self, titles: Any = None, *, ids: Any = None) -> Any:
        """One row per (query, match), best first: ``query`` (see ``queries``), with
        ``query_title`` for ``similar_to``, ``rank`` (1 = most similar), ``score``, ``match``
        (the indexed article's row), and ``match_id`` and ``match_title`` when the index has
        them. Missing matches are left out. The names come from the index: ``titles`` and
        ``ids`` are refused (given for the indexed articles, they would name the queries)."""
        if titles is not None or ids is not None:
            raise TypeError(
                "Matches.to_pandas: the matches are named by the index's own ids and titles, "
                "and the queries by their number; call it without titles= or ids="
            )
        return matches_table(self)

    def __repr__(self) -> str:
        return matches_text(self)

    def _repr_html_(self) -> str:
        return matches_html(self)
