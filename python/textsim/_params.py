"""Parameter checks: every parameter is checked here, once, with scikit-learn's message where it
has one, and the estimators and functions pass the checked values on. The core takes them as
they come (it only turns spellings into its own values), so no rule is written twice.

``threads`` is the one reading of ``n_jobs``.
"""

from __future__ import annotations

import numbers
import os
import sys
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from textsim._documents import MISSING_POLICIES, is_missing
from textsim._exceptions import ParameterError

_INT32_MAX = int(np.iinfo(np.int32).max)


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def choice(name: str, value: Any, allowed: tuple[Any, ...]) -> None:
    """``value`` is one of ``allowed``."""
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise ParameterError(f"{name}: expected one of {shown}, got {value!r}")


def threads(n_jobs: Any) -> int | None:
    """scikit-learn's ``n_jobs`` as the core takes it: None or -1 is every core (None), -2 all
    but one, ...; a positive number is itself."""
    if n_jobs is None:
        return None
    if not isinstance(n_jobs, (int, np.integer)) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise ParameterError(f"n_jobs: expected a non-zero int or None, got {n_jobs!r}")
    if n_jobs > 0:
        return int(n_jobs)
    cores = os.cpu_count() or 1
    return None if n_jobs == -1 else max(1, cores + 1 + int(n_jobs))


def check_progress(progress: Any) -> None:
    """``progress`` is True, False or None."""
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress: expected True, False or None, got {progress!r}")


# -- the tokenizer -----------------------------------------------------------------------------


def tokenizer_options(
    *,
    tokenizer: Any,
    unicode_normalization: Any,
    strip_accents: Any,
    decode_error: Any,
    token_pattern: Any,
    stop_words: Any,
    stemmer: Any = None,
    missing: Any = "error",
) -> Any:
    """Checks ``textsim.Tokenizer``'s options; returns ``stop_words`` as the core takes them (a
    built-in list's name, a list of words, or None)."""
    if not (callable(tokenizer) or tokenizer in ("pattern", "unicode")):
        raise ParameterError(
            f"tokenizer: expected 'pattern', 'unicode' or a callable, got {tokenizer!r}"
        )
    choice("unicode_normalization", unicode_normalization, ("NFC", "NFKC", None))
    choice("strip_accents", strip_accents, ("ascii", "unicode", None))
    choice("decode_error", decode_error, ("strict", "ignore", "replace"))
    if not isinstance(token_pattern, str):
        raise ParameterError(f"token_pattern: expected a str, got {token_pattern!r}")
    choice("stemmer", stemmer, STEMMERS)
    choice("missing", missing, MISSING_POLICIES)
    if stemmer is not None and callable(tokenizer):
        raise ParameterError(
            "stemmer: works on the tokens of tokenizer='pattern' or 'unicode', not of a "
            "callable (stem in your function instead)"
        )
    if isinstance(stop_words, str):
        choice("stop_words", stop_words, BUILT_IN_STOP_LISTS)
    elif stop_words is not None:
        stop_words = list(stop_words)
        if not all(isinstance(w, str) for w in stop_words):
            raise ParameterError("stop_words: every stop word must be a str")
        warn_of_list_names(stop_words)
    return stop_words


#: The stop word lists built in, by name.
BUILT_IN_STOP_LISTS = ("english", "bengali")

#: The stemmers, by name (None: no stemming).
STEMMERS = ("bengali", None)


def warn_of_list_names(words: Any) -> None:
    """A stop word list that holds a built-in list's name was most likely meant as the lists
    (``stop_words=["english", "bengali"]`` is a list of two words): say so, once per call."""
    names = sorted(set(BUILT_IN_STOP_LISTS).intersection(words))
    if names:
        shown = ", ".join(repr(n) for n in names)
        warnings.warn(
            f"stop_words is a list of words that contains {shown}, the name of a built-in "
            f"list, as a word; to combine lists pass textsim.stop_words({shown}, ...)",
            UserWarning,
            stacklevel=caller_stacklevel(),
        )


def caller_stacklevel() -> int:
    """The ``stacklevel`` of ``warnings.warn`` that names the first frame outside textsim
    (the user's line), however deep inside textsim the warning is raised."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame = frame.f_back
        level += 1
    return level


# -- the vectorizers' analysis ----------------------------------------------------------------


def ngram_range(owner: str, value: Any) -> None:
    """scikit-learn's check of ``ngram_range``."""
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in value)
    ):
        raise ParameterError(
            f"The 'ngram_range' parameter of {owner} must be an instance of "
            f"'tuple'. Got {value!r} instead."
        )
    min_n, max_n = value
    if min_n > max_n:
        raise ValueError(
            f"Invalid value for ngram_range={value} lower boundary larger than the "
            "upper boundary."
        )
    if min_n < 1:
        raise ParameterError(f"ngram_range={value}: n-grams start at 1 or more")


def analysis(owner: str, params: Mapping[str, Any]) -> None:
    """scikit-learn's checks of the parameters that decide a vectorizer's features."""
    ngram_range(owner, params["ngram_range"])
    analyzer = params["analyzer"]
    if not (callable(analyzer) or analyzer in ("word", "char", "char_wb")):
        raise ParameterError(
            f"The 'analyzer' parameter of {owner} must be a str among "
            f"{{'char', 'char_wb', 'word'}} or a callable. Got {analyzer!r} instead."
        )
    for name in ("preprocessor", "tokenizer"):
        if params[name] is not None and not callable(params[name]):
            raise ParameterError(
                f"The '{name}' parameter of {owner} must be a callable or None. Got "
                f"{params[name]!r} instead."
            )
    if not isinstance(params["encoding"], str):
        raise ParameterError(
            f"The 'encoding' parameter of {owner} must be an instance of 'str'. Got "
            f"{params['encoding']!r} instead."
        )
    strip_accents = params["strip_accents"]
    if not (callable(strip_accents) or strip_accents in ("ascii", "unicode", None, False)):
        raise ParameterError(
            f"The 'strip_accents' parameter of {owner} must be a str among "
            f"{{'ascii', 'unicode'}}, a callable or None. Got {strip_accents!r} instead."
        )
    token_pattern = params["token_pattern"]
    if token_pattern is not None and not isinstance(token_pattern, str):
        raise ParameterError(
            f"The 'token_pattern' parameter of {owner} must be an instance of 'str' or None. "
            f"Got {token_pattern!r} instead."
        )
    if params["input"] not in ("filename", "file", "content"):
        raise ParameterError(
            f"The 'input' parameter of {owner} must be a str among "
            f"{{'content', 'file', 'filename'}}. Got {params['input']!r} instead."
        )
    if params["decode_error"] not in ("strict", "ignore", "replace"):
        raise ParameterError(
            f"The 'decode_error' parameter of {owner} must be a str among "
            f"{{'ignore', 'replace', 'strict'}}. Got {params['decode_error']!r} instead."
        )
    stop_words = params["stop_words"]
    if stop_words is not None and isinstance(stop_words, str):
        if stop_words not in BUILT_IN_STOP_LISTS:
            raise ParameterError(
                f"The 'stop_words' parameter of {owner} must be a str among "
                f"{{'bengali', 'english'}}, an instance of 'list' or None. Got "
                f"{stop_words!r} instead."
            )
    if params["missing"] not in MISSING_POLICIES:
        raise ParameterError(
            f"The 'missing' parameter of {owner} must be 'error' or 'empty'. Got "
            f"{params['missing']!r} instead."
        )
    stemmer = params["stemmer"]
    if stemmer not in STEMMERS:
        raise ParameterError(
            f"The 'stemmer' parameter of {owner} must be 'bengali' or None. Got {stemmer!r} "
            "instead."
        )
    if stemmer is not None and (
        analyzer != "word" or params["tokenizer"] is not None or params["preprocessor"] is not None
    ):
        raise ParameterError(
            f"{owner}: stemmer={stemmer!r} stems the word tokens of textsim's own "
            "preprocessing and tokenizer; it does not apply with analyzer="
            f"{analyzer!r}, a tokenizer or a preprocessor callable"
        )


def batch_size(value: Any) -> int | None:
    """``batch_size``: None, or a number of documents of 1 or more."""
    if value is not None and (not _is_int(value) or value < 1):
        raise ParameterError(f"batch_size: expected an int of 1 or more, got {value!r}")
    return None if value is None else int(value)


# -- fitting and weighting --------------------------------------------------------------------


def fit_options(
    owner: str, *, min_df: Any, max_df: Any, max_features: Any, binary: Any
) -> dict[str, Any]:
    """The pruning parameters, checked, as the core takes them (an int is a number of
    documents, a float a fraction of them)."""
    for name, value in (("max_df", max_df), ("min_df", min_df)):
        integral = isinstance(value, numbers.Integral)  # bools too, as scikit-learn's check
        if not isinstance(value, numbers.Real) or (
            integral and value < 1 or not integral and not 0.0 <= value <= 1.0
        ):
            raise ParameterError(
                f"The '{name}' parameter of {owner} must be a float in the "
                f"range [0.0, 1.0] or an int in the range [1, inf). Got {value!r} instead."
            )
    if max_features is not None and (not _is_int(max_features) or max_features < 1):
        raise ParameterError(
            f"The 'max_features' parameter of {owner} must be an int in the "
            f"range [1, inf) or None. Got {max_features!r} instead."
        )
    as_bound = lambda v: int(v) if isinstance(v, numbers.Integral) else float(v)  # noqa: E731
    return dict(
        min_df=as_bound(min_df),
        max_df=as_bound(max_df),
        max_features=None if max_features is None else int(max_features),
        binary=bool(binary),
    )


def norm(owner: str, value: Any) -> None:
    """scikit-learn's check of ``norm``."""
    if value not in ("l1", "l2", None):
        raise ParameterError(
            f"The 'norm' parameter of {owner} must be a str among {{'l1', 'l2'}} or "
            f"None. Got {value!r} instead."
        )


def n_features(value: Any) -> int:
    """``HashingVectorizer``'s ``n_features``."""
    if not _is_int(value) or not 1 <= value <= _INT32_MAX:
        raise ParameterError(
            "The 'n_features' parameter of HashingVectorizer must be an int in the range "
            f"[1, {_INT32_MAX}]. Got {value!r} instead."
        )
    return int(value)


def idf_length(idf_length: int, vocabulary_size: int, error: type[Exception] = ValueError) -> None:
    """An idf has one value per term of the vocabulary."""
    if idf_length != vocabulary_size:
        raise error(
            f"idf length = {idf_length} must be equal to vocabulary size = {vocabulary_size}"
        )


def vocabulary(value: Any) -> dict[str, int] | None:
    """A ``vocabulary`` given to a vectorizer, as ``{term: column}`` (None when not given):
    scikit-learn's checks (no repeated term or index, no gap, not empty)."""
    if value is None:
        return None
    if isinstance(value, set):
        value = sorted(value)
    if not isinstance(value, Mapping):
        terms: dict[str, int] = {}
        for i, t in enumerate(value):
            if terms.setdefault(t, i) != i:
                raise ValueError(f"Duplicate term in vocabulary: {t!r}")
        value = terms
    else:
        indices = set(value.values())
        if len(indices) != len(value):
            raise ValueError("Vocabulary contains repeated indices.")
        for i in range(len(value)):
            if i not in indices:
                raise ValueError(f"Vocabulary of size {len(value)} doesn't contain index {i}.")
    if not value:
        raise ValueError("empty vocabulary passed to fit")
    return dict(value)


# -- similarity --------------------------------------------------------------------------------


def k(value: Any) -> int:
    """The number of neighbours: an int of 1 or more."""
    if not _is_int(value) or value < 1:
        raise ParameterError(f"k: expected an int of 1 or more, got {value!r}")
    return int(value)


def min_score(value: Any) -> float | None:
    """``most_similar``'s threshold: None, or a cosine in [-1, 1]."""
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, numbers.Real) or not -1.0 <= value <= 1.0
    ):
        raise ParameterError(
            f"min_score: expected None or a number in [-1, 1] (cosines lie there), got {value!r}"
        )
    return None if value is None else float(value)


def row_names(name: str, values: Any, n_rows: int, unit: str = "rows") -> list[Any] | None:
    """``ids`` or ``titles``: None, or one value per row, none of them missing (None or NaN:
    a missing name would be shown as the string 'None' or 'nan')."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)):
        raise ParameterError(f"{name}: expected one per row (a list), got a single string")
    values = values.tolist() if callable(getattr(values, "tolist", None)) else list(values)
    if len(values) != n_rows:
        raise ParameterError(f"{name}: {len(values):,} {name} for {n_rows:,} {unit}")
    for row, value in enumerate(values):
        if is_missing(value):
            raise ParameterError(
                f"{name}: the {name[:-1]} of row {row} is missing ({value!r}); give every row "
                f"one (pandas: .fillna(...) first)"
            )
    return values


ALGORITHMS = ("auto", "full", "pruned")


def algorithm(value: Any) -> str:
    """Which exact kernel answers a similarity question: ``"auto"`` (a work estimate chooses),
    ``"full"`` (the full product) or ``"pruned"`` (the pruned search, where it applies)."""
    choice("algorithm", value, ALGORITHMS)
    return str(value)


def pair_threshold(value: Any) -> float:
    """``similar_pairs``' threshold: a cosine in (0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value <= 1:
        raise ParameterError(
            f"min_score: expected a number in (0, 1], got {value!r} (at 0 or below every pair "
            "of rows qualifies: use cosine_similarity for the whole matrix; no cosine is above 1)"
        )
    return float(value)
