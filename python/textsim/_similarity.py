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

from typing import Any, Literal, NamedTuple, overload

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from textsim import _core, _params, _progress
from textsim._csr import for_core, from_core
from textsim._display import neighbours_html, neighbours_text
from textsim._exceptions import ParameterError
from textsim._groups import Groups, groups_from_labels
from textsim._tables import to_pandas as _to_pandas


class Neighbours(NamedTuple):
    """The k most similar rows of each row: what :func:`most_similar` returns.

    A named tuple ``(indices, scores)`` (``indices, scores = most_similar(X)`` as always)
    that shows itself readably in a terminal and as a table in Jupyter.

    Parameters
    ----------
    indices : numpy.ndarray of shape (n_rows, k)
        Each row's neighbours, best first; a missing neighbour is -1.
    scores : numpy.ndarray of shape (n_rows, k)
        Their cosines (0 for a missing neighbour).

    See Also
    --------
    most_similar : Makes them.
    to_pandas : A tidy table of them.

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
    >>> textsim.most_similar(X, k=2)
    Neighbours: 4 rows x 2 (indices, scores), best first
      0: 3 (1.000), 1 (0.546)
      1: 0 (0.546), 3 (0.546)
      2: 0 (0.175), 3 (0.175)
      3: 0 (1.000), 1 (0.546)
    """

    indices: np.ndarray
    scores: np.ndarray

    def to_pandas(self, titles: Any = None, *, ids: Any = None) -> Any:
        """Return a tidy table of (article, neighbour, rank, score) rows.

        Parameters
        ----------
        titles : sequence of str or None, default=None
            A title per row, shown as ``article_title`` and ``neighbour_title``.
        ids : sequence or None, default=None
            An id per row, in place of the row numbers.

        Returns
        -------
        pandas.DataFrame
            One row per (article, neighbour), as :func:`textsim.to_pandas` makes it.

        See Also
        --------
        textsim.to_pandas : The same, as a function.

        Examples
        --------
        >>> import numpy as np
        >>> import textsim
        >>> X = textsim.TfidfVectorizer().fit_transform(["সোনার তরী", "সোনার বাংলা"])
        >>> textsim.most_similar(X, k=1).to_pandas(titles=["তরী", "বাংলা"]).round(3)
           article  neighbour  rank  score article_title neighbour_title
        0        0          1     1  0.336           তরী           বাংলা
        1        1          0     1  0.336         বাংলা             তরী
        """
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
    """Find the k most similar rows of each row, by cosine.

    Runs in Rust, in parallel over rows, with the interpreter lock released; never makes the
    n x m matrix of scores. Memory is O(n·k + threads·m); with ``Y=None`` each pair is
    computed once for both rows, with best-k lists per thread: O(threads·n·k). Rows need not
    be normalized (zero rows score 0 with everything).

    Parameters
    ----------
    X : sparse matrix or array-like of shape (n_rows, n_features)
        The rows to find neighbours for (a vectorizer's output, any scipy sparse format, or
        a dense array).
    Y : sparse matrix or array-like of shape (m_rows, n_features) or None, default=None
        The rows to search; None: the rows of ``X`` itself, each row excluding itself.
    k : int, default=10
        The number of neighbours of each row.
    min_score : float or None, default=None
        None keeps neighbours scoring above 0; otherwise those at or above ``min_score``
        (at 0 or below, rows that share no term, whose score is 0, qualify too).
    n_jobs : int or None, default=None
        The number of threads. None or -1: the environment variable ``TEXTSIM_NUM_THREADS``,
        else every core. Results never depend on it.
    progress : bool or None, default=None
        A progress bar (tqdm) per block of rows. None shows one for more than 8,192 rows when
        a terminal or Jupyter is watching; True always, False never. The answer is the same
        either way.
    algorithm : {"auto", "pruned", "full"}, default="auto"
        As in :func:`similar_pairs`: with ``min_score`` above 0 the pruned search can
        answer; the neighbours and scores are the same either way.

    Returns
    -------
    Neighbours
        The named tuple ``(indices, scores)`` of two ``(n_rows, k)`` arrays, best first,
        ties to the lower index; missing neighbours are index -1 with score 0. Scores are
        float32 for float32 input, else float64.

    Raises
    ------
    textsim.ParameterError
        If ``k`` is not a positive int, or ``min_score`` or ``algorithm`` is invalid.
    ValueError
        If ``X`` and ``Y`` have different numbers of columns.

    See Also
    --------
    similar_pairs : Every pair above a threshold.
    SimilarityIndex : Neighbours of new texts among indexed articles.
    textsim.dask.most_similar : The same on a Dask array.

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
    >>> indices, scores = textsim.most_similar(X, k=2)
    >>> indices
    array([[3, 1],
           [0, 3],
           [0, 3],
           [0, 1]])
    >>> scores.round(3)
    array([[1.   , 0.546],
           [0.546, 0.546],
           [0.175, 0.175],
           [1.   , 0.546]])
    >>> textsim.most_similar(X, k=2, min_score=0.5).indices[2]
    array([-1, -1])
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
    """Find every pair of rows whose cosine is at least a threshold.

    Exact (no sampling or hashing), in Rust, in parallel over rows; only the pairs found are
    held.

    Parameters
    ----------
    X : sparse matrix or array-like of shape (n_rows, n_features)
        The rows (a vectorizer's output, any scipy sparse format, or a dense array).
    Y : sparse matrix or array-like of shape (m_rows, n_features) or None, default=None
        The other rows; None: each unordered pair of rows of ``X`` once (``i < j``, no
        diagonal).
    min_score : float
        The threshold, above 0 and at most 1 (keyword only, no default: the right one
        depends on the corpus).
    n_jobs : int or None, default=None
        The number of threads. None or -1: the environment variable ``TEXTSIM_NUM_THREADS``,
        else every core. Results never depend on it.
    progress : bool or None, default=None
        A progress bar (tqdm) per block of rows. None shows one for more than 8,192 rows when
        a terminal or Jupyter is watching; True always, False never. The answer is the same
        either way.
    algorithm : {"auto", "pruned", "full"}, default="auto"
        Which of two exact kernels finds the pairs; both give the same pairs and the same
        scores, bit for bit. ``"full"`` computes every product of rows that share a term;
        ``"pruned"`` (the all-pairs search of AllPairs and L2AP) indexes only the part of
        each row that could reach ``min_score`` and drops candidates as soon as their bounds
        fall short, many times faster at high thresholds; ``"auto"`` takes the pruned search
        when its estimated work is well below the full product's. Matrices with negative
        values always take the full product.

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n_rows, m_rows)
        The scores of the pairs at or above ``min_score`` (float32 for float32 input, else
        float64); with ``Y=None``, square and upper-triangular.

    Raises
    ------
    textsim.ParameterError
        If ``min_score`` or ``algorithm`` is invalid.

    See Also
    --------
    near_duplicates : Groups of rows joined by such pairs.
    group_articles : Story groups from such pairs.
    most_similar : The k best of each row instead.

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
    >>> pairs = textsim.similar_pairs(X, min_score=0.5)
    >>> pairs.toarray().round(3)
    array([[0.   , 0.546, 0.   , 1.   ],
           [0.   , 0.   , 0.   , 0.546],
           [0.   , 0.   , 0.   , 0.   ],
           [0.   , 0.   , 0.   , 0.   ]])
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


@overload
def near_duplicates(
    X: Any,
    *,
    min_score: float = ...,
    n_jobs: int | None = ...,
    progress: bool | None = ...,
    algorithm: str = ...,
    as_groups: Literal[False] = ...,
    ids: None = ...,
    titles: None = ...,
) -> npt.NDArray[np.int64]: ...
@overload
def near_duplicates(
    X: Any,
    *,
    min_score: float = ...,
    n_jobs: int | None = ...,
    progress: bool | None = ...,
    algorithm: str = ...,
    as_groups: Literal[True],
    ids: Any = ...,
    titles: Any = ...,
) -> Groups: ...
@overload
def near_duplicates(
    X: Any,
    *,
    min_score: float = ...,
    n_jobs: int | None = ...,
    progress: bool | None = ...,
    algorithm: str = ...,
    as_groups: bool = ...,
    ids: Any = ...,
    titles: Any = ...,
) -> npt.NDArray[np.int64] | Groups: ...
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
) -> npt.NDArray[np.int64] | Groups:
    """Label groups of near-duplicate rows.

    Rows joined by a chain of pairs with cosine at least ``min_score`` share a label (the
    connected components of :func:`similar_pairs`). Chains are right for copies (a copy of a
    copy is a copy) and wrong for stories: for those, :func:`group_articles`. The pairs are
    never held: groups are joined (union-find) as the pairs stream out of the kernel, so
    memory is O(rows) however many pairs there are, and exact copies of a row are searched
    once (30,000 copies of one boilerplate article cost one row, not 450 million pairs).

    Parameters
    ----------
    X : sparse matrix or array-like of shape (n_rows, n_features)
        The rows (a vectorizer's output, any scipy sparse format, or a dense array).
    min_score : float, default=0.9
        The cosine at which two rows are copies of each other, above 0 and at most 1.
    n_jobs : int or None, default=None
        The number of threads. None or -1: the environment variable ``TEXTSIM_NUM_THREADS``,
        else every core. Results never depend on it.
    progress : bool or None, default=None
        A progress bar (tqdm) per block of rows. None shows one for more than 8,192 rows when
        a terminal or Jupyter is watching; True always, False never. The answer is the same
        either way.
    algorithm : {"auto", "pruned", "full"}, default="auto"
        As in :func:`similar_pairs` (the same groups either way).
    as_groups : bool, default=False
        Return :class:`Groups` (lists of rows, largest first, sizes, a representative per
        group, ``to_pandas()``, a table in Jupyter) instead of the array of labels.
    ids : sequence or None, default=None
        An id per row, kept in the groups (only with ``as_groups=True``).
    titles : sequence of str or None, default=None
        A title per row, kept in the groups (only with ``as_groups=True``).

    Returns
    -------
    numpy.ndarray of int64 of shape (n_rows,) or Groups
        Each row's group label, counting up from 0 in the order each group's first row
        appears; with ``as_groups=True``, the groups.

    Raises
    ------
    textsim.ParameterError
        If ``min_score`` or ``algorithm`` is invalid, or ``ids`` or ``titles`` is given
        without ``as_groups=True`` or with another length than the rows.

    See Also
    --------
    group_articles : Story groups (average linkage), which do not chain.
    textsim.dask.near_duplicates : The same on a Dask array.

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
    >>> textsim.near_duplicates(X, min_score=0.9)
    array([0, 1, 2, 0])
    >>> groups = textsim.near_duplicates(X, min_score=0.9, as_groups=True)
    >>> groups.rows
    [[0, 3], [1], [2]]
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


@overload
def cosine_similarity(
    X: Any, Y: Any = ..., dense_output: Literal[True] = ...
) -> npt.NDArray[np.floating[Any]]: ...
@overload
def cosine_similarity(
    X: Any, Y: Any = ..., dense_output: bool = ...
) -> npt.NDArray[np.floating[Any]] | sp.csr_matrix: ...
def cosine_similarity(
    X: Any, Y: Any = None, dense_output: bool = True
) -> npt.NDArray[np.floating[Any]] | sp.csr_matrix:
    """Compute the cosine of every row of X with every row of Y, as scikit-learn's.

    A drop-in for ``sklearn.metrics.pairwise.cosine_similarity``, computed in parallel in
    Rust. It makes the whole n x m matrix: for large inputs, :func:`most_similar` or
    :func:`similar_pairs`.

    Parameters
    ----------
    X : sparse matrix or array-like of shape (n_rows, n_features)
        The rows.
    Y : sparse matrix or array-like of shape (m_rows, n_features) or None, default=None
        The other rows; None: ``X`` itself.
    dense_output : bool, default=True
        Return a dense array even when both inputs are sparse.

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_matrix of shape (n_rows, m_rows)
        The cosines: a dense array, or a sparse matrix when ``dense_output=False`` and both
        inputs are sparse. float32 for float32 input, else float64.

    See Also
    --------
    most_similar : The k best of each row, without the whole matrix.

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
    >>> textsim.cosine_similarity(X).round(3)
    array([[1.   , 0.546, 0.175, 1.   ],
           [0.546, 1.   , 0.   , 0.546],
           [0.175, 0.   , 1.   , 0.175],
           [1.   , 0.546, 0.175, 1.   ]])
    """
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
    """Explain the cosine of two documents by the terms they share.

    The contribution of term t is ``a_t * b_t / (|a| |b|)`` where ``a`` and ``b`` are the two
    documents' vectors, so all contributions (not only the top ones) sum to the cosine.

    Parameters
    ----------
    vectorizer : TfidfVectorizer or CountVectorizer
        A fitted vectorizer (anything with ``transform`` and ``get_feature_names_out``).
    doc_a : str or bytes
        The first document.
    doc_b : str or bytes
        The second document.
    top : int, default=10
        How many terms to return.

    Returns
    -------
    list of (str, float)
        ``(term, contribution)`` pairs, largest first (ties by term); empty when either
        document has no terms.

    See Also
    --------
    most_similar : Which documents are similar.

    Examples
    --------
    >>> import textsim
    >>> docs = ["ঢাকায় আজ ভারী বৃষ্টি হয়েছে", "ঢাকায় ভারী বৃষ্টি, জলাবদ্ধতা"]
    >>> vectorizer = textsim.TfidfVectorizer().fit(docs)
    >>> [(term, round(c, 3)) for term, c in textsim.explain(vectorizer, *docs, top=2)]
    [('ঢাকায়', 0.17), ('বৃষ্টি', 0.17)]
    """
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
