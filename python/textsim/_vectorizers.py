"""CountVectorizer, TfidfVectorizer and HashingVectorizer: scikit-learn's, Unicode-correct and
parallel.

Every constructor parameter of scikit-learn 1.9 is here with the same name, default and meaning,
plus textsim's own (``unicode_normalization``, ``bengali_folding``, ``fold_digits``, ``n_jobs``).
With the built-in analyzers (``analyzer`` "word", "char" or "char_wb", no ``preprocessor`` or
``tokenizer`` callable) all the work (decoding, normalizing, tokenizing, n-grams, counting,
pruning, weighting, building the CSR matrix) runs in Rust on every core with the interpreter
lock released. Python callables are honoured too, on a slower path: the features are made in
Python, then counted and weighted in Rust.
"""

from __future__ import annotations

import itertools
import numbers
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

from textsim import _core, _progress
from textsim._documents import _is_arrow_strings, as_documents
from textsim._estimator import TextsimEstimator
from textsim._exceptions import NotFittedError, ParameterError
from textsim._stats import CorpusStats, analysis_settings
from textsim._tfidf import TfidfTransformer
from textsim._tokenizer import DEFAULT_TOKEN_PATTERN, Tokenizer

_NOT_ITERABLE = "Iterable over raw text documents expected, string object received."
_FLOAT_DTYPES = (np.float64, np.float32, np.float16)
# Documents per batch when they come from an iterator of unknown length.
_BATCH = 8192


def _csr(parts: tuple[Any, Any, Any, tuple[int, int]], dtype: Any) -> sp.csr_matrix:
    data, indices, indptr, shape = parts
    matrix = sp.csr_matrix((data, indices, indptr), shape=shape, copy=False)
    if matrix.dtype != np.dtype(dtype):
        matrix = matrix.astype(dtype, copy=False)
    matrix.has_sorted_indices = True
    return matrix


def _stack(matrices: list[sp.csr_matrix], n_columns: int, dtype: Any) -> sp.csr_matrix:
    """Batches' matrices, one under the other."""
    if len(matrices) == 1:
        return matrices[0]
    if not matrices:
        return sp.csr_matrix((0, n_columns), dtype=dtype)
    stacked = sp.vstack(matrices, format="csr", dtype=dtype)
    stacked.has_sorted_indices = True
    return stacked


def _word_ngrams(tokens: list[str], ngram_range: tuple[int, int], stop_words: Any) -> list[str]:
    """scikit-learn's word n-grams (for the Python-callable path)."""
    if stop_words is not None:
        tokens = [w for w in tokens if w not in stop_words]
    min_n, max_n = ngram_range
    if max_n == 1:
        return tokens
    original = tokens
    if min_n == 1:
        tokens = list(original)
        min_n += 1
    else:
        tokens = []
    for n in range(min_n, min(max_n + 1, len(original) + 1)):
        for i in range(len(original) - n + 1):
            tokens.append(" ".join(original[i : i + n]))
    return tokens


class _VectorizerMixin(TextsimEstimator):
    """What the three vectorizers share: parameters, analyzers, documents."""

    # -- building blocks (scikit-learn's public API) -----------------------------------------

    def decode(self, doc: Any) -> str:
        """The document as text: read from a file for ``input="filename"``/``"file"``, bytes
        decoded with ``encoding`` and ``decode_error``."""
        if self.input == "filename":
            with open(doc, "rb") as fh:
                doc = fh.read()
        elif self.input == "file":
            doc = doc.read()
        if isinstance(doc, bytes):
            doc = doc.decode(self.encoding, self.decode_error)
        if doc is np.nan:
            raise ValueError("np.nan is an invalid document, expected byte or unicode string.")
        return doc

    def _tokenizer(self, *, preprocess: bool = True, stop_words: bool = True) -> Tokenizer:
        """The textsim Tokenizer for these parameters (without lowercasing and accent
        stripping when a Python preprocessor has done the preprocessing)."""
        strip = self.strip_accents if preprocess and not callable(self.strip_accents) else None
        return Tokenizer(
            lowercase=bool(self.lowercase) and preprocess,
            token_pattern=self.token_pattern if self.token_pattern is not None else DEFAULT_TOKEN_PATTERN,
            unicode_normalization=self.unicode_normalization,
            bengali_folding=self.bengali_folding,
            fold_digits=self.fold_digits,
            strip_accents=strip or None,
            stop_words=self.get_stop_words() if stop_words and self.analyzer == "word" else None,
            encoding=self.encoding,
            decode_error=self.decode_error,
            n_jobs=self.n_jobs,
        )

    def _uses_python(self) -> bool:
        """Whether a Python callable takes part in making features (the slower path)."""
        return (
            callable(self.analyzer)
            or self.preprocessor is not None
            or (self.analyzer == "word" and self.tokenizer is not None)
            or callable(self.strip_accents)
        )

    def build_preprocessor(self) -> Callable[[str], str]:
        """The preprocessing: Unicode normalization, Bengali folding, lowercasing, accents."""
        if self.preprocessor is not None:
            return self.preprocessor
        if self.strip_accents not in (None, False, "ascii", "unicode") and not callable(
            self.strip_accents
        ):
            raise ValueError(f'Invalid value for "strip_accents": {self.strip_accents}')
        normalize = self._tokenizer(stop_words=False).normalize
        if callable(self.strip_accents):
            accents = self.strip_accents
            return lambda doc: accents(normalize(doc))
        return normalize

    def build_tokenizer(self) -> Callable[[str], list[str]]:
        """The tokenizer, for preprocessed text."""
        if self.tokenizer is not None:
            return self.tokenizer
        return self._tokenizer(preprocess=False, stop_words=False).tokenize

    def get_stop_words(self) -> Any:
        """The stop words: a frozenset, or None."""
        stop = self.stop_words
        if stop in ("english", "bengali"):
            return frozenset(Tokenizer(stop_words=stop)._core.stop_words())
        if isinstance(stop, str):
            raise ValueError(f"not a built-in stop list: {stop}")
        if stop is None:
            return None
        return frozenset(stop)

    def _check_stop_words_consistency(self) -> None:
        """scikit-learn's warning when preprocessing and tokenizing the stop words gives tokens
        that are not stop words (they could never be removed). Checked once per list."""
        if self.stop_words is None or self.analyzer != "word":
            return
        if id(self.stop_words) == self.__dict__.get("_stop_words_id"):
            return
        self._stop_words_id = id(self.stop_words)
        stop_words = self.get_stop_words()
        try:
            preprocess = self.build_preprocessor()
            tokenize = self.build_tokenizer()
            inconsistent = {
                token
                for word in stop_words or ()
                for token in tokenize(preprocess(word))
                if token not in stop_words
            }
        except Exception:
            return
        if inconsistent:
            warnings.warn(
                "Your stop_words may be inconsistent with your preprocessing. Tokenizing the stop "
                f"words generated tokens {sorted(inconsistent)!r} not in stop_words."
            )

    def build_analyzer(self) -> Callable[[Any], list[str]]:
        """The whole analysis: document -> list of features."""
        if callable(self.analyzer):
            analyzer = self.analyzer
            return lambda doc: analyzer(self.decode(doc))
        if self.analyzer not in ("word", "char", "char_wb"):
            raise ValueError(f"{self.analyzer} is not a valid tokenization scheme/analyzer")
        self._validate_ngram_range()
        self._check_stop_words_consistency()
        if not self._uses_python():
            core = self._analyzer_core()
            return lambda doc: core.analyze(self.decode(doc))
        preprocess = self.build_preprocessor()
        if self.analyzer == "word" and self.tokenizer is not None:
            tokenize = self.tokenizer
            stop_words = self.get_stop_words()
            ngram_range = tuple(self.ngram_range)
            return lambda doc: _word_ngrams(list(tokenize(preprocess(self.decode(doc)))), ngram_range, stop_words)
        # A Python preprocessor with a built-in tokenizer or char analyzer: textsim cuts the
        # features from the preprocessed text (normalizing and folding it, not lowercasing).
        core = _core.AnalyzerCore(
            self._tokenizer(preprocess=False)._core, self.analyzer, tuple(self.ngram_range)
        )
        return lambda doc: core.analyze(preprocess(self.decode(doc)))

    def _analyzer_core(self) -> _core.AnalyzerCore:
        core = self.__dict__.get("_core_analyzer")
        if core is None:
            core = _core.AnalyzerCore(self._tokenizer()._core, self.analyzer, tuple(self.ngram_range))
            self._core_analyzer = core
        return core

    # -- validation (scikit-learn's checks and messages) -------------------------------------

    def _validate_ngram_range(self) -> None:
        ngram_range = self.ngram_range
        if (
            not isinstance(ngram_range, tuple)
            or len(ngram_range) != 2
            or not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in ngram_range)
        ):
            raise ParameterError(
                f"The 'ngram_range' parameter of {type(self).__name__} must be an instance of "
                f"'tuple'. Got {ngram_range!r} instead."
            )
        min_n, max_n = ngram_range
        if min_n > max_n:
            raise ValueError(
                f"Invalid value for ngram_range={ngram_range} lower boundary larger than the "
                "upper boundary."
            )
        if min_n < 1:
            raise ParameterError(f"ngram_range={ngram_range}: n-grams start at 1 or more")

    def _validate_params(self) -> None:
        self._validate_ngram_range()
        if not (callable(self.analyzer) or self.analyzer in ("word", "char", "char_wb")):
            raise ParameterError(
                f"The 'analyzer' parameter of {type(self).__name__} must be a str among "
                f"{{'char', 'char_wb', 'word'}} or a callable. Got {self.analyzer!r} instead."
            )
        if self.input not in ("filename", "file", "content"):
            raise ParameterError(
                f"The 'input' parameter of {type(self).__name__} must be a str among "
                f"{{'content', 'file', 'filename'}}. Got {self.input!r} instead."
            )
        if self.decode_error not in ("strict", "ignore", "replace"):
            raise ParameterError(
                f"The 'decode_error' parameter of {type(self).__name__} must be a str among "
                f"{{'ignore', 'replace', 'strict'}}. Got {self.decode_error!r} instead."
            )
        if self.stop_words is not None and isinstance(self.stop_words, str):
            if self.stop_words not in ("english", "bengali"):
                raise ParameterError(
                    f"The 'stop_words' parameter of {type(self).__name__} must be a str among "
                    f"{{'bengali', 'english'}}, an instance of 'list' or None. Got "
                    f"{self.stop_words!r} instead."
                )

    def _warn_for_unused_params(self) -> None:
        if self.tokenizer is not None and self.token_pattern is not None:
            warnings.warn(
                "The parameter 'token_pattern' will not be used since 'tokenizer' is not None'"
            )
        if self.preprocessor is not None and callable(self.analyzer):
            warnings.warn(
                "The parameter 'preprocessor' will not be used since 'analyzer' is callable'"
            )
        if self.ngram_range != (1, 1) and self.ngram_range is not None and callable(self.analyzer):
            warnings.warn(
                "The parameter 'ngram_range' will not be used since 'analyzer' is callable'"
            )
        if self.analyzer != "word" or callable(self.analyzer):
            if self.stop_words is not None:
                warnings.warn(
                    "The parameter 'stop_words' will not be used since 'analyzer' != 'word'"
                )
            if self.token_pattern is not None and self.token_pattern != DEFAULT_TOKEN_PATTERN:
                warnings.warn(
                    "The parameter 'token_pattern' will not be used since 'analyzer' != 'word'"
                )
            if self.tokenizer is not None:
                warnings.warn(
                    "The parameter 'tokenizer' will not be used since 'analyzer' != 'word'"
                )

    # -- documents ---------------------------------------------------------------------------

    def _corpus(self, raw_documents: Any, first_document: int = 0) -> tuple[Any, bool]:
        """The documents for the core: raw (analyzed in Rust) or lists of features; the first
        is document ``first_document`` of the whole input."""
        if isinstance(raw_documents, str):
            raise ValueError(_NOT_ITERABLE)
        self._check_stop_words_consistency()
        if self._uses_python():
            analyze = self.build_analyzer()
            return [list(analyze(doc)) for doc in raw_documents], True
        docs = as_documents(
            raw_documents, self.input, self.encoding, self.decode_error, first_document
        )
        return docs, False

    def _batches(
        self,
        raw_documents: Any,
        batch_size: int | None = None,
        progress: Any = False,
        what: str = "fit",
    ) -> Iterator[tuple[int, Any, bool]]:
        """The documents in batches for the core, each with the place of its first document in
        the whole input (errors name documents by it). A generator or other iterator is read
        ``batch_size`` (default ``_BATCH``) documents at a time, so that only one batch of its
        strings is alive at once. A collection that knows its length is one batch, unless
        ``batch_size`` is given or a progress bar is shown and it is a list, tuple or array
        (then it is sliced; batches merge into the same result); Arrow string columns are
        always one batch (they hold no Python string per document)."""
        if isinstance(raw_documents, str):
            raise ValueError(_NOT_ITERABLE)
        if batch_size is not None and (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, numbers.Integral)
            or batch_size < 1
        ):
            raise ParameterError(f"batch_size: expected an int of 1 or more, got {batch_size!r}")
        total = len(raw_documents) if hasattr(raw_documents, "__len__") else None
        with _progress.bar(progress, total, f"{type(self).__name__}.{what}") as bar:
            showing = not isinstance(bar, _progress.Silent)
            sliceable = isinstance(raw_documents, (list, tuple, np.ndarray))
            if _is_arrow_strings(raw_documents) or (
                hasattr(raw_documents, "__len__")
                and not (sliceable and (batch_size is not None or showing))
            ):
                yield (0, *self._corpus(raw_documents))
                bar.update(total or 0)
                return
            size = _BATCH if batch_size is None else int(batch_size)
            if sliceable:
                for start in range(0, len(raw_documents), size):
                    yield (start, *self._corpus(raw_documents[start : start + size], start))
                    bar.update(min(size, len(raw_documents) - start))
                return
            iterator = iter(raw_documents)
            offset = 0
            while batch := list(itertools.islice(iterator, size)):
                yield (offset, *self._corpus(batch, offset))
                offset += len(batch)
                bar.update(len(batch))

    def _core_for(self, analyzed: bool) -> _core.AnalyzerCore:
        """The analyzer core; for features made in Python, any core counts them."""
        if not analyzed:
            return self._analyzer_core()
        return _core.AnalyzerCore(Tokenizer()._core, "word", (1, 1))


class CountVectorizer(_VectorizerMixin):
    """Convert a collection of text documents to a matrix of token counts.

    scikit-learn's ``CountVectorizer`` (same parameters, attributes, results and errors) where
    it is right, with Unicode word characters (Bengali words stay whole), Unicode
    normalization and Bengali folding (``unicode_normalization``, ``bengali_folding``,
    ``fold_digits``, as in :class:`textsim.Tokenizer`), in parallel on ``n_jobs`` threads.
    Ties at the ``max_features`` cut go to the higher count, then to the lower term.
    """

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

    # -- vocabulary --------------------------------------------------------------------------

    def _validate_vocabulary(self) -> None:
        vocabulary = self.vocabulary
        if vocabulary is not None:
            if isinstance(vocabulary, set):
                vocabulary = sorted(vocabulary)
            if not isinstance(vocabulary, Mapping):
                vocab: dict[str, int] = {}
                for i, t in enumerate(vocabulary):
                    if vocab.setdefault(t, i) != i:
                        raise ValueError(f"Duplicate term in vocabulary: {t!r}")
                vocabulary = vocab
            else:
                indices = set(vocabulary.values())
                if len(indices) != len(vocabulary):
                    raise ValueError("Vocabulary contains repeated indices.")
                for i in range(len(vocabulary)):
                    if i not in indices:
                        raise ValueError(
                            f"Vocabulary of size {len(vocabulary)} doesn't contain index {i}."
                        )
            if not vocabulary:
                raise ValueError("empty vocabulary passed to fit")
            self.fixed_vocabulary_ = True
            self.vocabulary_ = dict(vocabulary)
        else:
            self.fixed_vocabulary_ = False

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
        """A mapping of terms to feature indices."""
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
        is bounded by one batch of ``batch_size`` documents (of a generator; default 8192) and
        the vocabulary, not by the corpus. The result is ``fit_transform``'s. ``progress``:
        see :meth:`fit_transform`."""
        if isinstance(raw_documents, str):
            raise ValueError(_NOT_ITERABLE)
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
        stats._add(self, raw_documents, batch_size, progress)
        self._finish_from_stats(stats)

    def partial_fit(
        self, raw_documents: Iterable[Any], y: Any = None, *, batch_size: int | None = None
    ) -> CountVectorizer:
        """Add the documents to the statistics of every ``partial_fit`` since the last ``fit``
        (``corpus_stats_``); ``fit_from_stats()`` then learns the vocabulary from all of them,
        as one ``fit`` over all the documents would."""
        if isinstance(raw_documents, str):
            raise ValueError(_NOT_ITERABLE)
        with self._unchanged_on_failure():
            self._validate_params()
            stats = self.__dict__.get("_partial_stats")
            if stats is not None:
                stats.check_settings(analysis_settings(self), "partial_fit into")
            self._forget_cores()
            # The new documents' statistics join the old ones only once all of them are read,
            # so a failure part-way leaves the statistics as they were.
            added = CorpusStats(self)
            added._add(self, raw_documents, batch_size)
            self._partial_stats = added if stats is None else stats.merge(added)
        return self

    @property
    def corpus_stats_(self) -> CorpusStats:
        """The statistics accumulated by ``partial_fit``."""
        stats = self.__dict__.get("_partial_stats")
        if stats is None:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute 'corpus_stats_'")
        return stats

    def fit_from_stats(self, stats: CorpusStats | None = None) -> CountVectorizer:
        """Learn the vocabulary (and, for TfidfVectorizer, the idf) from corpus statistics
        (``corpus_stats_`` when None): ``min_df``, ``max_df`` and ``max_features`` prune them
        exactly as ``fit`` over the same documents would."""
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
        for name, value, low_ok in (("max_df", self.max_df, True), ("min_df", self.min_df, True)):
            if not isinstance(value, numbers.Real):
                raise ParameterError(
                    f"The '{name}' parameter of {type(self).__name__} must be a float in the "
                    f"range [0.0, 1.0] or an int in the range [1, inf). Got {value!r} instead."
                )
            if isinstance(value, numbers.Integral) and value < 1 or (
                not isinstance(value, numbers.Integral) and not 0.0 <= value <= 1.0
            ):
                raise ParameterError(
                    f"The '{name}' parameter of {type(self).__name__} must be a float in the "
                    f"range [0.0, 1.0] or an int in the range [1, inf). Got {value!r} instead."
                )
        if self.max_features is not None and (
            isinstance(self.max_features, bool)
            or not isinstance(self.max_features, numbers.Integral)
            or self.max_features < 1
        ):
            raise ParameterError(
                f"The 'max_features' parameter of {type(self).__name__} must be an int in the "
                f"range [1, inf) or None. Got {self.max_features!r} instead."
            )
        as_bound = lambda v: int(v) if isinstance(v, numbers.Integral) else float(v)  # noqa: E731
        return dict(
            min_df=as_bound(self.min_df),
            max_df=as_bound(self.max_df),
            max_features=None if self.max_features is None else int(self.max_features),
            binary=bool(self.binary),
        )

    def _fit(
        self, raw_documents: Any, tfidf: Any, batch_size: int | None = None, progress: Any = None
    ) -> tuple[sp.csr_matrix, Any]:
        if isinstance(raw_documents, str):
            raise ValueError(_NOT_ITERABLE)
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
        fitter = None
        for offset, docs, analyzed in self._batches(raw_documents, batch_size, progress, "fit"):
            if fitter is None:
                fitter = _core.FitterCore(self._core_for(analyzed))
            fitter.add(docs, analyzed=analyzed, first_document=offset)
            del docs
        if fitter is None:
            fitter = _core.FitterCore(self._core_for(False))
        vocabulary, df, idf, parts = fitter.finish(**settings)
        self.__dict__.pop("_vocabulary", None)
        self._core_vocabulary = vocabulary
        self._n_documents = parts[3][0]
        return _csr(parts, dtype), (df, idf, parts[3][0])

    def fit_transform(
        self,
        raw_documents: Iterable[Any],
        y: Any = None,
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
    ) -> sp.csr_matrix:
        """Learn the vocabulary and return the document-term matrix.

        ``progress``: a progress bar (tqdm), advanced per batch of 8,192 documents. ``None``
        shows one for more than one batch when a terminal or Jupyter is watching; ``True``
        always, ``False`` never.
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
            raise ValueError(_NOT_ITERABLE)
        self._check_vocabulary()
        dtype = self._value_dtype()
        vocabulary = self._vocabulary_core()
        matrices = []
        for offset, docs, analyzed in self._batches(
            raw_documents, batch_size, progress, "transform"
        ):
            parts = self._core_for(analyzed).transform(
                docs, analyzed=analyzed, vocabulary=vocabulary, binary=bool(self.binary),
                dtype=self._core_dtype(dtype), tfidf=tfidf, first_document=offset,
            )
            matrices.append(_csr(parts, dtype))
        return _stack(matrices, len(vocabulary), dtype)

    def transform(
        self,
        raw_documents: Iterable[Any],
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
    ) -> sp.csr_matrix:
        """The document-term matrix of the documents, with the fitted vocabulary (a generator
        is read ``batch_size`` documents at a time; ``progress`` as in ``fit_transform``)."""
        return self._transform(
            raw_documents, tfidf=None, batch_size=batch_size, progress=progress
        )

    def inverse_transform(self, X: Any) -> list[np.ndarray]:
        """The terms of each row's non-zero entries."""
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
        """The terms, in column order."""
        self._check_vocabulary()
        return np.asarray(self._vocabulary_core().terms(), dtype=object)


class TfidfVectorizer(CountVectorizer):
    """Convert a collection of raw documents to a matrix of TF-IDF features.

    scikit-learn's ``TfidfVectorizer`` (``CountVectorizer`` followed by ``TfidfTransformer``),
    with textsim's text semantics and all the work in parallel in Rust.
    """

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
    ) -> None:
        super().__init__(
            input=input, encoding=encoding, decode_error=decode_error,
            strip_accents=strip_accents, lowercase=lowercase, preprocessor=preprocessor,
            tokenizer=tokenizer, analyzer=analyzer, stop_words=stop_words,
            token_pattern=token_pattern, ngram_range=ngram_range, max_df=max_df, min_df=min_df,
            max_features=max_features, vocabulary=vocabulary, binary=binary, dtype=dtype,
            unicode_normalization=unicode_normalization, bengali_folding=bengali_folding,
            fold_digits=fold_digits, n_jobs=n_jobs,
        )
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf

    @property
    def idf_(self) -> np.ndarray:
        """Inverse document frequency vector, only defined if ``use_idf=True``."""
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
            size = len(self._vocabulary_core())
            if size != len(value):
                raise ValueError(
                    f"idf length = {len(value)} must be equal to vocabulary size = {size}"
                )
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
        if self.norm not in ("l1", "l2", None):
            raise ParameterError(
                f"The 'norm' parameter of {type(self).__name__} must be a str among "
                f"{{'l1', 'l2'}} or None. Got {self.norm!r} instead."
            )

    def fit(
        self,
        raw_documents: Iterable[Any],
        y: Any = None,
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
    ) -> TfidfVectorizer:
        """Learn the vocabulary and the idf (from statistics only, as ``CountVectorizer.fit``;
        with a fixed vocabulary, by counting). ``progress``: see :meth:`fit_transform`."""
        self._check_params()
        if self.vocabulary is not None:
            self.fit_transform(raw_documents, batch_size=batch_size, progress=progress)
            return self
        super().fit(raw_documents, batch_size=batch_size, progress=progress)
        return self

    def fit_from_stats(self, stats: CorpusStats | None = None) -> TfidfVectorizer:
        """Learn the vocabulary and the idf from corpus statistics, as ``fit`` would."""
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
        """Learn the vocabulary and the idf; return the TF-IDF matrix (``progress``: a tqdm
        bar per batch of 8,192 documents; ``None`` shows one for more than one batch when a
        terminal or Jupyter is watching, ``True`` always, ``False`` never)."""
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

    def transform(
        self,
        raw_documents: Iterable[Any],
        *,
        batch_size: int | None = None,
        progress: bool | None = None,
    ) -> sp.csr_matrix:
        """The TF-IDF matrix of the documents, with the fitted vocabulary and idf."""
        if not hasattr(self, "_tfidf"):
            has_vocabulary = "_vocabulary" in self.__dict__ or "_core_vocabulary" in self.__dict__
            if self.use_idf or not has_vocabulary:
                raise NotFittedError("The TF-IDF vectorizer is not fitted")
            # Without idf the vocabulary is all the fitted state (a loaded model, say).
            self._tfidf = self._transformer()
        # The weighting chosen at fit time holds until the next fit, as in scikit-learn.
        fitted = self._tfidf
        idf = fitted.__dict__.get("idf_")
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


class HashingVectorizer(_VectorizerMixin):
    """Convert a collection of text documents to a matrix of token occurrences, by hashing.

    Bit-compatible with scikit-learn's ``HashingVectorizer`` (MurmurHash3, seed 0, of each
    feature's UTF-8 bytes; same sign and column rule), stateless, parallel.
    """

    _requires_fit = False

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

    def partial_fit(self, X: Any, y: Any = None) -> HashingVectorizer:
        """Only validates the parameters (there is nothing to learn)."""
        self._validate_params()
        return self

    def fit(self, X: Any, y: Any = None) -> HashingVectorizer:
        """Only validates the parameters (there is nothing to learn)."""
        if isinstance(X, str):
            raise ValueError(_NOT_ITERABLE)
        self._validate_params()
        self._warn_for_unused_params()
        return self

    def transform(
        self, X: Iterable[Any], *, batch_size: int | None = None, progress: bool | None = None
    ) -> sp.csr_matrix:
        """The hashed document-term matrix (a generator is read ``batch_size`` at a time;
        ``progress``: as in :meth:`TfidfVectorizer.fit_transform`)."""
        if isinstance(X, str):
            raise ValueError(_NOT_ITERABLE)
        self._validate_params()
        if (
            isinstance(self.n_features, bool)
            or not isinstance(self.n_features, numbers.Integral)
            or not 1 <= self.n_features <= np.iinfo(np.int32).max
        ):
            raise ParameterError(
                "The 'n_features' parameter of HashingVectorizer must be an int in the range "
                f"[1, {np.iinfo(np.int32).max}]. Got {self.n_features!r} instead."
            )
        if self.norm not in ("l1", "l2", None):
            raise ParameterError(
                "The 'norm' parameter of HashingVectorizer must be a str among {'l1', 'l2'} "
                f"or None. Got {self.norm!r} instead."
            )
        dtype = np.dtype(self.dtype)
        matrices = []
        for offset, docs, analyzed in self._batches(X, batch_size, progress, "transform"):
            parts = self._core_for(analyzed).hash(
                docs, analyzed=analyzed, n_features=int(self.n_features),
                alternate_sign=bool(self.alternate_sign), binary=bool(self.binary),
                norm=self.norm, dtype="float32" if dtype == np.float32 else "float64",
                first_document=offset,
            )
            matrices.append(_csr(parts, dtype))
        return _stack(matrices, int(self.n_features), dtype)

    def fit_transform(
        self, X: Iterable[Any], y: Any = None, *, progress: bool | None = None
    ) -> sp.csr_matrix:
        """The hashed document-term matrix."""
        return self.fit(X, y).transform(X, progress=progress)
