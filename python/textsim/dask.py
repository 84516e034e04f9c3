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
* :func:`similar_pairs`: the pairs above a threshold of every tile (the pruned search where it
  pays), as a dask array of CSR row blocks: exactly :func:`textsim.similar_pairs`.
* :func:`near_duplicates`: each tile's groups (in memory of its rows, never of its pairs),
  merged on the client: exactly :func:`textsim.near_duplicates`.

Text collections are a ``dask.bag`` of str, a ``dask.dataframe`` Series (or one-column
DataFrame), or a 1-d ``dask.array`` of str, read with Dask's own readers (``dd.read_parquet``,
``dd.read_csv``, ``db.read_text(...).map(json.loads).pluck("text")``, ...).
"""

from __future__ import annotations

import functools
import re
from typing import Any, TypeVar

import dask
import dask.array as da
import dask.bag as db
import dask.dataframe as dd
import numpy as np
import scipy.sparse as sp

from textsim import _params
from textsim._exceptions import DocumentError, DocumentTypeError, ParameterError
from textsim._similarity import components as _components
from textsim._similarity import groups_across as _groups_across
from textsim._similarity import most_similar as _most_similar
from textsim._similarity import near_duplicates as _near_duplicates
from textsim._similarity import similar_pairs as _similar_pairs
from textsim._count_vectorizer import CountVectorizer
from textsim._stats import CorpusStats

__all__ = ["fit", "most_similar", "near_duplicates", "similar_pairs", "stats", "transform"]

_Vectorizer = TypeVar("_Vectorizer", bound=CountVectorizer)


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


class _Failed:
    """A partition's bad document: its error (numbered within the partition) and the
    partition's number, carried to the client, which numbers the document in the whole
    collection (as one ``fit`` over all the documents would)."""

    def __init__(self, partition: int, error: BaseException) -> None:
        self.partition = partition
        self.error = error


def _numbered(number: int, partition: Any) -> list[tuple[int, Any]]:
    return [(number, partition)]


def _partition_stats(empty: CorpusStats, numbered: Any) -> Any:
    ((number, partition),) = list(numbered)
    try:
        return empty.copy().update(partition)
    except (DocumentError, DocumentTypeError) as error:
        if error.document is None:
            raise
        return _Failed(number, error)


def _merged(parts: Any) -> Any:
    # Inputs may be results other tasks still hold (with threads they are shared objects), so
    # the first is copied rather than merged into.
    parts = list(parts)
    failed = [part for part in parts if isinstance(part, _Failed)]
    if failed:  # the first bad document of the collection: its partition's
        return min(failed, key=lambda f: f.partition)
    merged = parts[0].copy()
    for part in parts[1:]:
        merged.merge(part)
    return merged


def _renumbered(error: Any, number: int) -> Any:
    """``error`` about its document as document ``number`` of the whole collection."""
    local = error.document
    attribute = "message" if isinstance(getattr(error, "message", None), str) else None
    text = error.message if attribute else (error.args[0] if error.args else "")
    text = re.sub(rf"\bdocument {local}\b", f"document {number}", text, count=1)
    if attribute:
        error.message = text
    else:
        error.args = (text, *error.args[1:])
    error.document = number
    return error


def stats(vectorizer: Any, collection: Any, *, split_every: int = 8) -> CorpusStats:
    """Compute the corpus statistics of a Dask collection.

    One :class:`textsim.CorpusStats` per partition, merged in a tree (``Bag.reduction``) of
    ``split_every`` at a time; the result equals the statistics of all the documents in one
    process.

    Parameters
    ----------
    vectorizer : CountVectorizer or TfidfVectorizer
        Whose analyzer settings the statistics count for.
    collection : dask.bag.Bag, dask.dataframe.Series or dask.array.Array
        The documents: a bag of str, a Series (or one-column DataFrame) of str, or a 1-d
        array of str, one partition per task.
    split_every : int, default=8
        How many partitions' statistics are merged by one task.

    Returns
    -------
    CorpusStats
        The statistics of all the documents.

    Raises
    ------
    textsim.ParameterError
        If ``vectorizer`` is not a CountVectorizer or TfidfVectorizer.

    See Also
    --------
    fit : Fit a vectorizer from them.

    Examples
    --------
    >>> import dask
    >>> import dask.bag as db
    >>> import textsim
    >>> import textsim.dask
    >>> docs = ["ঢাকায় আজ ভারী বৃষ্টি", "ঢাকায় ভারী বৃষ্টি", "শেয়ারবাজারে দরপতন", "ঢাকায় আজ ভারী বৃষ্টি"]
    >>> bag = db.from_sequence(docs, npartitions=2)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     textsim.dask.stats(textsim.TfidfVectorizer(), bag)
    CorpusStats(6 terms, 4 documents)
    """
    empty = CorpusStats(vectorizer)
    partitions = _partitions(collection)
    if not partitions:
        return empty
    bag = db.from_delayed(
        [dask.delayed(_numbered)(i, part) for i, part in enumerate(partitions)]
    )
    reduction = bag.reduction(
        functools.partial(_partition_stats, empty), _merged, split_every=split_every
    )
    result = reduction.compute()
    if isinstance(result, _Failed):
        # The documents before the bad one's partition, counted only now that one failed.
        before = dask.compute(*[dask.delayed(len)(p) for p in partitions[: result.partition]])
        error = result.error
        raise _renumbered(error, sum(before) + error.document) from None
    stats: CorpusStats = result
    return stats


def fit(vectorizer: _Vectorizer, collection: Any, *, split_every: int = 8) -> _Vectorizer:
    """Fit a vectorizer on a Dask collection.

    Each partition becomes statistics, merged as in :func:`stats`; the vectorizer is
    finalised on the client with the same vocabulary and idf as ``vectorizer.fit`` on all
    the documents.

    Parameters
    ----------
    vectorizer : CountVectorizer or TfidfVectorizer
        The vectorizer to fit (in place).
    collection : dask.bag.Bag, dask.dataframe.Series or dask.array.Array
        The documents: a bag of str, a Series (or one-column DataFrame) of str, or a 1-d
        array of str, one partition per task.
    split_every : int, default=8
        How many partitions' statistics are merged by one task.

    Returns
    -------
    CountVectorizer or TfidfVectorizer
        The vectorizer, fitted.

    See Also
    --------
    transform : The matrix of a collection.

    Examples
    --------
    >>> import dask
    >>> import dask.bag as db
    >>> import textsim
    >>> import textsim.dask
    >>> docs = ["ঢাকায় আজ ভারী বৃষ্টি", "ঢাকায় ভারী বৃষ্টি", "শেয়ারবাজারে দরপতন", "ঢাকায় আজ ভারী বৃষ্টি"]
    >>> bag = db.from_sequence(docs, npartitions=2)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     vectorizer = textsim.dask.fit(textsim.TfidfVectorizer(), bag)
    >>> local = textsim.TfidfVectorizer().fit(docs)
    >>> bool((vectorizer.idf_ == local.idf_).all())
    True
    """
    vectorizer.fit_from_stats(stats(vectorizer, collection, split_every=split_every))
    return vectorizer


def _shared(value: Any) -> Any:
    """``value`` as one node of the graph that every task depends on: it leaves the client
    once, in the graph, and each worker fetches it once from a worker that has it. Unlike data
    scattered to the workers, it is made again if every worker holding it dies, and it works
    with any scheduler, distributed or not."""
    return dask.delayed(value, pure=True, traverse=False)


def _transform_partition(
    vectorizer: Any, partition: Any, number: int, first_row: int | None
) -> sp.csr_matrix:
    try:
        return vectorizer.transform(partition)
    except (DocumentError, DocumentTypeError) as error:
        if error.document is None:
            raise
        if first_row is not None:  # a dask array's chunk sizes are known: number it globally
            raise _renumbered(error, first_row + error.document) from None
        # The other collections' partition sizes are known only by reading the partitions
        # before this one, which a lazy transform cannot do: name the partition instead.
        _within_partition(error, number)
        raise


def _within_partition(error: Any, partition: int) -> None:
    """``error``, which numbers its document within partition ``partition``, says so."""
    note = f" (document {error.document} of partition {partition}, counted within the partition)"
    if isinstance(getattr(error, "message", None), str):
        error.message += note
    else:
        error.args = ((error.args[0] if error.args else "") + note, *error.args[1:])
    error.partition = partition


def transform(vectorizer: Any, collection: Any) -> da.Array:
    """Transform a Dask collection to a dask array of CSR blocks.

    One row block per partition; the fitted vectorizer is one node of the graph, sent from
    the client once and fetched by each worker once. A bad document is named by its number
    in the whole collection for a dask array, and otherwise by its number within its
    partition and the partition's number (``error.partition``): numbering it globally would
    mean reading every partition before it.

    Parameters
    ----------
    vectorizer : CountVectorizer, TfidfVectorizer or HashingVectorizer
        A fitted vectorizer.
    collection : dask.bag.Bag, dask.dataframe.Series or dask.array.Array
        The documents: a bag of str, a Series (or one-column DataFrame) of str, or a 1-d
        array of str, one partition per task.

    Returns
    -------
    dask.array.Array
        The document-term (or TF-IDF) matrix, blocks of ``scipy.sparse.csr_matrix``; block
        sizes are unknown until computed, except for a dask array input.

    Raises
    ------
    textsim.NotFittedError
        If the vectorizer is not fitted.

    See Also
    --------
    most_similar : Neighbours over the blocks.

    Examples
    --------
    >>> import dask
    >>> import dask.bag as db
    >>> import textsim
    >>> import textsim.dask
    >>> docs = ["ঢাকায় আজ ভারী বৃষ্টি", "ঢাকায় ভারী বৃষ্টি", "শেয়ারবাজারে দরপতন", "ঢাকায় আজ ভারী বৃষ্টি"]
    >>> bag = db.from_sequence(docs, npartitions=2)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     vectorizer = textsim.dask.fit(textsim.TfidfVectorizer(), bag)
    ...     X = textsim.dask.transform(vectorizer, bag).compute()
    >>> X.shape, (X != vectorizer.transform(docs)).nnz
    ((4, 6), 0)
    """
    meta = vectorizer.transform([])  # also checks that the vectorizer is fitted
    n_features = meta.shape[1]
    known_rows = collection.chunks[0] if isinstance(collection, da.Array) else None
    shared = _shared(vectorizer)
    blocks = []
    starts = np.concatenate([[0], np.cumsum(known_rows)]) if known_rows is not None else None
    for i, part in enumerate(_partitions(collection)):
        first_row = int(starts[i]) if starts is not None else None
        block = dask.delayed(_transform_partition, pure=True)(shared, part, i, first_row)
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
    """Find the k most similar rows of each row of a dask array, by cosine.

    Work is tiled: every pair (row block of X, row block of Y) is one task computing that
    tile's top-k, and each row block's tiles are merged into its global top-k, equal to
    :func:`textsim.most_similar` on the whole matrices (same neighbours, same scores, bit for
    bit).

    Parameters
    ----------
    X : dask.array.Array of shape (n_rows, n_features)
        The rows, blocks of CSR matrices (from :func:`transform`, say).
    Y : dask.array.Array of shape (m_rows, n_features) or None, default=None
        The rows to search; None: ``X`` itself, each row excluding itself.
    k : int, default=10
        The number of neighbours of each row.
    min_score : float or None, default=None
        As in :func:`textsim.most_similar`.

    Returns
    -------
    tuple of (dask.array.Array, dask.array.Array)
        ``(indices, scores)``, two lazy ``(n_rows, k)`` arrays.

    Raises
    ------
    TypeError
        If ``X`` or ``Y`` is not a 2-d dask array.
    ValueError
        If ``X`` and ``Y`` have different numbers of columns.

    See Also
    --------
    textsim.most_similar : The same in memory.

    Examples
    --------
    >>> import dask
    >>> import dask.bag as db
    >>> import textsim
    >>> import textsim.dask
    >>> docs = ["ঢাকায় আজ ভারী বৃষ্টি", "ঢাকায় ভারী বৃষ্টি", "শেয়ারবাজারে দরপতন", "ঢাকায় আজ ভারী বৃষ্টি"]
    >>> bag = db.from_sequence(docs, npartitions=2)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     vectorizer = textsim.dask.fit(textsim.TfidfVectorizer(), bag)
    ...     X = textsim.dask.transform(vectorizer, bag)
    ...     indices, scores = textsim.dask.most_similar(X, k=1)
    ...     indices.compute().ravel().tolist()
    [3, 0, -1, 0]
    """
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


def _tile_pairs(x: Any, y: Any, min_score: float, algorithm: str, diagonal: bool) -> sp.csr_matrix:
    """One tile's pairs, local indices (on the diagonal: the upper triangle of the block)."""
    return _similar_pairs(x, None if diagonal else y, min_score=min_score, algorithm=algorithm)


def _row_block_of_pairs(tiles: list[Any], sizes: list[int], first: int) -> sp.csr_matrix:
    """A row block's tiles side by side, columns numbered over all of Y; the tiles cover the
    column blocks from ``first`` on (the blocks before it hold no pair: the lower triangle)."""
    rows = tiles[0].shape[0] if tiles else 0
    before = sum(sizes[:first])
    parts = [sp.csr_matrix((rows, before), dtype=tiles[0].dtype)] if before else []
    block = sp.hstack(parts + list(tiles), format="csr")
    block.sort_indices()
    return block


def similar_pairs(
    X: Any, Y: Any = None, *, min_score: float, algorithm: str = "auto"
) -> da.Array:
    """Find every pair of rows of dask arrays with cosine at least a threshold.

    Work is tiled: every pair (row block of X, row block of Y) is one task (within one
    matrix, only the blocks on and above the diagonal), each computing that tile's pairs.
    The computed value equals :func:`textsim.similar_pairs` on the whole matrices (same
    pairs, same scores, bit for bit).

    Parameters
    ----------
    X : dask.array.Array of shape (n_rows, n_features)
        The rows, blocks of CSR matrices (from :func:`transform`, say).
    Y : dask.array.Array of shape (m_rows, n_features) or None, default=None
        The other rows; None: each unordered pair of rows of ``X`` once.
    min_score : float
        The threshold, above 0 and at most 1.
    algorithm : {"auto", "pruned", "full"}, default="auto"
        The kernel of each tile, as in :func:`textsim.similar_pairs`.

    Returns
    -------
    dask.array.Array
        A lazy array of CSR row blocks of the scores.

    Raises
    ------
    textsim.ParameterError
        If ``min_score`` or ``algorithm`` is invalid.
    ValueError
        If ``X`` and ``Y`` have different numbers of columns.

    See Also
    --------
    textsim.similar_pairs : The same in memory.

    Examples
    --------
    >>> import dask
    >>> import dask.bag as db
    >>> import textsim
    >>> import textsim.dask
    >>> docs = ["ঢাকায় আজ ভারী বৃষ্টি", "ঢাকায় ভারী বৃষ্টি", "শেয়ারবাজারে দরপতন", "ঢাকায় আজ ভারী বৃষ্টি"]
    >>> bag = db.from_sequence(docs, npartitions=2)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     vectorizer = textsim.dask.fit(textsim.TfidfVectorizer(), bag)
    ...     X = textsim.dask.transform(vectorizer, bag)
    ...     pairs = textsim.dask.similar_pairs(X, min_score=0.9).compute()
    >>> pairs.nonzero()
    (array([0], dtype=int32), array([3], dtype=int32))
    """
    _params.pair_threshold(min_score)
    _params.algorithm(algorithm)
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
    meta = sp.csr_matrix((0, 0), dtype=score_dtype)
    n_columns = Yb.shape[0]
    blocks = []
    for i, x in enumerate(x_blocks):
        first = i if Y is None else 0
        tiles = [
            dask.delayed(_tile_pairs, pure=True)(x, y, min_score, algorithm, Y is None and i == j)
            for j, y in enumerate(y_blocks)
            if j >= first
        ]
        block = dask.delayed(_row_block_of_pairs, pure=True)(tiles, sizes, first)
        blocks.append(
            da.from_delayed(block, shape=(X.chunks[0][i], n_columns), dtype=score_dtype, meta=meta)
        )
    # Row counts (and so the width, Y's rows) are unknown until computed for a bag's blocks.
    return da.concatenate(blocks, axis=0, allow_unknown_chunksizes=True)


def _tile_joins(x: Any, y: Any, min_score: float, algorithm: str, diagonal: bool) -> np.ndarray:
    """One tile's groups as joins: for each row of the tile, the first row of its group (local
    numbers, X's rows first, then Y's; on the diagonal only the block's rows)."""
    if diagonal:
        labels = _near_duplicates(x, min_score=min_score, algorithm=algorithm)
    else:
        labels = _groups_across(x, y, min_score=min_score, algorithm=algorithm)
    # Labels count up from 0 in the order of the groups' first rows.
    _, first_of_group = np.unique(labels, return_index=True)
    return first_of_group[labels].astype(np.int64)


def near_duplicates(
    X: Any, *, min_score: float = 0.9, algorithm: str = "auto"
) -> np.ndarray:
    """Label groups of near-duplicate rows of a dask array (computes).

    Every tile on and above the diagonal (row block i, row block j >= i) is one task that
    returns its groups as one join per row (memory of its rows, never of its pairs, however
    many copies a block holds); the client merges the joins with union-find.

    Parameters
    ----------
    X : dask.array.Array of shape (n_rows, n_features)
        The rows, blocks of CSR matrices (from :func:`transform`, say).
    min_score : float, default=0.9
        The cosine at which two rows are copies, above 0 and at most 1.
    algorithm : {"auto", "pruned", "full"}, default="auto"
        The kernel of each tile, as in :func:`textsim.similar_pairs`.

    Returns
    -------
    numpy.ndarray of int64 of shape (n_rows,)
        The labels :func:`textsim.near_duplicates` gives on the whole matrix (groups
        numbered in the order of their first rows).

    Raises
    ------
    textsim.ParameterError
        If ``min_score`` or ``algorithm`` is invalid.

    See Also
    --------
    textsim.near_duplicates : The same in memory.

    Examples
    --------
    >>> import dask
    >>> import dask.bag as db
    >>> import textsim
    >>> import textsim.dask
    >>> docs = ["ঢাকায় আজ ভারী বৃষ্টি", "ঢাকায় ভারী বৃষ্টি", "শেয়ারবাজারে দরপতন", "ঢাকায় আজ ভারী বৃষ্টি"]
    >>> bag = db.from_sequence(docs, npartitions=2)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     vectorizer = textsim.dask.fit(textsim.TfidfVectorizer(), bag)
    ...     X = textsim.dask.transform(vectorizer, bag)
    ...     textsim.dask.near_duplicates(X, min_score=0.9)
    array([0, 1, 2, 0])
    """
    _params.pair_threshold(min_score)
    _params.algorithm(algorithm)
    X = _row_blocks(X)
    blocks = list(X.to_delayed()[:, 0])
    sizes = [dask.delayed(_n_rows, pure=True)(block) for block in blocks]
    tasks, places = [], []
    for i, x in enumerate(blocks):
        for j in range(i, len(blocks)):
            tasks.append(
                dask.delayed(_tile_joins, pure=True)(x, blocks[j], min_score, algorithm, i == j)
            )
            places.append((i, j))
    joins, sizes = dask.compute(tasks, sizes)
    starts = np.cumsum([0, *sizes])
    n = int(starts[-1])
    sources, targets = [np.arange(n, dtype=np.int64)], [np.arange(n, dtype=np.int64)]
    for (i, j), first in zip(places, joins):
        # Local numbers to global ones: block i's rows, then (off the diagonal) block j's.
        local = np.arange(len(first))
        offsets = np.where(local < sizes[i], starts[i], starts[j] - sizes[i])
        sources.append(local + offsets)
        targets.append(first + offsets[first])
    edges = sp.csr_matrix(
        (np.ones(sum(len(s) for s in sources), dtype=np.int8),
         (np.concatenate(sources), np.concatenate(targets))),
        shape=(n, n),
    )
    return _components(edges)
