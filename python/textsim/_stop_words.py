"""``textsim.stop_words``: built-in stop word lists and your own words combined into one
collection, to pass as ``stop_words=`` (scikit-learn takes a list or a set there too)."""

from __future__ import annotations

from typing import Any

from textsim import _params
from textsim._exceptions import ParameterError
from textsim._tokenizer import Tokenizer


def stop_words(*lists: Any) -> frozenset[str]:
    """The union of stop word lists: each argument is a built-in list's name (``"english"``,
    scikit-learn's 318 words; ``"bengali"``) or a collection of words.

    News sites in Bangladesh publish in both languages, so a mixed corpus needs both lists::

        >>> import textsim
        >>> words = textsim.stop_words("english", "bengali")
        >>> "the" in words and "এবং" in words
        True
        >>> vectorizer = textsim.TfidfVectorizer(stop_words=words)

    The result is a ``frozenset``, so it works as ``stop_words`` of scikit-learn's vectorizers
    as well. The built-in lists come spelled as textsim's tokens are (NFC, Bengali folding).
    A collection of words that holds a list's name (``["english", "bengali"]`` as words) warns:
    pass the names as separate arguments instead.
    """
    if not lists:
        raise ParameterError("stop_words: name at least one list ('english', 'bengali') or give words")
    words: set[str] = set()
    for item in lists:
        if isinstance(item, str):
            _params.choice("stop_words", item, _params.BUILT_IN_STOP_LISTS)
            words.update(Tokenizer(stop_words=item)._core.stop_words())
            continue
        if isinstance(item, bytes):
            raise ParameterError("stop_words: words must be str, got bytes")
        given = list(item)
        if not all(isinstance(w, str) for w in given):
            raise ParameterError("stop_words: every stop word must be a str")
        _params.warn_of_list_names(given)
        words.update(given)
    return frozenset(words)
