"""The answer to "which articles belong together": :class:`Groups`, the result type of story
groups (``group_articles``) and near-duplicate groups (``near_duplicates(as_groups=True)``), with
each group's rows, ids, titles, size and most central article.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from textsim import _params
from textsim._display import groups_html, groups_text
from textsim._tables import groups_table


class Groups:
    """Groups of articles, largest first: what :func:`group_articles` returns.

    Also what ``near_duplicates(..., as_groups=True)`` returns. ``len(groups)`` is the number
    of groups, ``groups[g]`` the rows of group ``g``, and iterating gives the rows of each
    group. ``to_pandas()`` is one row per article; in Jupyter the groups of two or more show
    as a table of their titles. Made by textsim, not by hand.

    Parameters
    ----------
    labels : numpy.ndarray of int64 of shape (n_rows,)
        Each row's group, numbered largest group first.
    representatives : numpy.ndarray of int64 of shape (n_groups,)
        Each group's most central row.
    linkage : str
        How the groups were made (``"average"``, ``"complete"``, ``"single"``).
    min_score : float
        The threshold they were cut at.
    ids : sequence or None, default=None
        An id per row.
    titles : sequence of str or None, default=None
        A title per row.

    Attributes
    ----------
    rows : list of list of int
        One list of row numbers per group, each in row order; groups by size, largest first
        (ties: the group whose first row comes first); articles alone are groups of one, at
        the end.
    labels : numpy.ndarray
        Each row's group (its index in ``rows``).
    sizes : numpy.ndarray
        Each group's number of articles.
    representatives : numpy.ndarray
        Each group's most central article: the row with the highest mean cosine with its
        group, itself included (ties to the lower row).
    ids, titles : list of list or None
        The lists of ``rows`` with the ids and titles given, else None.
    linkage, min_score : str, float
        How the groups were made.

    See Also
    --------
    group_articles : Story groups.
    near_duplicates : Groups of copies.

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
    >>> X = textsim.TfidfVectorizer().fit_transform(docs)
    >>> groups = textsim.group_articles(X, min_score=0.3, titles=titles)
    >>> groups
    Groups: 4 articles: 1 group of 2 or more (3 articles, largest 3), 1 alone (linkage='average', min_score=0.3)
      0 (3): বৃষ্টি ১ + 2 more
    >>> len(groups), groups[0], groups.titles[0]
    (2, [0, 1, 3], ['বৃষ্টি ১', 'বৃষ্টি ২', 'বৃষ্টি ৩'])
    """

    def __init__(
        self,
        labels: np.ndarray,
        representatives: np.ndarray,
        *,
        linkage: str,
        min_score: float,
        ids: Sequence[Any] | None = None,
        titles: Sequence[Any] | None = None,
    ) -> None:
        self.labels = labels
        self.sizes = np.bincount(labels, minlength=len(representatives)).astype(np.int64)
        order = np.argsort(labels, kind="stable")
        cuts = np.cumsum(self.sizes)[:-1]
        self.rows: list[list[int]] = [part.tolist() for part in np.split(order, cuts)]
        self.representatives = representatives
        self.linkage = linkage
        self.min_score = min_score
        self._row_ids = ids
        self._row_titles = titles
        self.ids = None if ids is None else [[ids[r] for r in g] for g in self.rows]
        self.titles = None if titles is None else [[titles[r] for r in g] for g in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, group: int) -> list[int]:
        return self.rows[group]

    def __iter__(self) -> Iterator[list[int]]:
        return iter(self.rows)

    def name_of(self, row: int) -> str:
        """Return how a row is shown: its title, else its id, else ``row N``.

        Parameters
        ----------
        row : int
            A row number of the matrix that was grouped.

        Returns
        -------
        str
            The row's name.

        See Also
        --------
        to_pandas : Every row with its group.

        Examples
        --------
        >>> import textsim
        >>> X = textsim.TfidfVectorizer().fit_transform(["সোনার তরী", "সোনার বাংলা"])
        >>> groups = textsim.group_articles(X, ids=["tori", "bangla"])
        >>> groups.name_of(1)
        'bangla'
        """
        if self._row_titles is not None:
            return str(self._row_titles[row])
        if self._row_ids is not None:
            return str(self._row_ids[row])
        return f"row {row}"

    def to_pandas(self, *, min_size: int = 1) -> Any:
        """Return one table row per article of the groups of at least ``min_size`` articles.

        Parameters
        ----------
        min_size : int, default=1
            Leave out the groups smaller than this (2: only articles that have company).

        Returns
        -------
        pandas.DataFrame
            Columns ``group``, ``size``, ``row``, ``representative`` (whether it is its
            group's), and ``id`` and ``title`` when given; by group, then row.

        Raises
        ------
        ImportError
            If pandas is not installed.

        See Also
        --------
        name_of : One row's name.

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
        >>> X = textsim.TfidfVectorizer().fit_transform(docs)
        >>> textsim.group_articles(X, titles=titles).to_pandas(min_size=2)
           group  size  row  representative     title
        0      0     3    0            True  বৃষ্টি ১
        1      0     3    1           False  বৃষ্টি ২
        2      0     3    3           False  বৃষ্টি ৩
        """
        return groups_table(self, min_size=_params.k(min_size))

    def __repr__(self) -> str:
        return groups_text(self)

    def _repr_html_(self) -> str:
        return groups_html(self)


def _group_order(labels: np.ndarray) -> np.ndarray:
    """The labels renumbered by size, largest first, ties to the group whose first row comes
    first (labels number groups in the order of their first rows)."""
    sizes = np.bincount(labels)
    by_size = np.lexsort((np.arange(len(sizes)), -sizes))
    new_label = np.empty_like(by_size)
    new_label[by_size] = np.arange(len(sizes))
    return new_label[labels]


def _representatives(X: Any, labels: np.ndarray, n_groups: int) -> np.ndarray:
    """Each group's row with the highest mean cosine with its group (ties: the lower row).

    The mean cosine of row r with its group is r's unit vector times the sum of the group's
    unit vectors, so one sparse product per row gives it; only the rows of groups of two or
    more are computed (an article alone represents itself)."""
    n = len(labels)
    representatives = np.full(n_groups, -1, dtype=np.int64)
    sizes = np.bincount(labels, minlength=n_groups)
    alone = sizes[labels] == 1
    representatives[labels[alone]] = np.flatnonzero(alone)
    together = np.flatnonzero(~alone)
    if len(together) == 0:
        return representatives
    X = sp.csr_matrix(X, dtype=np.float64)[together]
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    unit = sp.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ X
    group = labels[together]
    members = sp.csr_matrix(
        (np.ones(len(together)), (group, np.arange(len(together)))),
        shape=(n_groups, len(together)),
    )
    centroids = (members @ unit).tocsr()
    closeness = np.asarray(unit.multiply(centroids[group]).sum(axis=1)).ravel()
    # By group, then highest closeness, then lower row: each group's first is its centre.
    order = np.lexsort((together, -closeness, group))
    first = np.r_[True, group[order][1:] != group[order][:-1]]
    representatives[group[order][first]] = together[order][first]
    return representatives


def rows_of(X: Any) -> int:
    """The number of rows of a matrix (or of what becomes one)."""
    shape = getattr(X, "shape", None)
    if shape is None or len(shape) != 2:
        X = np.asarray(X)
        shape = X.shape
    return int(shape[0])


def groups_from_labels(
    X: Any, labels: np.ndarray, *, linkage: str, min_score: float, ids: Any, titles: Any
) -> Groups:
    """The :class:`Groups` of ``labels`` (any numbering) of the rows of ``X``."""
    ordered = _group_order(np.asarray(labels, dtype=np.int64))
    n_groups = int(ordered.max(initial=-1)) + 1
    representatives = _representatives(X, ordered, n_groups)
    return Groups(
        ordered, representatives, linkage=linkage, min_score=min_score, ids=ids, titles=titles
    )


