"""textsim on Dask: fit, transform and most_similar over collections bigger than one machine.

Install with ``pip install 'textsim[dask]'``. Works with any Dask scheduler, including a
``distributed.Client`` (threads or processes, one machine or many):

* :func:`fit`: each partition becomes :class:`textsim.CorpusStats`, the statistics are merged in
  a tree (``Bag.reduction``), and the vectorizer is finalised on the client. Vocabulary and idf
  are exactly those of one ``fit`` over all the documents.
* :func:`transform`: a dask array of CSR blocks, one per partition; the fitted vectorizer is
  one node of the graph, sent from the client once and fetched by each worker once.
* :func:`most_similar`: top-k over tiles (row block of X x row block of Y); each row's tiles
  merge into the exact global top-k, the answer of :func:`textsim.most_similar`.

Text collections are a ``dask.bag`` of str, a ``dask.dataframe`` Series (or one-column
DataFrame), or a 1-d ``dask.array`` of str, read with Dask's own readers (``dd.read_parquet``,
``dd.read_csv``, ``db.read_text(...).map(json.loads).pluck("text")``, ...).
"""

from __future__ import annotations

import functools
from typing import Any

import dask
import dask.array as da
import dask.bag as db
import dask.dataframe as dd
import numpy as np
import scipy.sparse as sp

from textsim import _params
from textsim._exceptions import ParameterError
from textsim._similarity import most_similar as _most_similar
from textsim._stats import CorpusStats

__all__ = ["fit", "most_similar", "stats", "transform"]


def _partitions(collection: Any) -> list[Any]:
    """The collection's partitions as delayed values, each a sequence of documents."""
    if isinstance(collection, dd.DataFrame):
        if len(collection.columns) != 1:
            raise ParameterError(
                "expected a Series of text or a DataFrame with one column, got columns "
                f"{list(collection.columns)}"
            )
        collection = collection[collection.columns[0]]
    if isinstance(collection, (db.Bag, dd.Series)):
        return list(collection.to_delayed())
    if isinstance(collection, da.Array):
        if collection.ndim != 1:
            raise ParameterError(f"expected a 1-d array of text, got {collection.ndim} dimensions")
        return list(collection.to_delayed().ravel())
    raise TypeError(
        "expected a dask.bag of str, a dask.dataframe Series or a 1-d dask.array of str, got "
        f"{type(collection).__name__}"
    )


def _partition_stats(empty: CorpusStats, partition: Any) -> CorpusStats:
    return empty.copy().update(partition)


def _merged(parts: Any) -> CorpusStats:
    # Inputs may be results other tasks still hold (with threads they are shared objects), so
    # the first is copied rather than merged into.
    parts = list(parts)
    merged = parts[0].copy()
    for part in parts[1:]:
        merged.merge(part)
    return merged


def stats(vectorizer: Any, collection: Any, *, split_every: int = 8) -> CorpusStats:
    """The corpus statistics of ``collection`` for ``vectorizer``'s analyzer settings: one
    CorpusStats per partition, merged in a tree of ``split_every`` at a time."""
    empty = CorpusStats(vectorizer)
    partitions = _partitions(collection)
    if not partitions:
        return empty
    bag = db.from_delayed(partitions)
    reduction = bag.reduction(
        functools.partial(_partition_stats, empty), _merged, split_every=split_every
    )
    result: CorpusStats = reduction.compute()
    return result


def fit(vectorizer: Any, collection: Any, *, split_every: int = 8) -> Any:
    """Fits ``vectorizer`` (a CountVectorizer or TfidfVectorizer) on ``collection``: the same
    vocabulary and idf as ``vectorizer.fit`` on all its documents. Returns the vectorizer."""
    return vectorizer.fit_from_stats(stats(vectorizer, collection, split_every=split_every))


def _shared(value: Any) -> Any:
    """``value`` as one node of the graph that every task depends on: it leaves the client
    once, in the graph, and each worker fetches it once from a worker that has it. Unlike data
    scattered to the workers, it is made again if every worker holding it dies, and it works
    with any scheduler, distributed or not."""
    return dask.delayed(value, pure=True, traverse=False)


def _transform_partition(vectorizer: Any, partition: Any) -> sp.csr_matrix:
    return vectorizer.transform(partition)


def transform(vectorizer: Any, collection: Any) -> da.Array:
    """The document-term (or TF-IDF) matrix of ``collection`` as a dask array of CSR blocks,
    one row block per partition (block sizes are unknown until computed, except for a dask
    array input)."""
    meta = vectorizer.transform([])  # also checks that the vectorizer is fitted
    n_features = meta.shape[1]
    known_rows = collection.chunks[0] if isinstance(collection, da.Array) else None
    shared = _shared(vectorizer)
    blocks = []
    for i, part in enumerate(_partitions(collection)):
        block = dask.delayed(_transform_partition, pure=True)(shared, part)
        rows = known_rows[i] if known_rows is not None else np.nan
        blocks.append(da.from_delayed(block, shape=(rows, n_features), dtype=meta.dtype, meta=meta))
    if not blocks:
        return da.from_array(meta, chunks=meta.shape)
    return da.concatenate(blocks, axis=0)


def _tile_top_k(x: Any, y: Any, k: int, min_score: float | None, diagonal: bool) -> Any:
    """One tile's top-k: local column indices, the row's own column excluded on the diagonal."""
    return _most_similar(x, None if diagonal else y, k=k, min_score=min_score)


def _n_rows(block: Any) -> int:
    return int(block.shape[0])


def _merge_top_k(tiles: list[Any], sizes: list[int], k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best of each row over all its tiles: score descending, ties to the lower global
    index; as in one ``most_similar``, missing neighbours are index -1 with score 0."""
    offsets = np.cumsum([0, *sizes[:-1]])
    indices = np.concatenate(
        [np.where(idx >= 0, idx + offset, -1) for (idx, _), offset in zip(tiles, offsets)], axis=1
    )
    scores = np.concatenate([s for _, s in tiles], axis=1)
    missing = indices < 0
    # lexsort: the last key is the primary one. Missing entries sort after every real one.
    order = np.lexsort(
        (
            np.where(missing, np.iinfo(np.int64).max, indices),
            np.where(missing, np.inf, -scores.astype(np.float64)),
        ),
        axis=-1,
    )[:, :k]
    best_indices = np.take_along_axis(indices, order, axis=1)
    best_scores = np.take_along_axis(scores, order, axis=1)
    best_scores[best_indices < 0] = 0
    return best_indices, best_scores


def _row_blocks(X: Any) -> da.Array:
    if not isinstance(X, da.Array) or X.ndim != 2:
        raise TypeError(f"expected a 2-d dask array of rows, got {type(X).__name__}")
    return X.rechunk({1: -1}) if len(X.chunks[1]) > 1 else X


def most_similar(
    X: Any, Y: Any = None, *, k: int = 10, min_score: float | None = None
) -> tuple[da.Array, da.Array]:
    """For each row of the dask array ``X`` (of CSR blocks, say from :func:`transform`), its
    ``k`` most similar rows of ``Y`` (of ``X`` itself, each row excluding itself, when None):
    ``(indices, scores)``, two lazy ``(n_rows, k)`` dask arrays equal to
    ``textsim.most_similar`` on the whole matrices (same neighbours, same scores, bit for bit).

    Work is tiled: every pair (row block of X, row block of Y) is one task computing that
    tile's top-k, and each row block's tiles are merged into its global top-k."""
    k = _params.k(k)
    X = _row_blocks(X)
    Yb = X if Y is None else _row_blocks(Y)
    if X.shape[1] != Yb.shape[1]:
        raise ValueError(
            f"Incompatible dimension for X and Y matrices: X.shape[1] == {X.shape[1]} while "
            f"Y.shape[1] == {Yb.shape[1]}"
        )
    x_blocks = list(X.to_delayed()[:, 0])
    y_blocks = x_blocks if Y is None else list(Yb.to_delayed()[:, 0])
    sizes = [dask.delayed(_n_rows, pure=True)(block) for block in y_blocks]
    score_dtype = np.float32 if X.dtype == np.float32 and Yb.dtype == np.float32 else np.float64
    index_parts, score_parts = [], []
    for i, x in enumerate(x_blocks):
        tiles = [
            dask.delayed(_tile_top_k, pure=True)(x, y, k, min_score, Y is None and i == j)
            for j, y in enumerate(y_blocks)
        ]
        merged = dask.delayed(_merge_top_k, pure=True, nout=2)(tiles, sizes, k)
        rows = X.chunks[0][i]
        index_parts.append(da.from_delayed(merged[0], shape=(rows, k), dtype=np.int64))
        score_parts.append(da.from_delayed(merged[1], shape=(rows, k), dtype=score_dtype))
    return da.concatenate(index_parts, axis=0), da.concatenate(score_parts, axis=0)
