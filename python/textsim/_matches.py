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
    """The indexed articles most similar to each query: what a SimilarityIndex answers.

    A tuple ``(indices, scores)`` (``indices, scores = index.query(texts)`` as always) of two
    ``(n_queries, k)`` arrays, best first, missing matches as index -1 with score 0, that
    names its matches by the index's ids and titles. ``to_pandas()`` is a tidy table; in
    Jupyter the answer shows as a table of titles. Made by :class:`SimilarityIndex`, not by
    hand.

    Parameters
    ----------
    indices : numpy.ndarray of shape (n_queries, k)
        The matches' rows in the index, best first.
    scores : numpy.ndarray of shape (n_queries, k)
        Their cosines.
    ids : sequence or None
        The index's ids, one per indexed article.
    titles : sequence of str or None
        The index's titles.
    queries : sequence
        How each query is named in tables.
    query_titles : sequence of str or None, default=None
        The queries' titles (for :meth:`SimilarityIndex.similar_to`).

    Attributes
    ----------
    queries : list
        How each query is named: its number in the texts given to ``query``, or the id
        (else row) of the indexed article given to ``similar_to``.
    query_titles : list of str or None
        The titles of the indexed articles given to ``similar_to``, else None.

    See Also
    --------
    SimilarityIndex.query : Matches of new texts.
    SimilarityIndex.similar_to : Matches of indexed articles.

    Examples
    --------
    >>> import textsim
    >>> docs = [
    ...     "ঢাকায় আজ ভারী বৃষ্টি হয়েছে",      # heavy rain in Dhaka today
    ...     "ঢাকায় ভারী বৃষ্টি, জলাবদ্ধতা",     # heavy rain in Dhaka, waterlogging
    ...     "শেয়ারবাজারে আজ দরপতন",           # share prices fall today
    ...     "ঢাকায় আজ ভারী বৃষ্টি হয়েছে",      # the first one again
    ... ]
    >>> titles = ["বৃষ্টি ১", "বৃষ্টি ২", "দরপতন", "বৃষ্টি ৩"]
    >>> index = textsim.SimilarityIndex().fit(docs, ids=["a", "b", "c", "d"], titles=titles)
    >>> index.query(["ঢাকায় বৃষ্টি"], k=2)
    Matches: 1 queries x 2 (indices, scores), best first
      0: বৃষ্টি ২ (0.606); বৃষ্টি ১ (0.602)
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
        """The matches' rows in the index, an ``(n_queries, k)`` array (-1: no match).

        See Also
        --------
        scores : Their cosines.

        Examples
        --------
        >>> import textsim
        >>> index = textsim.SimilarityIndex().fit(["সোনার তরী", "সোনার বাংলা"])
        >>> index.query(["বাংলা"], k=2).indices
        array([[ 1, -1]])
        """
        return self[0]

    @property
    def scores(self) -> np.ndarray:
        """The matches' cosines, an ``(n_queries, k)`` array (0: no match).

        See Also
        --------
        indices : Their rows in the index.

        Examples
        --------
        >>> import textsim
        >>> index = textsim.SimilarityIndex().fit(["সোনার তরী", "সোনার বাংলা"])
        >>> index.query(["বাংলা"], k=2).scores.round(3)
        array([[0.815, 0.   ]])
        """
        return self[1]

    def _names(self, names: Sequence[Any] | None) -> list[list[Any]] | None:
        if names is None:
            return None
        return [[names[j] for j in row if j >= 0] for row in self.indices]

    @property
    def ids(self) -> list[list[Any]] | None:
        """For each query, the ids of its matches (without missing ones); None without ids.

        See Also
        --------
        titles : Their titles.

        Examples
        --------
        >>> import textsim
        >>> index = textsim.SimilarityIndex().fit(["সোনার তরী", "সোনার বাংলা"], ids=["t", "b"])
        >>> index.query(["বাংলা"], k=2).ids
        [['b']]
        """
        return self._names(self._index_ids)

    @property
    def titles(self) -> list[list[Any]] | None:
        """For each query, the titles of its matches; None when the index has no titles.

        See Also
        --------
        ids : Their ids.

        Examples
        --------
        >>> import textsim
        >>> index = textsim.SimilarityIndex().fit(["সোনার তরী"], titles=["তরী"])
        >>> index.query(["তরী"], k=1).titles
        [['তরী']]
        """
        return self._names(self._index_titles)

    def name_of(self, row: int) -> str:
        """Return how an indexed article is shown: its title, else its id, else ``article N``.

        Parameters
        ----------
        row : int
            The article's row in the index.

        Returns
        -------
        str
            Its name.

        See Also
        --------
        to_pandas : The table of the answer.

        Examples
        --------
        >>> import textsim
        >>> index = textsim.SimilarityIndex().fit(["সোনার তরী", "সোনার বাংলা"])
        >>> index.query(["বাংলা"], k=1).name_of(1)
        'article 1'
        """
        if self._index_titles is not None:
            return str(self._index_titles[row])
        if self._index_ids is not None:
            return str(self._index_ids[row])
        return f"article {row}"

    def to_pandas(self, titles: Any = None, *, ids: Any = None) -> Any:
        """Return the answer as a tidy table, one row per (query, match), best first.

        Missing matches are left out. The names come from the index: ``titles`` and ``ids``
        are refused (given for the indexed articles, they would name the queries).

        Parameters
        ----------
        titles : None
            Refused; present so that a call written for :meth:`Neighbours.to_pandas` fails
            plainly instead of mislabelling the queries.
        ids : None
            Refused, as ``titles``.

        Returns
        -------
        pandas.DataFrame
            Columns ``query`` (see ``queries``), ``query_title`` for ``similar_to``,
            ``rank`` (1 = most similar), ``score``, ``match`` (the indexed article's row),
            and ``match_id`` and ``match_title`` when the index has them.

        Raises
        ------
        TypeError
            If ``titles`` or ``ids`` is given.
        ImportError
            If pandas is not installed.

        See Also
        --------
        textsim.to_pandas : The table of :func:`most_similar`'s answer.

        Examples
        --------
        >>> import textsim
        >>> docs = [
        ...     "ঢাকায় আজ ভারী বৃষ্টি হয়েছে",      # heavy rain in Dhaka today
        ...     "ঢাকায় ভারী বৃষ্টি, জলাবদ্ধতা",     # heavy rain in Dhaka, waterlogging
        ...     "শেয়ারবাজারে আজ দরপতন",           # share prices fall today
        ...     "ঢাকায় আজ ভারী বৃষ্টি হয়েছে",      # the first one again
        ... ]
        >>> titles = ["বৃষ্টি ১", "বৃষ্টি ২", "দরপতন", "বৃষ্টি ৩"]
        >>> index = textsim.SimilarityIndex().fit(docs, ids=["a", "b", "c", "d"], titles=titles)
        >>> index.similar_to("a", k=2).to_pandas().round(3)
          query query_title  rank  score  match match_id match_title
        0     a    বৃষ্টি ১     1  1.000      3        d    বৃষ্টি ৩
        1     a    বৃষ্টি ১     2  0.546      1        b    বৃষ্টি ২
        """
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
