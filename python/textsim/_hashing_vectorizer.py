"""HashingVectorizer: bit-compatible with scikit-learn's, stateless and parallel (see
``textsim._vectorizer`` for what the vectorizers share)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import scipy.sparse as sp

from textsim import _params
from textsim._csr import from_core, stack
from textsim._documents import NOT_ITERABLE
from textsim._tokenizer import DEFAULT_TOKEN_PATTERN
from textsim._estimator import restores_on_failure
from textsim._vectorizer import Vectorizer, vectorizer_parameters


class HashingVectorizer(Vectorizer):
    """Convert a collection of text documents to a matrix of token occurrences, by hashing.

    Bit-compatible with scikit-learn's ``HashingVectorizer`` (MurmurHash3, seed 0, of each
    feature's UTF-8 bytes; same sign and column rule) on the same features, stateless (there
    is nothing to fit, so no vocabulary is held), and parallel.

    Parameters
    ----------
    <parameters>

    See Also
    --------
    CountVectorizer : Counts with a vocabulary, whose columns have names.
    TfidfTransformer : Weigh the hashed counts by idf.

    Examples
    --------
    >>> import textsim
    >>> vectorizer = textsim.HashingVectorizer(n_features=16, norm=None, alternate_sign=False)
    >>> X = vectorizer.transform(["সোনার তরী", "সোনার বাংলা"])
    >>> X.shape, X.nnz
    ((2, 16), 4)
    >>> int(X.sum())
    4
    """

    _requires_fit = False
    _model_name = "HashingVectorizer"

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
        n_features: int = 2**20,
        binary: bool = False,
        norm: str | None = "l2",
        alternate_sign: bool = True,
        dtype: Any = np.float64,
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
        self.n_features = n_features
        self.ngram_range = ngram_range
        self.binary = binary
        self.norm = norm
        self.alternate_sign = alternate_sign
        self.dtype = dtype
        self.unicode_normalization = unicode_normalization
        self.bengali_folding = bengali_folding
        self.fold_digits = fold_digits
        self.n_jobs = n_jobs
        self.clean_scraped = clean_scraped
        self.stemmer = stemmer
        self.missing = missing

    def _check_saved_params(self) -> None:
        super()._check_saved_params()
        _params.n_features(self.n_features)
        _params.norm("HashingVectorizer", self.norm)
        np.dtype(self.dtype)  # as transform reads it

    @restores_on_failure
    def partial_fit(self, X: Any, y: Any = None) -> HashingVectorizer:
        """Validate the parameters; there is nothing to learn.

        Parameters
        ----------
        X : iterable of str or bytes
            Ignored.
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        HashingVectorizer
            This vectorizer.

        See Also
        --------
        transform : The hashed matrix.

        Examples
        --------
        >>> import textsim
        >>> textsim.HashingVectorizer().partial_fit(["সোনার তরী"])
        HashingVectorizer()
        """
        self._validate_params()
        return self

    @restores_on_failure
    def fit(self, X: Any, y: Any = None) -> HashingVectorizer:
        """Validate the parameters; there is nothing to learn.

        Parameters
        ----------
        X : iterable of str or bytes
            The documents (not read).
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        HashingVectorizer
            This vectorizer.

        Raises
        ------
        ValueError
            If ``X`` is a single str.

        See Also
        --------
        transform : The hashed matrix.

        Examples
        --------
        >>> import textsim
        >>> textsim.HashingVectorizer(n_features=8).fit(["সোনার তরী"])
        HashingVectorizer(n_features=8)
        """
        if isinstance(X, str):
            raise ValueError(NOT_ITERABLE)
        self._validate_params()
        self._warn_for_unused_params()
        return self

    @restores_on_failure
    def transform(
        self, X: Iterable[Any], *, batch_size: int | None = None, progress: bool | None = None
    ) -> sp.csr_matrix:
        """Return the hashed document-term matrix.

        Parameters
        ----------
        X : iterable of str or bytes
            The documents (a list, a pandas Series, an Arrow string array, a generator).
        batch_size : int or None, default=None
            How many documents of a generator are read at a time; None: 8,192.
        progress : bool or None, default=None
            A progress bar (tqdm) per batch; None shows one for more than one batch when a
            terminal or Jupyter is watching.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            The hashed counts, rows normalized by ``norm``.

        Raises
        ------
        ValueError
            If ``X`` is a single str.

        See Also
        --------
        fit_transform : The same (there is nothing to fit).

        Examples
        --------
        >>> import textsim
        >>> vectorizer = textsim.HashingVectorizer(n_features=2**10)
        >>> X = vectorizer.transform(["আমার সোনার বাংলা"])
        >>> X.nnz, round(float(X.multiply(X).sum()), 6)
        (3, 1.0)
        """
        if isinstance(X, str):
            raise ValueError(NOT_ITERABLE)
        self._validate_params()
        n_features = _params.n_features(self.n_features)
        _params.norm("HashingVectorizer", self.norm)
        dtype = np.dtype(self.dtype)
        analysis = self._analysis()
        matrices = []
        for offset, docs, analyzed in analysis.batches(X, batch_size, progress, "transform"):
            parts = analysis.core_for(analyzed).hash(
                docs, analyzed=analyzed, n_features=n_features,
                alternate_sign=bool(self.alternate_sign), binary=bool(self.binary),
                norm=self.norm, dtype="float32" if dtype == np.float32 else "float64",
                first_document=offset,
            )
            matrices.append(from_core(parts, dtype))
        return stack(matrices, n_features, dtype)

    @restores_on_failure
    def fit_transform(
        self, X: Iterable[Any], y: Any = None, *, progress: bool | None = None
    ) -> sp.csr_matrix:
        """Return the hashed document-term matrix (there is nothing to fit).

        Parameters
        ----------
        X : iterable of str or bytes
            The documents.
        y : None
            Ignored (scikit-learn's signature).
        progress : bool or None, default=None
            A progress bar (tqdm) per batch, as in :meth:`transform`.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            The same matrix as :meth:`transform`.

        See Also
        --------
        transform : The hashed matrix.

        Examples
        --------
        >>> import textsim
        >>> textsim.HashingVectorizer(n_features=32).fit_transform(["সোনার তরী"]).shape
        (1, 32)
        """
        return self.fit(X, y).transform(X, progress=progress)


HashingVectorizer.__doc__ = vectorizer_parameters(
    HashingVectorizer.__doc__ or "",
    [
        "input", "encoding", "decode_error", "strip_accents", "lowercase", "preprocessor",
        "tokenizer", "stop_words", "token_pattern", "ngram_range", "analyzer", "n_features",
        "binary", "norm", "alternate_sign", "dtype", "unicode_normalization",
        "bengali_folding", "fold_digits", "n_jobs", "clean_scraped", "stemmer", "missing",
    ],
    {
        "n_features": """n_features : int, default=2**20
        The number of columns; features whose hashes collide share a column.""",
        "binary": """binary : bool, default=False
        Count every feature once per document (1 or 0) before normalizing.""",
        "alternate_sign": """alternate_sign : bool, default=True
        Give features a sign from their hash, so that collisions tend to cancel out.""",
        "dtype": """dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        The type of the matrix's values.""",
    },
)
