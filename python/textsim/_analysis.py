"""A vectorizer's analysis: the parameters that decide which features a document has, and what
they make of documents. scikit-learn's building blocks (``decode``, the preprocessor, the
tokenizer, the stop words, the analyzer), the analyzer the core runs, and the documents cut
into batches for it. The vectorizers and ``CorpusStats`` both analyze through this module, so
statistics made for a vectorizer's settings are the ones its fit makes.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from textsim import _core, _params, _progress
from textsim._documents import NOT_ITERABLE, as_documents, is_arrow_strings, without_missing
from textsim._tokenizer import DEFAULT_TOKEN_PATTERN, Tokenizer

# Documents per batch when they come from an iterator of unknown length.
_BATCH = 8192

#: The vectorizer parameters that decide which features a document has. The others (pruning,
#: weighting, dtype, n_jobs) are applied when the statistics are finalised, or change nothing.
ANALYSIS_PARAMETERS = (
    "input",
    "encoding",
    "decode_error",
    "strip_accents",
    "lowercase",
    "preprocessor",
    "tokenizer",
    "analyzer",
    "stop_words",
    "token_pattern",
    "ngram_range",
    "unicode_normalization",
    "bengali_folding",
    "fold_digits",
    "clean_scraped",
    "stemmer",
    "missing",
)

#: The analysis every vectorizer makes by default (their constructors' defaults): what
#: ``CorpusStats()`` counts for.
DEFAULT_SETTINGS: Mapping[str, Any] = {
    "input": "content",
    "encoding": "utf-8",
    "decode_error": "strict",
    "strip_accents": None,
    "lowercase": True,
    "preprocessor": None,
    "tokenizer": None,
    "analyzer": "word",
    "stop_words": None,
    "token_pattern": DEFAULT_TOKEN_PATTERN,
    "ngram_range": (1, 1),
    "unicode_normalization": "NFC",
    "bengali_folding": True,
    "fold_digits": False,
    "clean_scraped": False,
    "stemmer": None,
    "missing": "error",
}


def _canonical(name: str, value: Any) -> Any:
    """The setting in one spelling: stop word collections as sorted tuples, n-gram ranges as
    tuples of ints (so a list and a tuple of the same words are the same settings)."""
    if name == "stop_words" and value is not None and not isinstance(value, str):
        return tuple(sorted(value))
    if name == "ngram_range" and isinstance(value, (list, tuple)):
        return tuple(int(n) for n in value)
    return value


def analysis_settings(params: Any) -> dict[str, Any]:
    """The analysis settings of ``params`` (a vectorizer, or a mapping of its parameters), in
    one spelling: what ``CorpusStats`` are specific to."""
    get = params.__getitem__ if isinstance(params, Mapping) else params.__getattribute__
    return {name: _canonical(name, get(name)) for name in ANALYSIS_PARAMETERS}


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


class Analysis:
    """The analysis of one set of settings (``params`` has every name of
    ``ANALYSIS_PARAMETERS``), on ``n_jobs`` threads, for ``owner`` (the class whose name the
    messages and progress bars give). ``checked`` remembers which stop word list was checked
    against the preprocessing (scikit-learn warns once per list); it belongs to the owner, so
    that the memory outlives one analysis."""

    def __init__(
        self,
        params: Mapping[str, Any],
        *,
        n_jobs: Any,
        owner: str,
        checked: dict[str, int] | None = None,
    ) -> None:
        for name in ANALYSIS_PARAMETERS:
            setattr(self, name, params[name])
        self.n_jobs = n_jobs
        self.owner = owner
        self._checked = {} if checked is None else checked
        self._core: _core.AnalyzerCore | None = None

    def made_of(self, params: Any, n_jobs: Any) -> bool:
        """Whether this is the analysis of ``params`` (a vectorizer's) as they are now: the
        very same values, so that an analysis is never used after its settings changed."""
        return n_jobs is self.n_jobs and all(
            getattr(params, name) is getattr(self, name) for name in ANALYSIS_PARAMETERS
        )

    def check(self) -> None:
        """scikit-learn's checks of the settings (in its messages, naming the owner)."""
        _params.analysis(self.owner, vars(self))

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

    def make_tokenizer(self, *, preprocess: bool = True, stop_words: bool = True) -> Tokenizer:
        """The textsim Tokenizer for these settings (without lowercasing and accent stripping
        when a Python preprocessor has done the preprocessing)."""
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
            # Cleaning is preprocessing, and stems come after the stop words: the building
            # blocks scikit-learn's API hands out one at a time have neither.
            clean_scraped=bool(self.clean_scraped) and preprocess,
            stemmer=self.stemmer if stop_words else None,
            missing=self.missing,
        )

    def uses_python(self) -> bool:
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
        normalize = self.make_tokenizer(stop_words=False).normalize
        if callable(self.strip_accents):
            accents = self.strip_accents
            return lambda doc: accents(normalize(doc))
        return normalize

    def build_tokenizer(self) -> Callable[[str], list[str]]:
        """The tokenizer, for preprocessed text."""
        if self.tokenizer is not None:
            return self.tokenizer
        return self.make_tokenizer(preprocess=False, stop_words=False).tokenize

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

    def check_stop_words(self) -> None:
        """scikit-learn's warning when preprocessing and tokenizing the stop words gives tokens
        that are not stop words (they could never be removed). Checked once per list."""
        if self.stop_words is None or self.analyzer != "word":
            return
        if id(self.stop_words) == self._checked.get("stop_words"):
            return
        self._checked["stop_words"] = id(self.stop_words)
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

    def build_analyzer(self, decode: Callable[[Any], str] | None = None) -> Callable[[Any], list[str]]:
        """The whole analysis: document -> list of features (documents read with ``decode``,
        this analysis's own by default)."""
        decode = self.decode if decode is None else decode
        if callable(self.analyzer):
            analyzer = self.analyzer
            return lambda doc: analyzer(decode(doc))
        if self.analyzer not in ("word", "char", "char_wb"):
            raise ValueError(f"{self.analyzer} is not a valid tokenization scheme/analyzer")
        _params.ngram_range(self.owner, self.ngram_range)
        self.check_stop_words()
        if not self.uses_python():
            core = self.core()
            return lambda doc: core.analyze(decode(doc))
        preprocess = self.build_preprocessor()
        if self.analyzer == "word" and self.tokenizer is not None:
            tokenize = self.tokenizer
            stop_words = self.get_stop_words()
            ngram_range = tuple(self.ngram_range)
            return lambda doc: _word_ngrams(list(tokenize(preprocess(decode(doc)))), ngram_range, stop_words)
        # A Python preprocessor with a built-in tokenizer or char analyzer: textsim cuts the
        # features from the preprocessed text (normalizing and folding it, not lowercasing).
        core = _core.AnalyzerCore(
            self.make_tokenizer(preprocess=False)._core, self.analyzer, tuple(self.ngram_range)
        )
        return lambda doc: core.analyze(preprocess(decode(doc)))

    # -- the core ----------------------------------------------------------------------------

    def core(self) -> _core.AnalyzerCore:
        """The analyzer the core runs on raw documents (made once)."""
        if self._core is None:
            self._core = _core.AnalyzerCore(
                self.make_tokenizer()._core, self.analyzer, tuple(self.ngram_range)
            )
        return self._core

    def core_for(self, analyzed: bool) -> _core.AnalyzerCore:
        """The analyzer core; for features made in Python, any core counts them."""
        if not analyzed:
            return self.core()
        return _core.AnalyzerCore(Tokenizer()._core, "word", (1, 1))

    # -- documents ---------------------------------------------------------------------------

    def corpus(self, raw_documents: Any, first_document: int = 0) -> tuple[Any, bool]:
        """The documents for the core: raw (analyzed in Rust) or lists of features; the first
        is document ``first_document`` of the whole input."""
        if isinstance(raw_documents, str):
            raise ValueError(NOT_ITERABLE)
        raw_documents = without_missing(raw_documents, self.missing, first_document)
        self.check_stop_words()
        if self.uses_python():
            analyze = self.build_analyzer()
            return [list(analyze(doc)) for doc in raw_documents], True
        docs = as_documents(
            raw_documents, self.input, self.encoding, self.decode_error, first_document
        )
        return docs, False

    def batches(
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
            raise ValueError(NOT_ITERABLE)
        batch_size = _params.batch_size(batch_size)
        total = len(raw_documents) if hasattr(raw_documents, "__len__") else None
        with _progress.bar(progress, total, f"{self.owner}.{what}") as bar:
            showing = not isinstance(bar, _progress.Silent)
            sliceable = isinstance(raw_documents, (list, tuple, np.ndarray))
            if is_arrow_strings(raw_documents) or (
                hasattr(raw_documents, "__len__")
                and not (sliceable and (batch_size is not None or showing))
            ):
                yield (0, *self.corpus(raw_documents))
                bar.update(total or 0)
                return
            size = _BATCH if batch_size is None else batch_size
            if sliceable:
                for start in range(0, len(raw_documents), size):
                    yield (start, *self.corpus(raw_documents[start : start + size], start))
                    bar.update(min(size, len(raw_documents) - start))
                return
            iterator = iter(raw_documents)
            offset = 0
            while batch := list(itertools.islice(iterator, size)):
                yield (offset, *self.corpus(batch, offset))
                offset += len(batch)
                bar.update(len(batch))

    def add_statistics(
        self, stats: _core.StatsCore, docs: Any, batch_size: int | None, progress: Any = False
    ) -> None:
        """Adds the documents' statistics to ``stats``, batch by batch (so that only one batch
        of a generator's strings is alive at once)."""
        for offset, batch, analyzed in self.batches(docs, batch_size, progress, "fit"):
            stats.update(self.core_for(analyzed), batch, analyzed=analyzed, first_document=offset)
            del batch
