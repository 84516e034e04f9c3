"""``textsim.stop_words``: built-in stop word lists and your own words combined into one
collection, to pass as ``stop_words=`` (scikit-learn takes a list or a set there too)."""

from __future__ import annotations

from typing import Any

from textsim import _params
from textsim._exceptions import ParameterError
from textsim._tokenizer import Tokenizer


def stop_words(*lists: Any) -> frozenset[str]:
    """Combine stop word lists and your own words into one collection.

    News sites in Bangladesh publish in both languages, so a mixed corpus needs both lists.
    The result is a ``frozenset``, so it works as ``stop_words`` of scikit-learn's vectorizers
    as well. The built-in lists come spelled as textsim's tokens are (NFC, Bengali folding).

    Parameters
    ----------
    *lists : str or collection of str
        Each a built-in list's name (``"english"``, scikit-learn's 318 words; ``"bengali"``)
        or a collection of words. A collection of words that holds a list's name
        (``["english", "bengali"]`` as words) warns: pass the names as separate arguments.

    Returns
    -------
    frozenset of str
        The union of the lists.

    Raises
    ------
    textsim.ParameterError
        If no list is given, a name is not a built-in list's, or a word is not a str.

    See Also
    --------
    Tokenizer : Takes the result as ``stop_words``.
    TfidfVectorizer : Takes the result as ``stop_words``.

    Examples
    --------
    >>> import textsim
    >>> words = textsim.stop_words("english", "bengali", ["বিস্তারিত"])
    >>> "the" in words and "এবং" in words and "বিস্তারিত" in words
    True
    >>> textsim.tokenize("এবং the বিস্তারিত খবর", stop_words=words)
    ['খবর']
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
