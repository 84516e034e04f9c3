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
    """Groups of articles on one story: agglomerative clustering of the rows of ``X`` (TF-IDF
    vectors, any format ``similar_pairs`` takes) by cosine, cut at ``min_score``.

    ``linkage``:

    - ``"average"`` (default): two groups merge when the mean cosine of all pairs between them
      is at least ``min_score``, a pair below ``min_score`` counting as 0. A chain of articles
      each like the next does not become one group unless the whole is alike.
    - ``"complete"``: when every pair between them is at least ``min_score`` (tighter groups).
    - ``"single"``: when any pair is (the groups of :func:`near_duplicates`, which chain).

    Merges are made best first, as scipy's ``linkage`` makes them: the groups are those of
    ``scipy.cluster.hierarchy.fcluster(linkage(1 - S, method), 1 - min_score, "distance")``
    where ``S`` holds the cosines at or above ``min_score`` (others 0), without the n x n
    matrix: only the pairs at or above ``min_score`` are computed (the exact pruned search)
    and held, so time and memory grow with the number of such pairs, not with n². Ties go to
    the groups with the lower rows, so the answer depends only on the matrix, not on threads.

    Choosing ``min_score``: :func:`group_sweep` shows the groups' sizes for a range of
    thresholds. On TF-IDF of news (stop words removed), 0.3 with average linkage keeps the
    articles of one story together without merging neighbouring stories; raise it for
    stricter groups. ``ids`` and ``titles`` (one per row) label the groups. ``n_jobs``,
    ``progress`` and ``algorithm``: as in :func:`similar_pairs`.
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
    """The groups at one threshold: how many of two or more articles, how many articles they
    hold, the largest, and how many articles are alone."""

    min_score: float
    groups: int
    grouped: int
    largest: int
    alone: int


class GroupSweep(list):
    """What :func:`group_sweep` returns: a list of :class:`SweepRow`, one per threshold, highest
    first, that shows itself as a table (and ``to_pandas()``)."""

    linkage: str

    def to_pandas(self) -> Any:
        """One row per threshold: ``min_score``, ``groups``, ``grouped``, ``largest``,
        ``alone``."""
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
    """How the groups of :func:`group_articles` change with ``min_score``: for each threshold,
    the number of groups of two or more articles, the articles in them, the largest group, and
    the articles left alone.

    The way to choose ``min_score``: the largest group grows slowly while the threshold falls
    until unrelated stories start to merge, where it jumps; a threshold just above the jump
    groups the most articles without mixing stories (look at the largest group's titles
    there to check). The pairs are computed once, at the lowest threshold.
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
