"""What the three vectorizers share: scikit-learn's building blocks of the analysis
(``decode``, ``build_preprocessor``, ``build_tokenizer``, ``get_stop_words``,
``build_analyzer``), its checks and warnings, and their documents in batches for the core, all
made by the analysis of the vectorizer's parameters (``textsim._analysis``).

Every constructor parameter of scikit-learn 1.9 is there with the same name, default and
meaning, plus textsim's own (``unicode_normalization``, ``bengali_folding``, ``fold_digits``,
``n_jobs``). With the built-in analyzers (``analyzer`` "word", "char" or "char_wb", no
``preprocessor`` or ``tokenizer`` callable) all the work (decoding, normalizing, tokenizing,
n-grams, counting, pruning, weighting, building the CSR matrix) runs in Rust on every core with
the interpreter lock released. Python callables are honoured too, on a slower path: the features
are made in Python, then counted and weighted in Rust.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from textsim._analysis import ANALYSIS_PARAMETERS, Analysis
from textsim._estimator import TextsimEstimator
from textsim._tokenizer import DEFAULT_TOKEN_PATTERN


class Vectorizer(TextsimEstimator):
    """Base of CountVectorizer, TfidfVectorizer and HashingVectorizer."""

    def _analysis(self) -> Analysis:
        """The analysis of the parameters as they are now (made again when one changes)."""
        analysis = self.__dict__.get("_core_analysis")
        if analysis is None or not analysis.made_of(self, self.n_jobs):
            analysis = Analysis(
                {name: getattr(self, name) for name in ANALYSIS_PARAMETERS},
                n_jobs=self.n_jobs,
                owner=type(self).__name__,
                checked=self.__dict__.setdefault("_stop_words_checked", {}),
            )
            self._core_analysis = analysis
        return analysis

    # -- building blocks (scikit-learn's public API) -----------------------------------------

    def decode(self, doc: Any) -> str:
        """The document as text: read from a file for ``input="filename"``/``"file"``, bytes
        decoded with ``encoding`` and ``decode_error``."""
        return self._analysis().decode(doc)

    def build_preprocessor(self) -> Callable[[str], str]:
        """The preprocessing: Unicode normalization, Bengali folding, lowercasing, accents."""
        return self._analysis().build_preprocessor()

    def build_tokenizer(self) -> Callable[[str], list[str]]:
        """The tokenizer, for preprocessed text."""
        return self._analysis().build_tokenizer()

    def get_stop_words(self) -> Any:
        """The stop words: a frozenset, or None."""
        return self._analysis().get_stop_words()

    def build_analyzer(self) -> Callable[[Any], list[str]]:
        """The whole analysis: document -> list of features."""
        return self._analysis().build_analyzer(self.decode)

    # -- checks (scikit-learn's, with its messages) ------------------------------------------

    def _validate_params(self) -> None:
        self._analysis().check()

    def _check_saved_params(self) -> None:
        # the analysis' checks, and the tokenizer the fit builds (token_pattern, n_jobs, ...);
        # the warnings a fit gives about unused parameters are the fit's to give
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._validate_params()
            analysis = self._analysis()
            if not analysis.uses_python():
                analysis.make_tokenizer()

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
