"""Cosine similarity at scale: the k most similar rows, pairs above a threshold, groups of
near-duplicates, and scikit-learn's ``cosine_similarity``.

Everything runs in Rust, in parallel over rows, with the interpreter lock released; results do
not depend on the number of threads. Memory is the answer plus one accumulator row per thread:
``most_similar`` and ``similar_pairs`` never make an n x m matrix (only
``cosine_similarity(dense_output=True)`` does, because it was asked for).

Inputs are scipy sparse matrices or arrays (any format), dense numpy arrays, or vectorizer
output; rows need not be normalized (cosine normalizes them; zero rows score 0 with
everything). float32 inputs give float32 scores; everything else float64.
"""

from __future__ import annotations

import numbers
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp

from textsim import _core, _progress
from textsim._exceptions import ParameterError
from textsim._validation import check_finite


class Neighbours(NamedTuple):
    """What :func:`most_similar` returns: ``(indices, scores)``, two ``(n_rows, k)`` arrays,
    best first, missing neighbours as index -1 with score 0. A tuple (``indices, scores =
    most_similar(X)`` as always) that shows itself readably in a terminal and in Jupyter."""

    indices: np.ndarray
    scores: np.ndarray

    def to_pandas(self, titles: Any = None, *, ids: Any = None) -> Any:
        """A tidy table of (article, neighbour, rank, score): see :func:`textsim.to_pandas`."""
        from textsim._tables import to_pandas

        return to_pandas(self.indices, self.scores, titles=titles, ids=ids)

    def __repr__(self) -> str:
        from textsim._display import neighbours_text

        return neighbours_text(self.indices, self.scores)

    def _repr_html_(self) -> str:
        from textsim._display import neighbours_html

        return neighbours_html(self.indices, self.scores)


def _as_csr(X: Any, name: str) -> sp.csr_matrix:
    if sp.issparse(X):
        X = sp.csr_matrix(X)
    else:
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(
                f"Expected 2D array, got {X.ndim}D array instead. Reshape your data either "
                "using array.reshape(-1, 1) if your data has a single feature or "
                "array.reshape(1, -1) if it contains a single sample."
            )
        X = sp.csr_matrix(X)
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    check_finite(X, name)
    return X


def _matrices(X: Any, Y: Any) -> tuple[tuple[Any, ...], tuple[Any, ...], Any]:
    """X and Y as CSR parts of one value type and one index type, and that value type."""
    x = _as_csr(X, "X")
    y = x if Y is None else _as_csr(Y, "Y")
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"Incompatible dimension for X and Y matrices: X.shape[1] == {x.shape[1]} while "
            f"Y.shape[1] == {y.shape[1]}"
        )
    dtype = np.float32 if x.dtype == np.float32 and y.dtype == np.float32 else np.float64
    index = (
        np.int64
        if np.int64 in (x.indices.dtype, y.indices.dtype, x.indptr.dtype, y.indptr.dtype)
        else np.int32
    )

    def parts(m: sp.csr_matrix) -> tuple[Any, ...]:
        # Aligned too: arrays unpickled from a network buffer (Dask) can be misaligned.
        return (
            np.require(m.data, dtype=dtype, requirements=["C", "A"]),
            np.require(m.indices, dtype=index, requirements=["C", "A"]),
            np.require(m.indptr, dtype=index, requirements=["C", "A"]),
            m.shape,
        )

    xp = parts(x)
    return xp, (xp if Y is None else parts(y)), dtype


def _threads(n_jobs: Any) -> int | None:
    from textsim._tokenizer import _threads as threads

    return threads(n_jobs)


def most_similar(
    X: Any,
    Y: Any = None,
    *,
    k: int = 10,
    min_score: float | None = None,
    n_jobs: int | None = None,
    progress: bool | None = None,
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
    """
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ParameterError(f"k: expected an int of 1 or more, got {k!r}")
    if min_score is not None and (
        isinstance(min_score, bool)
        or not isinstance(min_score, numbers.Real)
        or not -1.0 <= min_score <= 1.0
    ):
        raise ParameterError(
            f"min_score: expected None or a number in [-1, 1] (cosines lie there), got {min_score!r}"
        )
    k = int(k)
    threshold = None if min_score is None else float(min_score)
    x, y, dtype = _matrices(X, Y)
    n = x[3][0]
    # No row has more neighbours than Y has rows: the core works with at most that many, and
    # the rest is padding (so a huge k is a MemoryError from numpy, if anything).
    found = max(1, min(k, y[3][0]))
    with _progress.bar(progress, n, "most_similar", unit="row") as bar:
        indices, scores = _core.most_similar(
            x, y, k=found, min_score=threshold, exclude_self=Y is None, n_jobs=_threads(n_jobs),
            progress=_progress.reporter(bar),
        )
        bar.update(n - _progress.shown(bar))
    result = Neighbours(
        indices.reshape(n, found), scores.reshape(n, found).astype(dtype, copy=False)
    )
    if found == k:
        return result
    padded_indices = np.full((n, k), -1, dtype=result.indices.dtype)
    padded_scores = np.zeros((n, k), dtype=result.scores.dtype)
    padded_indices[:, :found] = result.indices
    padded_scores[:, :found] = result.scores
    return Neighbours(padded_indices, padded_scores)


def similar_pairs(
    X: Any,
    Y: Any = None,
    *,
    min_score: float,
    n_jobs: int | None = None,
    progress: bool | None = None,
) -> sp.csr_matrix:
    """Every pair of rows whose cosine is at least ``min_score``, as a sparse matrix of scores.

    With ``Y=None``, each unordered pair of rows of ``X`` once (``i < j``, no diagonal).
    ``progress``: as in :func:`most_similar` (the same answer either way).
    """
    if (
        isinstance(min_score, bool)
        or not isinstance(min_score, numbers.Real)
        or not 0 < min_score <= 1
    ):
        raise ParameterError(
            f"min_score: expected a number in (0, 1], got {min_score!r} (at 0 or below every pair "
            "of rows qualifies: use cosine_similarity for the whole matrix; no cosine is above 1)"
        )
    x, y, dtype = _matrices(X, Y)
    n = x[3][0]
    with _progress.bar(progress, n, "similar_pairs", unit="row") as bar:
        data, indices, indptr, shape = _core.similar_pairs(
            x, y, min_score=float(min_score), upper_only=Y is None, n_jobs=_threads(n_jobs),
            progress=_progress.reporter(bar),
        )
        bar.update(n - _progress.shown(bar))
    matrix = sp.csr_matrix((data.astype(dtype, copy=False), indices, indptr), shape=shape)
    matrix.has_sorted_indices = True
    return matrix


def near_duplicates(
    X: Any, *, min_score: float = 0.9, n_jobs: int | None = None, progress: bool | None = None
) -> np.ndarray:
    """A group label per row: rows joined by a chain of pairs with cosine ≥ ``min_score`` share
    a label (the connected components of ``similar_pairs``). Labels count up from 0 in the
    order each group's first row appears. ``progress``: as in :func:`most_similar`."""
    pairs = similar_pairs(X, min_score=min_score, n_jobs=n_jobs, progress=progress)
    return _core.connected_components(
        pairs.shape[0], pairs.indptr.astype(np.int64), pairs.indices.astype(np.int64)
    )


def cosine_similarity(X: Any, Y: Any = None, dense_output: bool = True) -> Any:
    """scikit-learn's ``cosine_similarity``: the cosine of every row of X with every row of Y
    (of X with itself when Y is None). A dense array, or a sparse matrix when
    ``dense_output=False`` and both inputs are sparse."""
    x, y, dtype = _matrices(X, Y)
    both_sparse = sp.issparse(X) and (Y is None or sp.issparse(Y))
    if dense_output or not both_sparse:
        out = np.zeros((x[3][0], y[3][0]), dtype=dtype)
        _core.cosine_dense(x, y, out, n_jobs=None)
        return out
    data, indices, indptr, shape = _core.similar_pairs(
        x, y, min_score=None, upper_only=False, n_jobs=None
    )
    matrix = sp.csr_matrix((data.astype(dtype, copy=False), indices, indptr), shape=shape)
    matrix.has_sorted_indices = True
    return matrix
