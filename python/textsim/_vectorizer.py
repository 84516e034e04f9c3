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

import re

import warnings
from collections.abc import Callable
from typing import Any

from textsim._analysis import ANALYSIS_PARAMETERS, Analysis
from textsim._estimator import TextsimEstimator
from textsim._tokenizer import DEFAULT_TOKEN_PATTERN


# The parameters the vectorizers share, documented once: each vectorizer's docstring names
# the ones it has (``vectorizer_parameters``), so that the descriptions cannot drift apart.
_PARAMETER_DOCS = {
    "input": """input : {"content", "filename", "file"}, default="content"
    What each document is: its text (str or bytes), a file name to read, or a file object
    to read (as in scikit-learn).""",
    "encoding": """encoding : str, default="utf-8"
    The encoding of bytes documents (and of files read). UTF-8 is decoded in Rust, in
    parallel.""",
    "decode_error": """decode_error : {"strict", "ignore", "replace"}, default="strict"
    What to do with bytes that are not valid in ``encoding``; ``"strict"`` raises
    :class:`textsim.DocumentDecodeError` naming the document.""",
    "strip_accents": """strip_accents : {"ascii", "unicode"}, callable or None, default=None
    Remove accents as scikit-learn does, except that Bengali, Devanagari and the other
    Brahmic scripts keep their vowel signs, virama and nukta (they are the spelling). A
    callable is applied to the preprocessed text, in Python.""",
    "lowercase": """lowercase : bool, default=True
    Convert the text to lower case before tokenizing.""",
    "preprocessor": """preprocessor : callable or None, default=None
    Your preprocessing of each document's text, in place of lowercasing, accent stripping
    and ``clean_scraped`` (as in scikit-learn); its output is still Unicode-normalized and
    folded before tokens are cut. Runs in Python: the slow path.""",
    "tokenizer": """tokenizer : callable or None, default=None
    Your tokenizer of the preprocessed text (replaces ``token_pattern``). Runs in Python: the
    slow path.""",
    "stop_words": """stop_words : {"english", "bengali"}, collection of str or None, default=None
    Words to drop with ``analyzer="word"``: scikit-learn's English list, textsim's Bengali
    list, or your words (:func:`textsim.stop_words` combines them). Normalized and folded
    like the text.""",
    "token_pattern": """token_pattern : str or None, default=r"(?u)\\b\\w\\w+\\b"
    The regular expression of a token (``analyzer="word"``), with Unicode's ``\\w``, which
    includes the marks (Bengali vowel signs and virama), so Bengali words stay whole. Any
    other pattern runs on Rust's linear-time regex engine (no look-around or
    back-references).""",
    "ngram_range": """ngram_range : tuple of (int, int), default=(1, 1)
    The smallest and largest n of the n-grams (of words, or of characters with
    ``analyzer="char"`` or ``"char_wb"``).""",
    "analyzer": """analyzer : {"word", "char", "char_wb"} or callable, default="word"
    Whether the features are word n-grams, character n-grams, or character n-grams inside
    word boundaries; a callable makes the features of a raw document itself (in Python).""",
    "max_df": """max_df : float in [0.0, 1.0] or int, default=1.0
    Ignore terms in more than this fraction (float) or number (int) of documents.""",
    "min_df": """min_df : float in [0.0, 1.0] or int, default=1
    Ignore terms in fewer than this fraction (float) or number (int) of documents.""",
    "max_features": """max_features : int or None, default=None
    Keep only the terms with the highest counts across the corpus; ties go to the higher
    count, then to the lower term.""",
    "vocabulary": """vocabulary : mapping or iterable of str, default=None
    A fixed vocabulary (``{term: column}`` or the terms in column order); None learns it.""",
    "binary": """binary : bool, default=False
    Count every term once per document (1 or 0) instead of its occurrences.""",
    "unicode_normalization": """unicode_normalization : {"NFC", "NFKC"} or None, default="NFC"
    The Unicode normalization applied first, so that a word typed two ways (``য়`` as one
    code point or two) gives one term. None leaves the text as it is.""",
    "bengali_folding": """bengali_folding : bool, default=True
    Bring the Bengali spellings normalization leaves apart to one (legacy khanda ta, ZWJ
    and ZWNJ inside words, ``৷`` for ``।``); nothing changes on text without Bengali.""",
    "fold_digits": """fold_digits : bool, default=False
    Read the digits of every script as ASCII digits (``২০২৫`` and ``2025`` are one term).""",
    "n_jobs": """n_jobs : int or None, default=None
    The number of threads. None or -1: the environment variable ``TEXTSIM_NUM_THREADS``,
    else every core; -2: all cores but one. Results never depend on it.""",
    "clean_scraped": """clean_scraped : bool, default=False
    Take HTML tags and comments, character references, URLs and scraper markers
    (``[ad_1]``) out of the text before anything else.""",
    "stemmer": """stemmer : {"bengali"} or None, default=None
    ``"bengali"`` takes the common inflections off Bengali word tokens (``সোনার`` ->
    ``সোনা``); other tokens are left alone. See the Bengali guide for what it does to search
    and grouping.""",
    "missing": """missing : {"error", "empty"}, default="error"
    A missing document (None, NaN, pandas' NA, an Arrow null) raises
    :class:`textsim.MissingDocumentError` naming it (and its index label in a pandas
    Series); ``"empty"`` reads it as an empty document.""",
    "norm": """norm : {"l1", "l2"} or None, default="l2"
    Scale each row to unit length in this norm; None leaves rows as they are.""",
}


def vectorizer_parameters(docstring: str, names: list[str], extra: dict[str, str]) -> str:
    """``docstring`` with its ``<parameters>`` line replaced by the numpydoc entries of
    ``names``, from the shared ones or from ``extra``, indented as that line is (Python 3.13
    strips docstrings' common indentation at compile time; earlier versions keep it)."""
    found = re.search(r"^( *)<parameters>\n", docstring, flags=re.MULTILINE)
    if found is None:
        raise AssertionError("the docstring has no <parameters> line")
    indent = found.group(1)
    entries = []
    for name in names:
        text = extra.get(name) or _PARAMETER_DOCS[name]
        first, _, rest = text.partition("\n")
        body = "".join(f"\n{indent}    " + line.strip() for line in rest.splitlines())
        entries.append(indent + first + body)
    return docstring[: found.start()] + "\n".join(entries) + "\n" + docstring[found.end() :]


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
        """Decode one document to text.

        Parameters
        ----------
        doc : str, bytes, path or file
            The document; a file name or file object for ``input="filename"`` or
            ``"file"``, read and decoded.

        Returns
        -------
        str
            The text, bytes decoded with ``encoding`` and ``decode_error``.

        Raises
        ------
        ValueError
            If ``doc`` is NaN (scikit-learn's message).

        See Also
        --------
        build_analyzer : The whole analysis, decoding included.

        Examples
        --------
        >>> import textsim
        >>> textsim.CountVectorizer().decode("সোনার বাংলা".encode("utf-8"))
        'সোনার বাংলা'
        """
        return self._analysis().decode(doc)

    def build_preprocessor(self) -> Callable[[str], str]:
        """Return the preprocessing as a function of text.

        Returns
        -------
        callable
            ``preprocessor`` when one is given; else textsim's preprocessing: scraper debris
            removed (``clean_scraped``), Unicode normalization, Bengali and digit folding,
            lowercasing and accent stripping.

        See Also
        --------
        build_tokenizer : What cuts tokens from the preprocessed text.

        Examples
        --------
        >>> import textsim
        >>> preprocess = textsim.TfidfVectorizer(fold_digits=True).build_preprocessor()
        >>> preprocess("Dhaka ২০২৫")
        'dhaka 2025'
        """
        return self._analysis().build_preprocessor()

    def build_tokenizer(self) -> Callable[[str], list[str]]:
        """Return the tokenizer of preprocessed text as a function.

        Returns
        -------
        callable
            ``tokenizer`` when one is given; else the ``token_pattern`` tokenizer, which
            neither lowercases nor drops stop words (the analyzer does that).

        See Also
        --------
        build_analyzer : Preprocessing, tokenizing, stop words and n-grams together.

        Examples
        --------
        >>> import textsim
        >>> textsim.CountVectorizer().build_tokenizer()("আমার সোনার বাংলা")
        ['আমার', 'সোনার', 'বাংলা']
        """
        return self._analysis().build_tokenizer()

    def get_stop_words(self) -> Any:
        """Return the stop words the vectorizer drops.

        Returns
        -------
        frozenset of str or None
            The built-in list ``stop_words`` names, or the words given; None without.

        Raises
        ------
        ValueError
            If ``stop_words`` is a str that names no built-in list.

        See Also
        --------
        textsim.stop_words : Combine lists.

        Examples
        --------
        >>> import textsim
        >>> words = textsim.CountVectorizer(stop_words="bengali").get_stop_words()
        >>> "এবং" in words
        True
        """
        return self._analysis().get_stop_words()

    def build_analyzer(self) -> Callable[[Any], list[str]]:
        """Return the whole analysis of a document as a function.

        Returns
        -------
        callable
            A function of one document (as ``input`` says) returning its features:
            decoded, preprocessed, tokenized, stop words dropped, n-grams made.

        Raises
        ------
        ValueError
            If ``analyzer`` is not "word", "char", "char_wb" or a callable.

        See Also
        --------
        build_preprocessor : The preprocessing alone.
        build_tokenizer : The tokenizing alone.

        Examples
        --------
        >>> import textsim
        >>> analyze = textsim.CountVectorizer(ngram_range=(1, 2)).build_analyzer()
        >>> analyze("সোনার তরী")
        ['সোনার', 'তরী', 'সোনার তরী']
        """
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
