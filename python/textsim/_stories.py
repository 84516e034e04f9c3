"""Story groups: average or complete linkage over the pairs above a threshold, and a sweep of
thresholds to choose one.

Single linkage joins any chain of pairs, which is right for copies (a copy of a copy is a copy)
and wrong for stories: one common topic can chain a hundred articles together. Average linkage
merges two groups only when the mean cosine of all pairs between them reaches ``min_score``
(pairs below it count as 0); complete linkage only when every pair does. The pairs come from
the exact pruned search (``similar_pairs``); the merging runs in Rust (``src/matrix/linkage.rs``)
and is a pure function of the pairs, so the groups do not depend on threads.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp

from textsim import _params
from textsim._display import sweep_html, sweep_text
from textsim._exceptions import ParameterError
from textsim._groups import Groups, groups_from_labels, rows_of
from textsim._similarity import components, linkage_groups, near_duplicates, similar_pairs
from textsim._tables import sweep_table

LINKAGES = ("average", "complete", "single")

#: The thresholds ``group_sweep`` tries by default.
SWEEP_SCORES = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def _linkage(value: Any) -> str:
    _params.choice("linkage", value, LINKAGES)
    return str(value)


def _labels_from_pairs(pairs: sp.csr_matrix, linkage: str, min_score: float) -> np.ndarray:
    if linkage == "single":
        return components(pairs)
    return linkage_groups(pairs, linkage, min_score)


def group_articles(
    X: Any,
    *,
    min_score: float = 0.3,
    linkage: str = "average",
    ids: Any = None,
    titles: Any = None,
    n_jobs: int | None = None,
    progress: bool | None = None,
    algorithm: str = "auto",
) -> Groups:
    """Group articles on one story: agglomerative clustering by cosine, cut at a threshold.

    Merges are made best first, as scipy's ``linkage`` makes them: the groups are those of
    ``scipy.cluster.hierarchy.fcluster(linkage(1 - S, method), 1 - min_score, "distance")``
    where ``S`` holds the cosines at or above ``min_score`` (others 0), without the n x n
    matrix: only the pairs at or above ``min_score`` are computed (the exact pruned search)
    and held, so time and memory grow with the number of such pairs, not with n². Ties go to
    the groups with the lower rows, so the answer depends only on the matrix, not on threads.

    Parameters
    ----------
    X : sparse matrix or array-like of shape (n_rows, n_features)
        The articles' TF-IDF vectors (any format :func:`similar_pairs` takes).
    min_score : float, default=0.3
        Where the merging stops. On TF-IDF of news (stop words removed), 0.3 with average
        linkage keeps the articles of one story together without merging neighbouring
        stories; raise it for stricter groups. :func:`group_sweep` shows the groups for a
        range of thresholds.
    linkage : {"average", "complete", "single"}, default="average"
        ``"average"``: two groups merge when the mean cosine of all pairs between them is at
        least ``min_score``, a pair below ``min_score`` counting as 0, so a chain of articles
        each like the next does not become one group unless the whole is alike.
        ``"complete"``: when every pair between them is (tighter groups). ``"single"``: when
        any pair is (the groups of :func:`near_duplicates`, which chain).
    ids : sequence or None, default=None
        An id per row, kept in the groups.
    titles : sequence of str or None, default=None
        A title per row, kept in the groups and shown in their table.
    n_jobs : int or None, default=None
        The number of threads (None or -1: every core). Results never depend on it.
    progress : bool or None, default=None
        A progress bar (tqdm) while the pairs are found, as in :func:`similar_pairs`.
    algorithm : {"auto", "pruned", "full"}, default="auto"
        The kernel that finds the pairs, as in :func:`similar_pairs` (the same groups
        either way).

    Returns
    -------
    Groups
        The groups, largest first, with each one's rows, size and most central article.

    Raises
    ------
    textsim.ParameterError
        If ``min_score`` or ``linkage`` is invalid, or ``ids`` or ``titles`` has another
        length than the rows.

    See Also
    --------
    group_sweep : How the groups change with ``min_score``.
    near_duplicates : Copies, which chain.

    Examples
    --------
    >>> import textsim
    >>> docs = [
    ...     "ঢাকায় আজ ভারী বৃষ্টি হয়েছে",      # heavy rain in Dhaka today
    ...     "ঢাকায় ভারী বৃষ্টি, জলাবদ্ধতা",     # heavy rain in Dhaka, waterlogging
    ...     "শেয়ারবাজারে আজ দরপতন",           # share prices fall today
    ...     "ঢাকায় আজ ভারী বৃষ্টি হয়েছে",      # the first one again
    ... ]
    >>> X = textsim.TfidfVectorizer().fit_transform(docs)
    >>> groups = textsim.group_articles(X, min_score=0.3)
    >>> groups.rows
    [[0, 1, 3], [2]]
    >>> groups.sizes.tolist(), groups.representatives.tolist()
    ([3, 1], [0, 2])
    """
    method = _linkage(linkage)
    threshold = _params.pair_threshold(min_score)
    n = rows_of(X)
    ids = _params.row_names("ids", ids, n)
    titles = _params.row_names("titles", titles, n)
    if method == "single":
        labels = near_duplicates(
            X, min_score=threshold, n_jobs=n_jobs, progress=progress, algorithm=algorithm
        )
    else:
        pairs = similar_pairs(
            X, min_score=threshold, n_jobs=n_jobs, progress=progress, algorithm=algorithm
        )
        labels = _labels_from_pairs(pairs, method, threshold)
    return groups_from_labels(
        X, labels, linkage=method, min_score=threshold, ids=ids, titles=titles
    )


class SweepRow(NamedTuple):
    """The groups at one threshold: a row of :func:`group_sweep`'s table.

    Parameters
    ----------
    min_score : float
        The threshold.
    groups : int
        How many groups of two or more articles there are.
    grouped : int
        How many articles those groups hold.
    largest : int
        The size of the largest group.
    alone : int
        How many articles are in no group of two or more.

    See Also
    --------
    group_sweep : Makes them.

    Examples
    --------
    >>> import textsim
    >>> docs = [
    ...     "ঢাকায় আজ ভারী বৃষ্টি হয়েছে",      # heavy rain in Dhaka today
    ...     "ঢাকায় ভারী বৃষ্টি, জলাবদ্ধতা",     # heavy rain in Dhaka, waterlogging
    ...     "শেয়ারবাজারে আজ দরপতন",           # share prices fall today
    ...     "ঢাকায় আজ ভারী বৃষ্টি হয়েছে",      # the first one again
    ... ]
    >>> X = textsim.TfidfVectorizer().fit_transform(docs)
    >>> textsim.group_sweep(X, min_scores=[0.3])[0]
    SweepRow(min_score=0.3, groups=1, grouped=3, largest=3, alone=1)
    """

    min_score: float
    groups: int
    grouped: int
    largest: int
    alone: int


class GroupSweep(list):
    """What :func:`group_sweep` returns: a list of :class:`SweepRow`, one per threshold.

    Highest threshold first; it shows itself as a table in a terminal and in Jupyter, and
    ``to_pandas()`` makes it a DataFrame. ``linkage`` says how the groups were made.

    Parameters
    ----------
    iterable : iterable of SweepRow, default=()
        The rows (:func:`group_sweep` makes them).

    See Also
    --------
    group_sweep : Makes it.
    SweepRow : One row.

    Examples
    --------
    >>> import textsim
    >>> docs = [
    ...     "ঢাকায় আজ ভারী বৃষ্টি হয়েছে",      # heavy rain in Dhaka today
    ...     "ঢাকায় ভারী বৃষ্টি, জলাবদ্ধতা",     # heavy rain in Dhaka, waterlogging
    ...     "শেয়ারবাজারে আজ দরপতন",           # share prices fall today
    ...     "ঢাকায় আজ ভারী বৃষ্টি হয়েছে",      # the first one again
    ... ]
    >>> X = textsim.TfidfVectorizer().fit_transform(docs)
    >>> textsim.group_sweep(X, min_scores=[0.3, 0.6, 0.95])
    Group sizes by min_score (linkage='average'): groups of 2 or more, the articles in them, the largest, articles alone
      min_score     groups    grouped    largest      alone
           0.95          1          2          2          2
            0.6          1          2          2          2
            0.3          1          3          3          1
    """

    linkage: str

    def to_pandas(self) -> Any:
        """Return the sweep as a table, one row per threshold.

        Returns
        -------
        pandas.DataFrame
            Columns ``min_score``, ``groups``, ``grouped``, ``largest``, ``alone``.

        Raises
        ------
        ImportError
            If pandas is not installed.

        See Also
        --------
        SweepRow : What each row holds.

        Examples
        --------
        >>> import textsim
        >>> X = textsim.TfidfVectorizer().fit_transform(["সোনার তরী", "সোনার বাংলা"])
        >>> textsim.group_sweep(X, min_scores=[0.3, 0.5]).to_pandas()
           min_score  groups  grouped  largest  alone
        0        0.5       0        0        1      2
        1        0.3       1        2        2      0
        """
        return sweep_table(self)

    def __repr__(self) -> str:
        return sweep_text(self)

    def _repr_html_(self) -> str:
        return sweep_html(self)


def group_sweep(
    X: Any,
    *,
    min_scores: Sequence[float] = SWEEP_SCORES,
    linkage: str = "average",
    n_jobs: int | None = None,
    progress: bool | None = None,
    algorithm: str = "auto",
) -> GroupSweep:
    """Show how the groups of :func:`group_articles` change with ``min_score``.

    The way to choose ``min_score``: the largest group grows slowly while the threshold falls
    until unrelated stories start to merge, where it jumps; a threshold just above the jump
    groups the most articles without mixing stories (look at the largest group's titles
    there to check). The pairs are computed once, at the lowest threshold.

    Parameters
    ----------
    X : sparse matrix or array-like of shape (n_rows, n_features)
        The articles' TF-IDF vectors.
    min_scores : float or sequence of float, default=(0.2, 0.25, ..., 0.8, 0.9)
        The thresholds to try.
    linkage : {"average", "complete", "single"}, default="average"
        As in :func:`group_articles`.
    n_jobs : int or None, default=None
        The number of threads (None or -1: every core). Results never depend on it.
    progress : bool or None, default=None
        A progress bar (tqdm) while the pairs are found, as in :func:`similar_pairs`.
    algorithm : {"auto", "pruned", "full"}, default="auto"
        The kernel that finds the pairs, as in :func:`similar_pairs` (the same groups
        either way).

    Returns
    -------
    GroupSweep
        One :class:`SweepRow` per threshold, highest first: the number of groups of two or
        more articles, the articles in them, the largest group, the articles left alone.

    Raises
    ------
    textsim.ParameterError
        If a threshold or ``linkage`` is invalid, or ``min_scores`` is empty.

    See Also
    --------
    group_articles : The groups at the threshold chosen.

    Examples
    --------
    >>> import textsim
    >>> docs = [
    ...     "ঢাকায় আজ ভারী বৃষ্টি হয়েছে",      # heavy rain in Dhaka today
    ...     "ঢাকায় ভারী বৃষ্টি, জলাবদ্ধতা",     # heavy rain in Dhaka, waterlogging
    ...     "শেয়ারবাজারে আজ দরপতন",           # share prices fall today
    ...     "ঢাকায় আজ ভারী বৃষ্টি হয়েছে",      # the first one again
    ... ]
    >>> X = textsim.TfidfVectorizer().fit_transform(docs)
    >>> [(row.min_score, row.largest) for row in textsim.group_sweep(X, min_scores=[0.3, 0.6])]
    [(0.6, 2), (0.3, 3)]
    """
    method = _linkage(linkage)
    scores = sorted({_params.pair_threshold(s) for s in _scores_list(min_scores)}, reverse=True)
    pairs = similar_pairs(
        X, min_score=scores[-1], n_jobs=n_jobs, progress=progress, algorithm=algorithm
    )
    n = pairs.shape[0]
    sweep = GroupSweep()
    sweep.linkage = method
    for threshold in scores:
        kept = pairs.copy()
        kept.data[kept.data < threshold] = 0
        kept.eliminate_zeros()
        sizes = np.bincount(_labels_from_pairs(kept, method, threshold), minlength=1)
        together = sizes[sizes > 1]
        sweep.append(
            SweepRow(
                min_score=threshold,
                groups=int(len(together)),
                grouped=int(together.sum()),
                largest=int(sizes.max(initial=0)) if n else 0,
                alone=int((sizes == 1).sum()),
            )
        )
    return sweep


def _scores_list(min_scores: Any) -> list[Any]:
    if isinstance(min_scores, numbers.Real):
        return [min_scores]
    scores = list(min_scores)
    if not scores:
        raise ParameterError("min_scores: give at least one threshold")
    return scores
