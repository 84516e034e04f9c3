"""TfidfVectorizer: scikit-learn's (a CountVectorizer followed by a TfidfTransformer), with
textsim's text semantics and all the work in parallel in Rust."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import scipy.sparse as sp

from textsim import _params
from textsim._count_vectorizer import CountVectorizer
from textsim._exceptions import NotFittedError, ParameterError
from textsim._stats import CorpusStats
from textsim._tfidf_transformer import TfidfTransformer
from textsim._tokenizer import DEFAULT_TOKEN_PATTERN
from textsim._estimator import restores_on_failure
from textsim._vectorizer import vectorizer_parameters

_FLOAT_DTYPES = (np.float64, np.float32, np.float16)


class TfidfVectorizer(CountVectorizer):
    """Convert a collection of raw documents to a matrix of TF-IDF features.

    scikit-learn's ``TfidfVectorizer`` (``CountVectorizer`` followed by ``TfidfTransformer``:
    same parameters, attributes, results and errors), with textsim's text semantics (Bengali
    words stay whole, Unicode normalization and Bengali folding) and all the work, from
    decoding to the weighted CSR matrix, in parallel in Rust with the interpreter lock
    released. Its rows are what :func:`most_similar`, :func:`similar_pairs` and
    :func:`group_articles` compare.

    Parameters
    ----------
    <parameters>

    Attributes
    ----------
    vocabulary_ : dict
        A mapping of terms to column indices.
    idf_ : numpy.ndarray of shape (n_terms,)
        The inverse document frequency of each term (with ``use_idf=True``).
    fixed_vocabulary_ : bool
        Whether the vocabulary was given rather than learnt.
    corpus_stats_ : CorpusStats
        The statistics accumulated by :meth:`partial_fit`.

    Raises
    ------
    textsim.MissingDocumentError
        If a document is missing and ``missing="error"`` (a ValueError, as scikit-learn's).

    See Also
    --------
    CountVectorizer : The counts alone.
    SimilarityIndex : A fitted vectorizer and its vectors, to query with new texts.
    most_similar : The most similar rows of the matrix.

    Examples
    --------
    >>> import textsim
    >>> docs = ["সোনার তরী", "আমার সোনার বাংলা", "বাংলার মাটি বাংলার জল"]
    >>> vectorizer = textsim.TfidfVectorizer()
    >>> X = vectorizer.fit_transform(docs)
    >>> X.shape
    (3, 7)
    >>> vectorizer.get_feature_names_out().tolist()
    ['আমার', 'জল', 'তরী', 'বাংলা', 'বাংলার', 'মাটি', 'সোনার']
    >>> X[0].toarray().round(3)
    array([[0.   , 0.   , 0.796, 0.   , 0.   , 0.   , 0.605]])
    """

    _model_name = "TfidfVectorizer"

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
        analyzer: Any = "word",
        stop_words: Any = None,
        token_pattern: str | None = DEFAULT_TOKEN_PATTERN,
        ngram_range: tuple[int, int] = (1, 1),
        max_df: float | int = 1.0,
        min_df: float | int = 1,
        max_features: int | None = None,
        vocabulary: Any = None,
        binary: bool = False,
        dtype: Any = np.float64,
        norm: str | None = "l2",
        use_idf: bool = True,
        smooth_idf: bool = True,
        sublinear_tf: bool = False,
        unicode_normalization: str | None = "NFC",
        bengali_folding: bool = True,
        fold_digits: bool = False,
        n_jobs: int | None = None,
        clean_scraped: bool = False,
        stemmer: str | None = None,
        missing: str = "error",
    ) -> None:
        super().__init__(
            input=input, encoding=encoding, decode_error=decode_error,
            strip_accents=strip_accents, lowercase=lowercase, preprocessor=preprocessor,
            tokenizer=tokenizer, analyzer=analyzer, stop_words=stop_words,
            token_pattern=token_pattern, ngram_range=ngram_range, max_df=max_df, min_df=min_df,
            max_features=max_features, vocabulary=vocabulary, binary=binary, dtype=dtype,
            unicode_normalization=unicode_normalization, bengali_folding=bengali_folding,
            fold_digits=fold_digits, n_jobs=n_jobs, clean_scraped=clean_scraped,
            stemmer=stemmer, missing=missing,
        )
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf

    @property
    def idf_(self) -> np.ndarray:
        """The inverse document frequency of each term, only defined if ``use_idf=True``.

        See Also
        --------
        TfidfTransformer : The weighting.

        Examples
        --------
        >>> import textsim
        >>> vectorizer = textsim.TfidfVectorizer().fit(["সোনার তরী", "সোনার বাংলা"])
        >>> vectorizer.idf_.round(3)
        array([1.405, 1.405, 1.   ])
        """
        if not hasattr(self, "_tfidf"):
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet. Call 'fit' with appropriate "
                "arguments before using this attribute."
            )
        return self._tfidf.idf_

    @idf_.setter
    def idf_(self, value: Any) -> None:
        if not self.use_idf:
            raise ValueError("`idf_` cannot be set when `user_idf=False`.")
        if not hasattr(self, "_tfidf"):
            self._tfidf = self._transformer()
        self._validate_vocabulary()
        if self._has_vocabulary():
            _params.idf_length(len(value), len(self._vocabulary_core()))
        self._tfidf.idf_ = value

    def _transformer(self) -> TfidfTransformer:
        return TfidfTransformer(
            norm=self.norm, use_idf=self.use_idf, smooth_idf=self.smooth_idf,
            sublinear_tf=self.sublinear_tf,
        )

    def _value_dtype(self) -> Any:
        if np.dtype(self.dtype) not in (np.dtype(np.float64), np.dtype(np.float32)):
            return np.float64
        return self.dtype

    def _check_params(self) -> None:
        if np.dtype(self.dtype) not in [np.dtype(t) for t in _FLOAT_DTYPES]:
            warnings.warn(
                f"Only {_FLOAT_DTYPES} 'dtype' should be used. {self.dtype} 'dtype' will be "
                "converted to np.float64.",
                UserWarning,
            )
        _params.norm(type(self).__name__, self.norm)

    def _check_saved_params(self) -> None:
        super()._check_saved_params()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._check_params()

    @restores_on_failure
    def fit(
        self,
        raw_documents: Iterable[Any],
        y: Any = None,
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
    ) -> TfidfVectorizer:
        """Learn the vocabulary and the idf of the documents.

        From statistics only, as :meth:`CountVectorizer.fit` (memory bounded by a batch and
        the vocabulary); with a fixed vocabulary, by counting.

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
        TfidfVectorizer
            The fitted vectorizer.

        Raises
        ------
        ValueError
            If ``raw_documents`` is a single str, or pruning leaves no terms.

        See Also
        --------
        fit_transform : Fit and return the matrix.

        Examples
        --------
        >>> import textsim
        >>> vectorizer = textsim.TfidfVectorizer().fit(["সোনার তরী", "সোনার বাংলা"])
        >>> len(vectorizer.vocabulary_)
        3
        """
        self._check_params()
        if self.vocabulary is not None:
            self.fit_transform(raw_documents, batch_size=batch_size, progress=progress)
            return self
        super().fit(raw_documents, batch_size=batch_size, progress=progress)
        return self

    @restores_on_failure
    def fit_from_stats(self, stats: CorpusStats | None = None) -> TfidfVectorizer:
        """Learn the vocabulary and the idf from corpus statistics, as ``fit`` would.

        Parameters
        ----------
        stats : CorpusStats or None, default=None
            The statistics, made with this vectorizer's analyzer parameters; None:
            ``corpus_stats_`` (from :meth:`partial_fit`).

        Returns
        -------
        TfidfVectorizer
            The fitted vectorizer.

        Raises
        ------
        textsim.NotFittedError
            If ``stats`` is None and there was no ``partial_fit``.
        textsim.ParameterError
            If the statistics were made with other analyzer parameters.

        See Also
        --------
        CorpusStats : Statistics mergeable across batches and machines.

        Examples
        --------
        >>> import textsim
        >>> parts = [["সোনার তরী"], ["সোনার বাংলা"]]
        >>> stats = [textsim.CorpusStats().update(part) for part in parts]
        >>> merged = stats[0].merge(stats[1])
        >>> from_stats = textsim.TfidfVectorizer().fit_from_stats(merged)
        >>> fitted = textsim.TfidfVectorizer().fit(["সোনার তরী", "সোনার বাংলা"])
        >>> bool((from_stats.idf_ == fitted.idf_).all())
        True
        """
        self._check_params()
        super().fit_from_stats(stats)
        return self

    def _from_stats_with_fixed_vocabulary(self, stats: CorpusStats) -> None:
        """The idf of the fixed vocabulary, from the statistics' document frequencies of its
        terms: what ``fit`` computes by counting them."""
        super()._from_stats_with_fixed_vocabulary(stats)
        df = stats._core_stats.document_frequencies(self._vocabulary_core())
        transformer = self._transformer()
        transformer._set_fitted_from_frequencies(df, stats.n_documents, np.dtype(self._value_dtype()))
        self._tfidf = transformer

    def _smooth_idf_for_fit(self) -> bool | None:
        return bool(self.smooth_idf) if self.use_idf else None

    def _fitted_weights(self, df: np.ndarray, idf: Any, n_documents: int, n_features: int) -> None:
        transformer = self._transformer()
        transformer._set_fitted(df, idf, n_documents, n_features, np.dtype(self._value_dtype()))
        self._tfidf = transformer

    def fit_transform(
        self,
        raw_documents: Iterable[Any],
        y: Any = None,
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
    ) -> sp.csr_matrix:
        """Learn the vocabulary and the idf, and return the TF-IDF matrix.

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
            The TF-IDF weights, rows normalized by ``norm``; float64 unless ``dtype`` is
            numpy.float32.

        Raises
        ------
        ValueError
            If ``raw_documents`` is a single str, or pruning leaves no terms.
        textsim.MissingDocumentError
            If a document is missing and ``missing="error"``.

        See Also
        --------
        transform : The matrix of new documents, with this vocabulary and idf.

        Examples
        --------
        >>> import textsim
        >>> X = textsim.TfidfVectorizer().fit_transform(["সোনার তরী", "সোনার বাংলা"])
        >>> X.toarray().round(3)
        array([[0.815, 0.   , 0.58 ],
               [0.   , 0.815, 0.58 ]])
        """
        with self._unchanged_on_failure():
            return self._fit_transform(raw_documents, batch_size, progress)

    def _fit_transform(
        self, raw_documents: Iterable[Any], batch_size: int | None, progress: Any
    ) -> sp.csr_matrix:
        self._check_params()
        self.__dict__.pop("_partial_stats", None)
        transformer = self._transformer()
        if self.vocabulary is not None:
            # A fixed vocabulary: count, then weigh as scikit-learn does.
            counts, _ = self._fit(
                raw_documents, tfidf=None, batch_size=batch_size, progress=progress
            )
            transformer.fit(counts)
            self._tfidf = transformer
            return transformer.transform(counts, copy=False)
        settings = (bool(self.use_idf), bool(self.smooth_idf), bool(self.sublinear_tf), self.norm)
        matrix, (df, idf, n_documents) = self._fit(
            raw_documents, tfidf=settings, batch_size=batch_size, progress=progress
        )
        transformer._set_fitted(df, idf, n_documents, matrix.shape[1], matrix.dtype)
        self._tfidf = transformer
        return matrix

    @restores_on_failure
    def transform(
        self,
        raw_documents: Iterable[Any],
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
    ) -> sp.csr_matrix:
        """Return the TF-IDF matrix of documents, with the fitted vocabulary and idf.

        Terms the vocabulary does not have are ignored; the weighting (``norm``,
        ``sublinear_tf``) is the one chosen at fit time, as in scikit-learn.

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
            The TF-IDF weights.

        Raises
        ------
        textsim.NotFittedError
            If the vectorizer is not fitted.

        See Also
        --------
        fit_transform : Fit and transform the same documents.

        Examples
        --------
        >>> import textsim
        >>> vectorizer = textsim.TfidfVectorizer().fit(["সোনার তরী", "সোনার বাংলা"])
        >>> vectorizer.transform(["বাংলা", "কলকাতা"]).toarray()
        array([[0., 1., 0.],
               [0., 0., 0.]])
        """
        if not hasattr(self, "_tfidf"):
            has_vocabulary = "_vocabulary" in self.__dict__ or "_core_vocabulary" in self.__dict__
            if self.use_idf or not has_vocabulary:
                raise NotFittedError("The TF-IDF vectorizer is not fitted")
            # Without idf the vocabulary is all the fitted state (a loaded model, say).
            self._tfidf = self._transformer()
        # The weighting chosen at fit time holds until the next fit, as in scikit-learn.
        fitted = self._tfidf
        idf = fitted.__dict__.get("idf_")
        if idf is not None and self._has_vocabulary():
            _params.idf_length(len(idf), len(self._vocabulary_core()), ParameterError)
        settings = (
            # Aligned: an idf unpickled from a network buffer (Dask) can be misaligned.
            None if idf is None else np.require(idf, dtype=np.float64, requirements=["C", "A"]),
            bool(fitted.sublinear_tf),
            fitted.norm,
        )
        return self._transform(
            raw_documents, tfidf=settings, batch_size=batch_size, progress=progress
        )

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags._skip_test = True
        return tags


TfidfVectorizer.__doc__ = vectorizer_parameters(
    TfidfVectorizer.__doc__ or "",
    [
        "input", "encoding", "decode_error", "strip_accents", "lowercase", "preprocessor",
        "tokenizer", "analyzer", "stop_words", "token_pattern", "ngram_range", "max_df",
        "min_df", "max_features", "vocabulary", "binary", "dtype", "norm", "use_idf",
        "smooth_idf", "sublinear_tf", "unicode_normalization", "bengali_folding",
        "fold_digits", "n_jobs", "clean_scraped", "stemmer", "missing",
    ],
    {
        "binary": """binary : bool, default=False
        Count every term once per document (the tf is 1 or 0) before weighting.""",
        "dtype": """dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        The type of the matrix's values; any other gives float64 (with scikit-learn's
        warning for a type that is not a float).""",
        "use_idf": """use_idf : bool, default=True
        Weight terms by their inverse document frequency.""",
        "smooth_idf": """smooth_idf : bool, default=True
        Smooth the idf, as if one more document held every term once:
        idf = ln((1 + n) / (1 + df)) + 1;
        False: ln(n / df) + 1.""",
        "sublinear_tf": """sublinear_tf : bool, default=False
        Replace each count tf by 1 + ln(tf).""",
    },
)
