"""SimilarityIndex: "find related articles"."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import scipy.sparse as sp

from textsim import _archive, _archive_reader, _params
from textsim._archive_reader import ArchiveReader
from textsim._count_vectorizer import CountVectorizer
from textsim._documents import NOT_ITERABLE
from textsim._estimator import unchanged_on_failure
from textsim._exceptions import NotFittedError, ParameterError
from textsim._matches import Matches
from textsim._model_file import save as save_model
from textsim._hashing_vectorizer import HashingVectorizer
from textsim._model_file import load as load_model
from textsim._persist import CLASSES
from textsim._similarity import answer_table, most_similar
from textsim._tfidf_vectorizer import TfidfVectorizer
from textsim._version import __version__

INDEX_FORMAT = "textsim-index"
INDEX_FORMAT_VERSION = 1
_MANIFEST = "textsim-index.json"
_VECTORIZER = "vectorizer.textsim"
_ARRAYS = ("data.npy", "indices.npy", "indptr.npy")
# Optional: the indexed articles' ids and titles, so that answers can name them.
_ARTICLES = "articles.json"
_DATA_DTYPES = ("float32", "float64", "int32", "int64")
_INDEX_DTYPES = ("int32", "int64")
# The manifest is five short fields.
_MAX_MANIFEST = 64 << 10


class SimilarityIndex:
    """Articles indexed by their TF-IDF vectors, for finding the ones most like a new text.

    ``save(path)`` / ``SimilarityIndex.load(path)`` use a non-executable file: a ZIP with a
    JSON manifest (``textsim-index.json``: format name and version, textsim version, matrix
    shape and dtype), the vectorizer as a textsim model file (``vectorizer.textsim``, see
    :func:`textsim.load`) and the indexed vectors as ``.npy`` arrays (CSR ``data``,
    ``indices``, ``indptr``), read with ``allow_pickle=False``, and, when ``fit`` was given
    ``ids`` or ``titles``, ``articles.json`` with them.

    Parameters
    ----------
    vectorizer : TfidfVectorizer, CountVectorizer, HashingVectorizer or None, default=None
        A textsim vectorizer (unfitted or fitted; :meth:`fit` fits it); None builds a
        :class:`TfidfVectorizer` with ``vectorizer_params``.
    **vectorizer_params : dict
        Parameters of the TfidfVectorizer to build (``stop_words="bengali"``,
        ``min_df=2``, ...); not together with ``vectorizer``.

    Attributes
    ----------
    vectorizer : TfidfVectorizer, CountVectorizer or HashingVectorizer
        The vectorizer.
    matrix_ : scipy.sparse.csr_matrix
        The indexed articles' vectors, one row each.
    ids_, titles_ : list of str
        The ids and titles given to ``fit`` (and ``add``), when given.

    Raises
    ------
    textsim.ParameterError
        If both ``vectorizer`` and ``vectorizer_params`` are given.

    See Also
    --------
    most_similar : Neighbours within one matrix.
    Matches : What queries return.

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
    >>> index
    SimilarityIndex(vectorizer=TfidfVectorizer())  # 4 articles indexed, 8 terms
    >>> matches = index.query(["ঢাকায় বৃষ্টি"], k=2)
    >>> matches.titles
    [['বৃষ্টি ২', 'বৃষ্টি ১']]
    >>> indices, scores = matches
    >>> scores.round(3)
    array([[0.606, 0.602]])
    """

    def __init__(self, vectorizer: Any = None, **vectorizer_params: Any) -> None:
        if vectorizer is not None and vectorizer_params:
            raise ParameterError(
                "SimilarityIndex: give either a vectorizer or vectorizer parameters, not both"
            )
        if vectorizer is None:
            vectorizer = TfidfVectorizer(**vectorizer_params)
        self.vectorizer = vectorizer

    def fit(
        self, docs: Any, *, ids: Any = None, titles: Any = None, progress: bool | None = None
    ) -> SimilarityIndex:
        """Fit the vectorizer on the articles and index them.

        A failure anywhere (bad ids after the fit, Ctrl-C) leaves both the index and its
        vectorizer as they were.

        Parameters
        ----------
        docs : iterable of str or bytes
            The articles.
        ids : sequence or None, default=None
            An id per article (kept as str in ``ids_``, saved with the index); answers name
            their matches by them, and :meth:`similar_to` takes them.
        titles : sequence of str or None, default=None
            A title per article (kept in ``titles_``, saved with the index).
        progress : bool or None, default=None
            A progress bar, as in :meth:`TfidfVectorizer.fit_transform`.

        Returns
        -------
        SimilarityIndex
            This index, fitted.

        Raises
        ------
        ValueError
            If ``docs`` is a single str.
        textsim.ParameterError
            If ``ids`` or ``titles`` has another length than ``docs``, or holds a missing
            value.

        See Also
        --------
        add : Index more articles without refitting.

        Examples
        --------
        >>> import textsim
        >>> index = textsim.SimilarityIndex(stop_words="bengali").fit(["সোনার তরী", "এবং বাংলা"])
        >>> index.vectorizer.get_feature_names_out().tolist()
        ['তরী', 'বাংলা', 'সোনার']
        """
        if isinstance(docs, str):
            raise ValueError(NOT_ITERABLE)
        if hasattr(docs, "__len__"):  # refused before a long fit, not after it
            _labels(ids, titles, len(docs), "SimilarityIndex.fit")
        # A failure anywhere (the ids after the fit, Ctrl-C) leaves both the index and its
        # vectorizer as they were: a refitted vocabulary must never meet the old matrix.
        with unchanged_on_failure(self, self.vectorizer):
            # Only textsim's vectorizers know ``progress``; any other fit_transform is called
            # as is.
            fit_transform = self.vectorizer.fit_transform
            matrix = sp.csr_matrix(
                fit_transform(docs) if progress is None else fit_transform(docs, progress=progress)
            )
            labels = _labels(ids, titles, matrix.shape[0], "SimilarityIndex.fit")
            self.matrix_ = matrix
            for name in ("ids", "titles"):
                if name in labels:
                    setattr(self, f"{name}_", labels[name])
                else:
                    self.__dict__.pop(f"{name}_", None)
        return self

    def __repr__(self) -> str:
        # The vectorizer's parameters only: what it learnt is said once, below.
        params = getattr(self.vectorizer, "_params_repr", None)
        text = f"SimilarityIndex(vectorizer={params() if params else repr(self.vectorizer)})"
        if not hasattr(self, "matrix_"):
            return text
        rows, columns = self.matrix_.shape
        return f"{text}  # {rows:,} articles indexed, {columns:,} terms"

    def _repr_html_(self) -> str:
        import html

        shown = html.escape(repr(self)).replace("  # ", "<br>")
        return f"<div><strong>SimilarityIndex</strong><br><code>{shown}</code></div>"

    def _check_fitted(self) -> None:
        if not hasattr(self, "matrix_"):
            raise NotFittedError(
                "This SimilarityIndex is not fitted yet. Call 'fit' with the articles to index."
            )

    def query(
        self, texts: Any, k: int = 10, min_score: float | None = None, n_jobs: int | None = None
    ) -> Matches:
        """Find the ``k`` indexed articles most similar to each of some texts.

        Parameters
        ----------
        texts : iterable of str or bytes
            The new texts (a lone str is refused, as in scikit-learn).
        k : int, default=10
            The number of matches of each text.
        min_score : float or None, default=None
            As in :func:`most_similar`: None keeps matches scoring above 0.
        n_jobs : int or None, default=None
            The number of threads (None or -1: every core).

        Returns
        -------
        Matches
            The tuple ``(indices, scores)`` of two ``(len(texts), k)`` arrays as
            :func:`most_similar` returns them, whose matches carry the index's ids and
            titles (``.ids``, ``.titles``, ``.to_pandas()``); the queries are named by their
            number in ``texts``.

        Raises
        ------
        textsim.NotFittedError
            If the index is not fitted.
        ValueError
            If ``texts`` is a single str.

        See Also
        --------
        similar_to : Matches of articles already indexed.

        Examples
        --------
        >>> import textsim
        >>> index = textsim.SimilarityIndex().fit(
        ...     ["সোনার তরী", "সোনার বাংলা", "শেয়ারবাজারে দরপতন"], ids=["t", "b", "s"]
        ... )
        >>> index.query(["বাংলা", "দরপতন"], k=1).ids
        [['b'], ['s']]
        """
        self._check_fitted()
        if isinstance(texts, str):
            raise ValueError(NOT_ITERABLE)
        vectors = self.vectorizer.transform(texts)
        indices, scores = most_similar(
            vectors, self.matrix_, k=k, min_score=min_score, n_jobs=n_jobs
        )
        return self._matches(indices, scores, queries=range(indices.shape[0]))

    def similar_to(
        self, articles: Any, k: int = 10, min_score: float | None = None, n_jobs: int | None = None
    ) -> Matches:
        """Find the ``k`` indexed articles most similar to indexed articles.

        Each article excludes itself (it would otherwise find itself first, at 1.0); its
        exact copies are still found.

        Parameters
        ----------
        articles : str, int or list of str or int
            An id (when the index has ids), a row number (negative counts from the end), or
            a list of them.
        k : int, default=10
            The number of matches of each article.
        min_score : float or None, default=None
            As in :func:`most_similar`: None keeps matches scoring above 0.
        n_jobs : int or None, default=None
            The number of threads (None or -1: every core).

        Returns
        -------
        Matches
            The matches, the queries named by their ids (else rows), with their titles.

        Raises
        ------
        textsim.NotFittedError
            If the index is not fitted.
        KeyError
            If no indexed article has an id given.
        IndexError
            If a row number is out of range.
        textsim.ParameterError
            If an id is given and the index has no ids.

        See Also
        --------
        query : Matches of new texts.

        Examples
        --------
        >>> import textsim
        >>> index = textsim.SimilarityIndex().fit(
        ...     ["সোনার তরী", "সোনার বাংলা", "শেয়ারবাজারে দরপতন"], ids=["t", "b", "s"]
        ... )
        >>> index.similar_to("t", k=2).ids
        [['b']]
        """
        self._check_fitted()
        rows = self._rows_of(articles)
        n = self.matrix_.shape[0]
        k = _params.k(k)
        found, scores = most_similar(
            self.matrix_[rows], self.matrix_, k=min(k + 1, n), min_score=min_score,
            n_jobs=n_jobs,
        )
        indices = answer_table(len(rows), k, found.dtype, -1)
        kept = answer_table(len(rows), k, scores.dtype, 0)
        for q, row in enumerate(rows):
            others = found[q] != row
            take = min(k, int(others.sum()))
            indices[q, :take] = found[q][others][:take]
            kept[q, :take] = scores[q][others][:take]
        ids = getattr(self, "ids_", None)
        titles = getattr(self, "titles_", None)
        return self._matches(
            indices, kept, queries=[ids[r] for r in rows] if ids is not None else rows,
            query_titles=[titles[r] for r in rows] if titles is not None else None,
        )

    def add(self, docs: Any, *, ids: Any = None, titles: Any = None) -> SimilarityIndex:
        """Index more articles with the fitted vectorizer, keeping its vocabulary and idf.

        The new articles' terms that the vectorizer does not know are ignored, and the
        weights of the articles already indexed do not change (``fit`` on all the articles
        refits).

        Parameters
        ----------
        docs : iterable of str or bytes
            The new articles.
        ids : sequence or None, default=None
            An id per new article: needed when the index has ids, refused when it has not.
        titles : sequence of str or None, default=None
            A title per new article: needed when the index has titles, refused when not.

        Returns
        -------
        SimilarityIndex
            This index, with the articles added after the others.

        Raises
        ------
        textsim.NotFittedError
            If the index is not fitted.
        textsim.ParameterError
            If ``ids`` or ``titles`` is missing, or given to an index without them.

        See Also
        --------
        fit : Index articles anew, refitting the vectorizer.

        Examples
        --------
        >>> import textsim
        >>> index = textsim.SimilarityIndex().fit(
        ...     ["সোনার তরী", "সোনার বাংলা", "শেয়ারবাজারে দরপতন"], ids=["t", "b", "s"]
        ... )
        >>> index.add(["শেয়ারবাজারে আবার দরপতন"], ids=["s2"]).similar_to("s", k=1).ids
        [['s2']]
        """
        self._check_fitted()
        if isinstance(docs, str):
            raise ValueError(NOT_ITERABLE)
        with unchanged_on_failure(self, self.vectorizer):
            return self._add(docs, ids, titles)

    def _add(self, docs: Any, ids: Any, titles: Any) -> SimilarityIndex:
        vectors = sp.csr_matrix(self.vectorizer.transform(docs), dtype=self.matrix_.dtype)
        labels = _labels(ids, titles, vectors.shape[0], "SimilarityIndex.add")
        for name in ("ids", "titles"):
            has = hasattr(self, f"{name}_")
            if has != (name in labels):
                raise ParameterError(
                    f"SimilarityIndex.add: the index has {name}: give {name}= for the new "
                    "articles" if has else
                    f"SimilarityIndex.add: the index has no {name}; fit with {name}= to keep them"
                )
        self.matrix_ = sp.vstack([self.matrix_, vectors], format="csr")
        for name, values in labels.items():
            setattr(self, f"{name}_", getattr(self, f"{name}_") + values)
        return self

    def _rows_of(self, articles: Any) -> list[int]:
        one = isinstance(articles, (str, int, np.integer)) and not isinstance(articles, bool)
        wanted = [articles] if one else list(articles)
        ids = getattr(self, "ids_", None)
        position = None
        n = self.matrix_.shape[0]
        rows = []
        for article in wanted:
            if isinstance(article, str):
                if ids is None:
                    raise ParameterError(
                        f"similar_to: {article!r} is an id, but the index has no ids (give row "
                        "numbers, or fit with ids=)"
                    )
                if position is None:
                    position = {}
                    for row, name in enumerate(ids):
                        position.setdefault(name, row)
                if article not in position:
                    raise KeyError(f"similar_to: no indexed article has the id {article!r}")
                rows.append(position[article])
            elif isinstance(article, (int, np.integer)) and not isinstance(article, bool):
                if not -n <= article < n:
                    raise IndexError(f"similar_to: row {article} of an index of {n:,} articles")
                rows.append(int(article) % n)
            else:
                raise TypeError(f"similar_to: expected an id or a row number, got {article!r}")
        return rows

    def _matches(self, indices: Any, scores: Any, *, queries: Any, query_titles: Any = None) -> Matches:
        return Matches(
            indices, scores, ids=getattr(self, "ids_", None),
            titles=getattr(self, "titles_", None), queries=queries, query_titles=query_titles,
        )

    def save(self, path: Any) -> None:
        """Write the index to a file that loads without running code.

        The format is described in the class documentation. Every member is encoded before
        the first byte is written, and the file is written beside ``path``, flushed to disk
        and renamed over it: a failed or interrupted save leaves the previous file as it was.

        Parameters
        ----------
        path : str, os.PathLike or binary file
            A file name, or a file open for writing in binary mode.

        Raises
        ------
        textsim.NotFittedError
            If the index is not fitted.
        ValueError
            If the vectorizer has a Python callable as a parameter.

        See Also
        --------
        load : Read it back.

        Examples
        --------
        >>> import io
        >>> import textsim
        >>> index = textsim.SimilarityIndex().fit(["সোনার তরী", "সোনার বাংলা"], ids=["t", "b"])
        >>> file = io.BytesIO()
        >>> index.save(file)
        >>> textsim.SimilarityIndex.load(io.BytesIO(file.getvalue())).query(["বাংলা"], k=1).ids
        [['b']]
        """
        self._check_fitted()
        with unchanged_on_failure(self, self.vectorizer):  # the caches saving makes, too
            self._save(path)

    def _save(self, path: Any) -> None:
        model = io.BytesIO()
        save_model(self.vectorizer, model)
        matrix = self.matrix_
        manifest = {
            "format": INDEX_FORMAT,
            "format_version": INDEX_FORMAT_VERSION,
            "textsim_version": __version__,
            "shape": list(matrix.shape),
            "dtype": matrix.dtype.name,
        }
        members = [
            (_MANIFEST, json.dumps(manifest, indent=1).encode("utf-8")),
            (_VECTORIZER, model.getvalue()),
            *(
                (name, _archive.npy(array))
                for name, array in zip(_ARRAYS, (matrix.data, matrix.indices, matrix.indptr))
            ),
        ]
        labels = {n: getattr(self, f"{n}_") for n in ("ids", "titles") if hasattr(self, f"{n}_")}
        if labels:
            members.append((_ARTICLES, _archive.json_bytes(labels)))
        _archive.write(path, members)

    @classmethod
    def load(cls, path: Any) -> SimilarityIndex:
        """Read an index written by :meth:`save`; runs no code from the file.

        Parameters
        ----------
        path : str, os.PathLike or binary file
            A file name, or a file open for reading in binary mode.

        Returns
        -------
        SimilarityIndex
            The index, fitted, with its ids and titles.

        Raises
        ------
        ValueError
            If the file is not such an index (damaged, truncated, not a regular file, arrays
            that disagree with the manifest or with each other, values no index holds, a
            format version this textsim does not read), naming the file and the member.

        See Also
        --------
        save : Write an index.
        textsim.load : Read a saved estimator.

        Examples
        --------
        >>> import io
        >>> import textsim
        >>> file = io.BytesIO()
        >>> textsim.SimilarityIndex().fit(["সোনার তরী"]).save(file)
        >>> textsim.SimilarityIndex.load(io.BytesIO(file.getvalue()))
        SimilarityIndex(vectorizer=TfidfVectorizer())  # 1 articles indexed, 2 terms
        """
        with ArchiveReader(path, "textsim index") as reader:
            return cls._load_from(reader)

    @classmethod
    def _load_from(cls, reader: ArchiveReader) -> SimilarityIndex:
        reader.require(
            _MANIFEST in reader.names,
            f"not a textsim index (the ZIP archive has no {_MANIFEST})",
        )
        required = {_MANIFEST, _VECTORIZER, *_ARRAYS}
        reader.check_names(required | {_ARTICLES}, required)
        manifest = reader.json(_MANIFEST, limit=_MAX_MANIFEST)

        def require(condition: bool, message: str, member: str = _MANIFEST) -> None:
            reader.require(condition, message, member)

        require(isinstance(manifest, dict), "not a JSON object")
        require(
            manifest.get("format") == INDEX_FORMAT,
            f"not a textsim index (format {manifest.get('format')!r})",
        )
        require(
            manifest.get("format_version") == INDEX_FORMAT_VERSION,
            f"a textsim index of format version {manifest.get('format_version')!r}, written by "
            f"textsim {manifest.get('textsim_version')}; this textsim reads version "
            f"{INDEX_FORMAT_VERSION}",
        )
        shape = manifest.get("shape")
        require(
            isinstance(shape, list) and len(shape) == 2 and all(_is_count(n) for n in shape),
            f"'shape' is not two non-negative integers: {shape!r}",
        )
        rows, columns = shape
        dtype = manifest.get("dtype")
        require(dtype in _DATA_DTYPES, f"'dtype' {dtype!r} is not one of {_DATA_DTYPES}")

        vectorizer = load_model(
            _archive_reader.in_memory(reader.read(_VECTORIZER, reader.inflation_limit(_VECTORIZER))),
            CLASSES,
            source=f"{reader.source}: {_VECTORIZER}",
        )
        width = _width(vectorizer)
        require(
            width is not None,
            f"holds a {type(vectorizer).__name__} that makes no vectors (a fitted vectorizer "
            "is needed)",
            _VECTORIZER,
        )
        require(
            columns == width,
            f"'shape' says {columns:,} columns, its vectorizer makes {width:,}",
        )
        indptr = reader.array("indptr.npy", _INDEX_DTYPES, (rows + 1,), "indptr")
        require(
            indptr[0] == 0 and bool((np.diff(indptr) >= 0).all()),
            "indptr: not 0 then non-decreasing",
            "indptr.npy",
        )
        nnz = int(indptr[-1])
        indices = reader.array("indices.npy", _INDEX_DTYPES, (nnz,), "indices")
        require(
            nnz == 0 or (int(indices.min()) >= 0 and int(indices.max()) < columns),
            f"indices: a column outside 0..{columns - 1}",
            "indices.npy",
        )
        data = reader.array("data.npy", (dtype,), (nnz,), "data")
        require(bool(np.isfinite(data).all()), "data: holds NaN or infinity", "data.npy")
        labels = reader.json(_ARTICLES) if _ARTICLES in reader.names else {}
        require(
            isinstance(labels, dict) and set(labels) <= {"ids", "titles"},
            "not a JSON object with 'ids' and/or 'titles'",
            _ARTICLES,
        )
        for name, values in labels.items():
            require(
                isinstance(values, list) and len(values) == rows
                and all(isinstance(v, str) for v in values),
                f"'{name}' is not {rows:,} strings (one per indexed article)",
                _ARTICLES,
            )
        index = cls(vectorizer=vectorizer)
        matrix = sp.csr_matrix((data, indices, indptr), shape=(rows, columns))
        try:
            matrix.check_format(full_check=True)
        except ValueError as error:
            raise reader.error(f"the arrays are not a CSR matrix ({error})", "indices.npy") from None
        index.matrix_ = matrix
        for name, values in labels.items():
            setattr(index, f"{name}_", values)
        return index


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _width(vectorizer: Any) -> int | None:
    """How many columns ``vectorizer``'s vectors have (None when it makes none)."""
    if isinstance(vectorizer, HashingVectorizer):
        return int(vectorizer.n_features)
    if isinstance(vectorizer, CountVectorizer):
        try:
            return len(vectorizer.vocabulary_)
        except AttributeError:
            return None
    return None


def _labels(ids: Any, titles: Any, n: int, owner: str) -> dict[str, list[str]]:
    """``ids`` and ``titles`` given for ``n`` articles, as strings; missing ones refused (they
    would be kept as the strings 'None' and 'nan')."""
    labels = {}
    for name, values in (("ids", ids), ("titles", titles)):
        try:
            checked = _params.row_names(name, values, n, unit="documents")
        except ParameterError as error:
            raise ParameterError(f"{owner}: {error}") from None
        if checked is not None:
            labels[name] = [str(v) for v in checked]
    return labels
