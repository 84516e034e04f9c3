"""CountVectorizer: scikit-learn's, Unicode-correct and parallel (see ``textsim._vectorizer``
for what the vectorizers share)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import scipy.sparse as sp

from textsim import _core, _params
from textsim._analysis import analysis_settings
from textsim._csr import from_core, stack
from textsim._documents import NOT_ITERABLE
from textsim._exceptions import NotFittedError
from textsim._stats import CorpusStats
from textsim._tokenizer import DEFAULT_TOKEN_PATTERN
from textsim._estimator import restores_on_failure
from textsim._vectorizer import Vectorizer, vectorizer_parameters


class CountVectorizer(Vectorizer):
    """Convert a collection of text documents to a matrix of token counts.

    scikit-learn's ``CountVectorizer`` (same parameters, attributes, results and errors) where
    it is right, with Unicode word characters (Bengali words stay whole), Unicode
    normalization and Bengali folding, in parallel on ``n_jobs`` threads with the interpreter
    lock released. Fitting keeps only statistics, so a generator of documents is read one
    batch at a time and memory is bounded by the batch and the vocabulary.

    Parameters
    ----------
    <parameters>

    Attributes
    ----------
    vocabulary_ : dict
        A mapping of terms to column indices.
    fixed_vocabulary_ : bool
        Whether the vocabulary was given (``vocabulary``) rather than learnt.
    corpus_stats_ : CorpusStats
        The statistics accumulated by :meth:`partial_fit`.

    Raises
    ------
    textsim.MissingDocumentError
        If a document is missing and ``missing="error"`` (a ValueError, as scikit-learn's).

    See Also
    --------
    TfidfVectorizer : Counts weighted by TF-IDF.
    HashingVectorizer : Counts in hashed columns, with nothing to fit.
    Tokenizer : The tokens alone.

    Examples
    --------
    >>> import textsim
    >>> docs = ["আমার সোনার বাংলা", "সোনার তরী", "the golden boat"]
    >>> vectorizer = textsim.CountVectorizer()
    >>> X = vectorizer.fit_transform(docs)
    >>> vectorizer.get_feature_names_out().tolist()
    ['boat', 'golden', 'the', 'আমার', 'তরী', 'বাংলা', 'সোনার']
    >>> X.toarray()
    array([[0, 0, 0, 1, 0, 1, 1],
           [0, 0, 0, 0, 1, 0, 1],
           [1, 1, 1, 0, 0, 0, 0]])
    """

    _model_name = "CountVectorizer"

    def __init__(
        self,
        *,
        input: str = "content",
        encoding: str = "utf-8",
        decode_error: str = "strict",
        strip_accents: Any = None,
        lowercase: bool = True,
        preprocessor: Any = None,
        tokenizer: Any = None,
        stop_words: Any = None,
        token_pattern: str | None = DEFAULT_TOKEN_PATTERN,
        ngram_range: tuple[int, int] = (1, 1),
        analyzer: Any = "word",
        max_df: float | int = 1.0,
        min_df: float | int = 1,
        max_features: int | None = None,
        vocabulary: Any = None,
        binary: bool = False,
        dtype: Any = np.int64,
        unicode_normalization: str | None = "NFC",
        bengali_folding: bool = True,
        fold_digits: bool = False,
        n_jobs: int | None = None,
        clean_scraped: bool = False,
        stemmer: str | None = None,
        missing: str = "error",
    ) -> None:
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.strip_accents = strip_accents
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.analyzer = analyzer
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.stop_words = stop_words
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.ngram_range = ngram_range
        self.vocabulary = vocabulary
        self.binary = binary
        self.dtype = dtype
        self.unicode_normalization = unicode_normalization
        self.bengali_folding = bengali_folding
        self.fold_digits = fold_digits
        self.n_jobs = n_jobs
        self.clean_scraped = clean_scraped
        self.stemmer = stemmer
        self.missing = missing

    # -- vocabulary --------------------------------------------------------------------------

    def _validate_vocabulary(self) -> None:
        vocabulary = _params.vocabulary(self.vocabulary)
        self.fixed_vocabulary_ = vocabulary is not None
        if vocabulary is not None:
            self.vocabulary_ = vocabulary

    def _has_vocabulary(self) -> bool:
        """Whether a vocabulary is fitted or set (without making the ``vocabulary_`` dict)."""
        return "_vocabulary" in self.__dict__ or "_core_vocabulary" in self.__dict__

    def _check_vocabulary(self) -> None:
        if not self._has_vocabulary():
            self._validate_vocabulary()
            if not self.fixed_vocabulary_:
                raise NotFittedError("Vocabulary not fitted or provided")
        if len(self._vocabulary_core()) == 0:
            raise ValueError("Vocabulary is empty")

    # ``vocabulary_`` is a dict, as in scikit-learn, made from the Rust vocabulary only when
    # someone asks for it: a large vocabulary's dict costs more than counting does.

    @property
    def vocabulary_(self) -> dict[str, int]:
        """A mapping of terms to column indices (made when first asked for).

        See Also
        --------
        get_feature_names_out : The terms in column order, without the dict.

        Examples
        --------
        >>> import textsim
        >>> textsim.CountVectorizer().fit(["সোনার তরী"]).vocabulary_
        {'তরী': 0, 'সোনার': 1}
        """
        if "_vocabulary" not in self.__dict__:
            core = self.__dict__.get("_core_vocabulary")
            if core is None:
                raise AttributeError(f"'{type(self).__name__}' object has no attribute 'vocabulary_'")
            self._vocabulary = core.as_dict()
        return self._vocabulary

    @vocabulary_.setter
    def vocabulary_(self, value: dict[str, int]) -> None:
        self._vocabulary = value
        self.__dict__.pop("_core_vocabulary", None)

    def _vocabulary_core(self) -> _core.VocabularyCore:
        """The Rust vocabulary for ``vocabulary_`` (rebuilt when ``vocabulary_`` was replaced)."""
        core = self.__dict__.get("_core_vocabulary")
        vocabulary = self.__dict__.get("_vocabulary")
        if core is not None and (vocabulary is None or len(vocabulary) == len(core)):
            return core
        terms = [t for t, _ in sorted(self.vocabulary_.items(), key=lambda item: item[1])]
        core = _core.VocabularyCore(terms)
        self._core_vocabulary = core
        return core

    def __getstate__(self) -> dict[str, Any]:
        if "_core_vocabulary" in self.__dict__:
            self.vocabulary_  # noqa: B018 (made now: the Rust vocabulary is not pickled)
        return super().__getstate__()

    def _value_dtype(self) -> Any:
        return self.dtype

    @staticmethod
    def _core_dtype(dtype: Any) -> str:
        name = np.dtype(dtype).name
        if name in ("int32", "int64", "float32", "float64"):
            return name
        return "float64" if np.issubdtype(np.dtype(dtype), np.floating) else "int64"

    # -- fitting and transforming ------------------------------------------------------------

    def fit(
        self,
        raw_documents: Iterable[Any],
        y: Any = None,
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
    ) -> CountVectorizer:
        """Learn the vocabulary of the documents.

        Only statistics are kept (each term's document frequency and total count), so memory
        is bounded by one batch of documents and the vocabulary, not by the corpus. The
        vocabulary is the one :meth:`fit_transform` learns.

        Parameters
        ----------
        raw_documents : iterable of str or bytes
            The documents (a list, a pandas Series, an Arrow string array, a generator).
        y : None
            Ignored (scikit-learn's signature).
        batch_size : int or None, default=None
            How many documents of a generator (or other iterator) are read and analyzed at
            a time; None: 8,192. Lists are analyzed whole unless given.
        progress : bool or None, default=None
            A progress bar (tqdm), advanced per batch. None shows one for more than one
            batch when a terminal or Jupyter is watching; True always, False never.

        Returns
        -------
        object
            The fitted vectorizer.

        Raises
        ------
        ValueError
            If ``raw_documents`` is a single str, or pruning leaves no terms.
        textsim.MissingDocumentError
            If a document is missing and ``missing="error"``.

        See Also
        --------
        fit_transform : Fit and return the matrix.
        partial_fit : Fit on a corpus given in parts.

        Examples
        --------
        >>> import textsim
        >>> vectorizer = textsim.CountVectorizer(min_df=2)
        >>> vectorizer.fit(["সোনার তরী", "সোনার বাংলা", "আমার বাংলা"]).get_feature_names_out()
        array(['বাংলা', 'সোনার'], dtype=object)
        """
        if isinstance(raw_documents, str):
            raise ValueError(NOT_ITERABLE)
        with self._unchanged_on_failure():
            self._fit_from_documents(raw_documents, batch_size, progress)
        return self

    def _fit_from_documents(self, raw_documents: Any, batch_size: int | None, progress: Any) -> None:
        self.__dict__.pop("_partial_stats", None)
        if self.vocabulary is not None:
            # Nothing to learn but the checks and warnings, which the counting path gives.
            self._fit(raw_documents, tfidf=None, batch_size=batch_size, progress=progress)
            return
        self._start_fit()
        self._fit_options()  # checked before reading any document
        stats = CorpusStats(self)
        self._analysis().add_statistics(stats._core_stats, raw_documents, batch_size, progress)
        self._finish_from_stats(stats)

    def partial_fit(
        self, raw_documents: Iterable[Any], y: Any = None, *, batch_size: int | None = None
    ) -> CountVectorizer:
        """Add documents to the statistics of every ``partial_fit`` since the last ``fit``.

        The statistics are ``corpus_stats_``; :meth:`fit_from_stats` then learns the
        vocabulary from all of them, as one ``fit`` over all the documents would. A failure
        part-way leaves the statistics as they were.

        Parameters
        ----------
        raw_documents : iterable of str or bytes
            The documents.
        y : None
            Ignored (scikit-learn's signature).
        batch_size : int or None, default=None
            How many documents of a generator are read at a time; None: 8,192.

        Returns
        -------
        object
            The vectorizer, with the documents added to ``corpus_stats_``.

        Raises
        ------
        textsim.ParameterError
            If the analyzer parameters changed since the statistics were started.

        See Also
        --------
        fit_from_stats : Learn the vocabulary from the statistics.
        CorpusStats : Statistics made and merged elsewhere.

        Examples
        --------
        >>> import textsim
        >>> vectorizer = textsim.CountVectorizer()
        >>> vectorizer.partial_fit(["সোনার তরী"]).partial_fit(["সোনার বাংলা"])
        CountVectorizer()
        >>> vectorizer.fit_from_stats().vocabulary_
        {'তরী': 0, 'বাংলা': 1, 'সোনার': 2}
        """
        if isinstance(raw_documents, str):
            raise ValueError(NOT_ITERABLE)
        with self._unchanged_on_failure():
            self._validate_params()
            stats = self.__dict__.get("_partial_stats")
            if stats is not None:
                stats.check_settings(analysis_settings(self), "partial_fit into")
            self._forget_cores()
            # The new documents' statistics join the old ones only once all of them are read,
            # so a failure part-way leaves the statistics as they were.
            added = CorpusStats(self)
            self._analysis().add_statistics(added._core_stats, raw_documents, batch_size)
            self._partial_stats = added if stats is None else stats.merge(added)
        return self

    @property
    def corpus_stats_(self) -> CorpusStats:
        """The statistics accumulated by ``partial_fit`` since the last ``fit``.

        See Also
        --------
        fit_from_stats : Learn the vocabulary from them.

        Examples
        --------
        >>> import textsim
        >>> textsim.CountVectorizer().partial_fit(["সোনার তরী"]).corpus_stats_
        CorpusStats(2 terms, 1 documents)
        """
        stats = self.__dict__.get("_partial_stats")
        if stats is None:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute 'corpus_stats_'")
        return stats

    def fit_from_stats(self, stats: CorpusStats | None = None) -> CountVectorizer:
        """Learn the vocabulary (and, for TfidfVectorizer, the idf) from corpus statistics.

        ``min_df``, ``max_df`` and ``max_features`` prune them exactly as ``fit`` over the
        same documents would.

        Parameters
        ----------
        stats : CorpusStats or None, default=None
            The statistics, made with this vectorizer's analyzer parameters; None:
            ``corpus_stats_`` (from :meth:`partial_fit`).

        Returns
        -------
        object
            The fitted vectorizer.

        Raises
        ------
        textsim.NotFittedError
            If ``stats`` is None and there was no ``partial_fit``.
        textsim.ParameterError
            If the statistics were made with other analyzer parameters.
        TypeError
            If ``stats`` is not CorpusStats.

        See Also
        --------
        CorpusStats : Statistics mergeable across batches and machines.
        textsim.dask.fit : The same on a Dask collection.

        Examples
        --------
        >>> import textsim
        >>> vectorizer = textsim.CountVectorizer()
        >>> stats = textsim.CorpusStats(vectorizer).update(["সোনার তরী", "সোনার বাংলা"])
        >>> vectorizer.fit_from_stats(stats).get_feature_names_out().tolist()
        ['তরী', 'বাংলা', 'সোনার']
        """
        if stats is None:
            stats = self.__dict__.get("_partial_stats")
            if stats is None:
                raise NotFittedError(
                    f"This {type(self).__name__} has no statistics: call partial_fit first, or "
                    "pass CorpusStats"
                )
        if not isinstance(stats, CorpusStats):
            raise TypeError(f"fit_from_stats: expected CorpusStats, got {type(stats).__name__}")
        stats.check_settings(analysis_settings(self), "fit from")
        with self._unchanged_on_failure():
            self._start_fit()
            if self.fixed_vocabulary_:
                self._from_stats_with_fixed_vocabulary(stats)
                return self
            self._finish_from_stats(stats)
        return self

    def _check_saved_params(self) -> None:
        super()._check_saved_params()
        _params.vocabulary(self.vocabulary)
        self._fit_options()
        self._core_dtype(self._value_dtype())

    def _start_fit(self) -> None:
        """What every fit checks and forgets first."""
        self._validate_params()
        self._warn_for_unused_params()
        self._validate_vocabulary()
        self._forget_cores()

    def _from_stats_with_fixed_vocabulary(self, stats: CorpusStats) -> None:
        """A fixed vocabulary has nothing to learn from statistics but the number of documents."""
        self._n_documents = stats.n_documents

    def _finish_from_stats(self, stats: CorpusStats) -> None:
        vocabulary, df, idf, n_documents = stats._core_stats.finish(
            **self._fit_options(), smooth_idf=self._smooth_idf_for_fit()
        )
        self.__dict__.pop("_vocabulary", None)
        self._core_vocabulary = vocabulary
        self._n_documents = int(n_documents)
        self._fitted_weights(df, idf, n_documents, len(vocabulary))

    def _smooth_idf_for_fit(self) -> bool | None:
        """``smooth_idf`` when the fit learns an idf, else None."""
        return None

    def _fitted_weights(self, df: np.ndarray, idf: Any, n_documents: int, n_features: int) -> None:
        """Keeps what the fit learnt beyond the vocabulary (the idf, for TfidfVectorizer)."""

    def _fit_options(self) -> dict[str, Any]:
        """The pruning parameters, checked, as the core takes them."""
        return _params.fit_options(
            type(self).__name__,
            min_df=self.min_df,
            max_df=self.max_df,
            max_features=self.max_features,
            binary=self.binary,
        )

    def _fit(
        self, raw_documents: Any, tfidf: Any, batch_size: int | None = None, progress: Any = None
    ) -> tuple[sp.csr_matrix, Any]:
        if isinstance(raw_documents, str):
            raise ValueError(NOT_ITERABLE)
        self._start_fit()
        dtype = self._value_dtype()
        if self.fixed_vocabulary_:
            if self.lowercase and any(any(map(str.isupper, t)) for t in self.vocabulary):
                warnings.warn(
                    "Upper case characters found in vocabulary while 'lowercase' is True. "
                    "These entries will not be matched with any documents"
                )
            matrix = self._transform(
                raw_documents, tfidf=None, batch_size=batch_size, progress=progress
            )
            self._n_documents = matrix.shape[0]
            return matrix, None
        settings = dict(self._fit_options(), dtype=self._core_dtype(dtype), tfidf=tfidf)
        # Each batch is counted as it comes (a list is one batch), then one merge finishes.
        analysis = self._analysis()
        fitter = None
        for offset, docs, analyzed in analysis.batches(raw_documents, batch_size, progress, "fit"):
            if fitter is None:
                fitter = _core.FitterCore(analysis.core_for(analyzed))
            fitter.add(docs, analyzed=analyzed, first_document=offset)
            del docs
        if fitter is None:
            fitter = _core.FitterCore(analysis.core_for(False))
        vocabulary, df, idf, parts = fitter.finish(**settings)
        self.__dict__.pop("_vocabulary", None)
        self._core_vocabulary = vocabulary
        self._n_documents = parts[3][0]
        return from_core(parts, dtype), (df, idf, parts[3][0])

    def fit_transform(
        self,
        raw_documents: Iterable[Any],
        y: Any = None,
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
    ) -> sp.csr_matrix:
        """Learn the vocabulary and return the document-term matrix.

        Parameters
        ----------
        raw_documents : iterable of str or bytes
            The documents (a list, a pandas Series, an Arrow string array, a generator).
        y : None
            Ignored (scikit-learn's signature).
        batch_size : int or None, default=None
            How many documents of a generator (or other iterator) are read and analyzed at
            a time; None: 8,192. Lists are analyzed whole unless given.
        progress : bool or None, default=None
            A progress bar (tqdm), advanced per batch. None shows one for more than one
            batch when a terminal or Jupyter is watching; True always, False never.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_terms)
            The counts, columns in the order of ``get_feature_names_out()``.

        Raises
        ------
        ValueError
            If ``raw_documents`` is a single str, or pruning leaves no terms.
        textsim.MissingDocumentError
            If a document is missing and ``missing="error"``.

        See Also
        --------
        transform : The matrix of other documents, with this vocabulary.

        Examples
        --------
        >>> import textsim
        >>> X = textsim.CountVectorizer().fit_transform(["সোনার তরী সোনার", "তরী"])
        >>> X.toarray()
        array([[1, 2],
               [1, 0]])
        """
        with self._unchanged_on_failure():
            self.__dict__.pop("_partial_stats", None)
            matrix, _ = self._fit(
                raw_documents, tfidf=None, batch_size=batch_size, progress=progress
            )
        return matrix

    def _transform(
        self, raw_documents: Any, tfidf: Any, batch_size: int | None = None, progress: Any = None
    ) -> sp.csr_matrix:
        if isinstance(raw_documents, str):
            raise ValueError(NOT_ITERABLE)
        self._check_vocabulary()
        dtype = self._value_dtype()
        vocabulary = self._vocabulary_core()
        analysis = self._analysis()
        matrices = []
        for offset, docs, analyzed in analysis.batches(
            raw_documents, batch_size, progress, "transform"
        ):
            parts = analysis.core_for(analyzed).transform(
                docs, analyzed=analyzed, vocabulary=vocabulary, binary=bool(self.binary),
                dtype=self._core_dtype(dtype), tfidf=tfidf, first_document=offset,
            )
            matrices.append(from_core(parts, dtype))
        return stack(matrices, len(vocabulary), dtype)

    @restores_on_failure
    def transform(
        self,
        raw_documents: Iterable[Any],
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
    ) -> sp.csr_matrix:
        """Return the document-term matrix of documents, with the fitted vocabulary.

        Terms the vocabulary does not have are ignored.

        Parameters
        ----------
        raw_documents : iterable of str or bytes
            The documents.
        batch_size : int or None, default=None
            How many documents of a generator (or other iterator) are read and analyzed at
            a time; None: 8,192. Lists are analyzed whole unless given.
        progress : bool or None, default=None
            A progress bar (tqdm), advanced per batch. None shows one for more than one
            batch when a terminal or Jupyter is watching; True always, False never.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_terms)
            The counts.

        Raises
        ------
        textsim.NotFittedError
            If there is no vocabulary (neither fitted nor given).

        See Also
        --------
        fit_transform : Learn the vocabulary too.

        Examples
        --------
        >>> import textsim
        >>> vectorizer = textsim.CountVectorizer().fit(["সোনার তরী"])
        >>> vectorizer.transform(["সোনার বাংলা সোনার"]).toarray()
        array([[0, 2]])
        """
        return self._transform(
            raw_documents, tfidf=None, batch_size=batch_size, progress=progress
        )

    def inverse_transform(self, X: Any) -> list[np.ndarray]:
        """Return the terms of each row's non-zero entries.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_documents, n_terms)
            A document-term matrix.

        Returns
        -------
        list of numpy.ndarray
            For each row, its terms, in column order.

        Raises
        ------
        ValueError
            If ``X`` is dense and not two-dimensional.

        See Also
        --------
        get_feature_names_out : Every term.

        Examples
        --------
        >>> import textsim
        >>> vectorizer = textsim.CountVectorizer()
        >>> X = vectorizer.fit_transform(["সোনার তরী", "আমার বাংলা"])
        >>> [terms.tolist() for terms in vectorizer.inverse_transform(X)]
        [['তরী', 'সোনার'], ['আমার', 'বাংলা']]
        """
        self._check_vocabulary()
        terms = self.get_feature_names_out()
        inverse = np.array(list(terms))
        if sp.issparse(X):
            X = sp.csr_matrix(X)
            return [inverse[X[i, :].nonzero()[-1]].ravel() for i in range(X.shape[0])]
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"Expected 2D array, got {X.ndim}D array instead.")
        return [inverse[np.flatnonzero(X[i, :])].ravel() for i in range(X.shape[0])]

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Return the terms, in column order.

        Parameters
        ----------
        input_features : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        numpy.ndarray of str objects
            The terms; column ``j`` of the matrices is term ``j``.

        Raises
        ------
        textsim.NotFittedError
            If there is no vocabulary.

        See Also
        --------
        inverse_transform : The terms of each row.

        Examples
        --------
        >>> import textsim
        >>> textsim.CountVectorizer().fit(["the cat", "সোনার তরী"]).get_feature_names_out()
        array(['cat', 'the', 'তরী', 'সোনার'], dtype=object)
        """
        self._check_vocabulary()
        return np.asarray(self._vocabulary_core().terms(), dtype=object)


CountVectorizer.__doc__ = vectorizer_parameters(
    CountVectorizer.__doc__ or "",
    [
        "input", "encoding", "decode_error", "strip_accents", "lowercase", "preprocessor",
        "tokenizer", "stop_words", "token_pattern", "ngram_range", "analyzer", "max_df",
        "min_df", "max_features", "vocabulary", "binary", "dtype", "unicode_normalization",
        "bengali_folding", "fold_digits", "n_jobs", "clean_scraped", "stemmer", "missing",
    ],
    {
        "dtype": """dtype : dtype, default=numpy.int64
        The type of the matrix's values.""",
    },
)
