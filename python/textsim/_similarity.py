"""Cosine similarity at scale: the k most similar rows, pairs above a threshold, groups of
near-duplicates, scikit-learn's ``cosine_similarity``, and ``explain`` (the terms behind one
cosine).

Everything runs in Rust, in parallel over rows, with the interpreter lock released; results do
not depend on the number of threads. Memory is the answer plus one accumulator row per thread:
``most_similar`` and ``similar_pairs`` never make an n x m matrix (only
``cosine_similarity(dense_output=True)`` does, because it was asked for).

Inputs are scipy sparse matrices or arrays (any format), dense numpy arrays, or vectorizer
output; rows need not be normalized (cosine normalizes them; zero rows score 0 with
everything). float32 inputs give float32 scores; everything else float64.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp

from textsim import _core, _params, _progress
from textsim._csr import for_core, from_core
from textsim._display import neighbours_html, neighbours_text
from textsim._exceptions import ParameterError
from textsim._groups import groups_from_labels
from textsim._tables import to_pandas as _to_pandas


class Neighbours(NamedTuple):
    """What :func:`most_similar` returns: ``(indices, scores)``, two ``(n_rows, k)`` arrays,
    best first, missing neighbours as index -1 with score 0. A tuple (``indices, scores =
    most_similar(X)`` as always) that shows itself readably in a terminal and in Jupyter."""

    indices: np.ndarray
    scores: np.ndarray

    def to_pandas(self, titles: Any = None, *, ids: Any = None) -> Any:
        """A tidy table of (article, neighbour, rank, score): see :func:`textsim.to_pandas`."""
        return _to_pandas(self.indices, self.scores, titles=titles, ids=ids)

    def __repr__(self) -> str:
        return neighbours_text(self.indices, self.scores)

    def _repr_html_(self) -> str:
        return neighbours_html(self.indices, self.scores)


def most_similar(
    X: Any,
    Y: Any = None,
    *,
    k: int = 10,
    min_score: float | None = None,
    n_jobs: int | None = None,
    progress: bool | None = None,
    algorithm: str = "auto",
) -> Neighbours:
    """For each row of ``X``, its ``k`` most similar rows of ``Y`` by cosine.

    With ``Y=None``, the rows of ``X`` itself, each row excluding itself. Returns
    ``Neighbours(indices, scores)`` (a tuple), two ``(n_rows, k)`` arrays, best first, ties to
    the lower index; missing neighbours are index -1 with score 0. ``min_score=None`` keeps scores above 0;
    otherwise scores at or above ``min_score`` (at 0 or below, rows that share no term, whose
    score is 0, qualify too). Memory is O(n·k + threads·m); with ``Y=None`` each pair is
    computed once for both rows, with best-k lists per thread: O(threads·n·k). ``progress``: a
    progress bar (tqdm) per block of rows; ``None`` shows one for more than 8,192 rows when a
    terminal or Jupyter is watching, ``True`` always, ``False`` never. The answer is the same
    either way, and so is the time: the bar follows the rows the core reports done.
    ``algorithm``: see :func:`similar_pairs` (with ``min_score`` above 0, the pruned search can
    answer; the neighbours and scores are the same either way).
    """
    k = _params.k(k)
    threshold = _params.min_score(min_score)
    method = _params.algorithm(algorithm)
    x, y, dtype = for_core(X, Y)
    n = x[3][0]
    # No row has more neighbours than Y has rows: the core works with at most that many, and
    # the rest is padding (so a huge k is a MemoryError from numpy, if anything).
    found = max(1, min(k, y[3][0]))
    with _progress.bar(progress, n, "most_similar", unit="row") as bar:
        indices, scores = _core.most_similar(
            x, y, k=found, min_score=threshold, exclude_self=Y is None,
            n_jobs=_params.threads(n_jobs),
            progress=_progress.reporter(bar),
            algorithm=method,
        )
        bar.update(n - _progress.shown(bar))
    result = Neighbours(
        indices.reshape(n, found), scores.reshape(n, found).astype(dtype, copy=False)
    )
    if found == k:
        return result
    padded_indices = answer_table(n, k, result.indices.dtype, -1)
    padded_scores = answer_table(n, k, result.scores.dtype, 0)
    padded_indices[:, :found] = result.indices
    padded_scores[:, :found] = result.scores
    return Neighbours(padded_indices, padded_scores)


def answer_table(n: int, k: int, dtype: Any, fill: int) -> np.ndarray:
    """An ``(n, k)`` table of ``fill``; one too large for any memory (numpy's ValueError when
    its size overflows) is a MemoryError, as one too large for this machine's is."""
    try:
        return np.full((n, k), fill, dtype=dtype)
    except (ValueError, OverflowError):
        raise MemoryError(
            f"most_similar: k={k:,} neighbours for {n:,} rows is {n * k:,} entries of "
            f"{np.dtype(dtype).itemsize} bytes, more than any memory holds"
        ) from None


def similar_pairs(
    X: Any,
    Y: Any = None,
    *,
    min_score: float,
    n_jobs: int | None = None,
    progress: bool | None = None,
    algorithm: str = "auto",
) -> sp.csr_matrix:
    """Every pair of rows whose cosine is at least ``min_score``, as a sparse matrix of scores.

    With ``Y=None``, each unordered pair of rows of ``X`` once (``i < j``, no diagonal).
    ``progress``: as in :func:`most_similar` (the same answer either way).

    ``algorithm`` chooses between two exact kernels that give the same pairs and the same
    scores, bit for bit: ``"full"`` computes every product of rows that share a term;
    ``"pruned"`` (the all-pairs search of AllPairs and L2AP) indexes only the part of each row
    that could reach ``min_score`` and drops candidates as soon as their bounds fall short, which
    is many times faster at high thresholds; ``"auto"`` (the default) takes the pruned search
    when its estimated work is well below the full product's. Matrices with negative values
    always take the full product.
    """
    threshold = _params.pair_threshold(min_score)
    method = _params.algorithm(algorithm)
    x, y, dtype = for_core(X, Y)
    n = x[3][0]
    with _progress.bar(progress, n, "similar_pairs", unit="row") as bar:
        parts = _core.similar_pairs(
            x, y, min_score=threshold, upper_only=Y is None, n_jobs=_params.threads(n_jobs),
            progress=_progress.reporter(bar), algorithm=method,
        )
        bar.update(n - _progress.shown(bar))
    return from_core(parts, dtype)


def near_duplicates(
    X: Any,
    *,
    min_score: float = 0.9,
    n_jobs: int | None = None,
    progress: bool | None = None,
    algorithm: str = "auto",
    as_groups: bool = False,
    ids: Any = None,
    titles: Any = None,
) -> Any:
    """A group label per row: rows joined by a chain of pairs with cosine ≥ ``min_score`` share
    a label (the connected components of ``similar_pairs``). Labels count up from 0 in the
    order each group's first row appears. ``progress``: as in :func:`most_similar`;
    ``algorithm``: as in :func:`similar_pairs`.

    ``as_groups=True`` returns the same groups as :class:`textsim.Groups` (lists of rows,
    largest first, with ``ids`` and ``titles`` when given, sizes, a representative per group,
    ``to_pandas()`` and a table in Jupyter), the result type of :func:`group_articles`; the
    default stays the array of labels. Chains are right for copies (a copy of a copy is a
    copy) and wrong for stories: for those, :func:`group_articles`.

    The pairs are never held: groups are joined (union-find) as the pairs stream out of the
    kernel, so memory is O(rows) however many pairs there are, and exact copies of a row are
    searched once (30,000 copies of one boilerplate article cost one row, not 450 million pairs).
    """
    threshold = _params.pair_threshold(min_score)
    method = _params.algorithm(algorithm)
    if not as_groups and (ids is not None or titles is not None):
        raise ParameterError("near_duplicates: ids and titles label groups: pass as_groups=True")
    x, _, _ = for_core(X, None)
    n = x[3][0]
    ids = _params.row_names("ids", ids, n)
    titles = _params.row_names("titles", titles, n)
    with _progress.bar(progress, n, "near_duplicates", unit="row") as bar:
        labels = _core.near_duplicates(
            x, min_score=threshold, n_jobs=_params.threads(n_jobs),
            progress=_progress.reporter(bar), algorithm=method,
        )
        bar.update(n - _progress.shown(bar))
    if as_groups:
        return groups_from_labels(
            X, labels, linkage="single", min_score=threshold, ids=ids, titles=titles
        )
    return labels


def components(edges: sp.csr_matrix) -> np.ndarray:
    """Labels of the connected components of the graph whose edges are the entries of the
    square sparse matrix ``edges``, numbered in the order of each component's first row."""
    edges = sp.csr_matrix(edges)
    return _core.connected_components(
        edges.shape[0], edges.indptr.astype(np.int64), edges.indices.astype(np.int64)
    )


def linkage_groups(pairs: sp.csr_matrix, linkage: str, min_score: float) -> np.ndarray:
    """Group labels of the rows of the square matrix of scores ``pairs`` by average or complete
    linkage cut at ``min_score`` (see ``src/matrix/linkage.rs``), numbered in the order of each
    group's first row."""
    pairs = sp.csr_matrix(pairs)
    return _core.agglomerate(
        pairs.shape[0],
        pairs.indptr.astype(np.int64),
        pairs.indices.astype(np.int64),
        pairs.data.astype(np.float64),
        linkage=linkage,
        min_score=min_score,
    )


def groups_across(X: Any, Y: Any, *, min_score: float, algorithm: str = "auto") -> np.ndarray:
    """Group labels of the rows of ``X`` and then of ``Y``, joined only by the pairs of a row
    of ``X`` and a row of ``Y`` with cosine >= ``min_score`` (what a tile of two row blocks
    contributes to distributed groups; in memory of its rows)."""
    threshold = _params.pair_threshold(min_score)
    method = _params.algorithm(algorithm)
    x, y, _ = for_core(X, Y)
    return _core.near_duplicates(x, y, min_score=threshold, n_jobs=None, algorithm=method)


def cosine_similarity(X: Any, Y: Any = None, dense_output: bool = True) -> Any:
    """scikit-learn's ``cosine_similarity``: the cosine of every row of X with every row of Y
    (of X with itself when Y is None). A dense array, or a sparse matrix when
    ``dense_output=False`` and both inputs are sparse."""
    x, y, dtype = for_core(X, Y)
    both_sparse = sp.issparse(X) and (Y is None or sp.issparse(Y))
    if dense_output or not both_sparse:
        out = np.zeros((x[3][0], y[3][0]), dtype=dtype)
        _core.cosine_dense(x, y, out, n_jobs=None)
        return out
    return from_core(
        _core.similar_pairs(x, y, min_score=None, upper_only=False, n_jobs=None), dtype
    )


def explain(vectorizer: Any, doc_a: Any, doc_b: Any, top: int = 10) -> list[tuple[str, float]]:
    """The terms that contribute most to the cosine between two documents under a fitted
    vectorizer, as ``(term, contribution)`` pairs, largest first. All contributions (not only
    the top ones) sum to the cosine: contribution of term t is
    ``a_t * b_t / (|a| |b|)``."""
    vectors = sp.csr_matrix(vectorizer.transform([doc_a, doc_b]), dtype=np.float64)
    a, b = vectors[0], vectors[1]
    norm = np.sqrt(a.multiply(a).sum()) * np.sqrt(b.multiply(b).sum())
    if norm == 0:
        return []
    product = a.multiply(b).tocsr()
    terms = vectorizer.get_feature_names_out()
    contributions = sorted(
        ((terms[c], float(v / norm)) for c, v in zip(product.indices, product.data) if v != 0),
        key=lambda item: (-item[1], item[0]),
    )
    return contributions[:top]
