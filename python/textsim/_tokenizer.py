"""``textsim.Tokenizer``: Unicode-correct word tokens, scikit-learn's where scikit-learn is right."""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable
from typing import Any, Literal, Union

import numpy as np

from textsim import _core, _params
from textsim._documents import (
    NOT_ITERABLE,
    is_arrow_strings,
    is_missing,
    refused_alone,
    without_missing,
)
from textsim._estimator import unchanged_on_failure
from textsim._exceptions import DocumentTypeError, ParameterError

Document = Union[str, bytes]

DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"



def _check_documents(docs: Any) -> Any:
    # scikit-learn's rule: a lone string is a mistake, not a collection of one-letter documents.
    if isinstance(docs, (str, bytes)):
        raise ValueError(NOT_ITERABLE)
    return docs


class Tokenizer:
    """Cut text into word tokens, keeping Bengali words whole.

    The text is first preprocessed (see :meth:`normalize`): Unicode normalization (NFC by
    default), Bengali folding (one spelling for each Bengali word), optionally digit folding,
    lowercasing and accent stripping. Tokens are then cut from it, and stop words dropped.
    On text without combining marks the default tokens are scikit-learn's; on Bengali they are
    whole words, where scikit-learn's ``\\w`` cuts them at every vowel sign and virama.

    Parameters
    ----------
    lowercase : bool, default=True
        Convert the text to lower case before tokenizing.
    token_pattern : str, default=r"(?u)\\b\\w\\w+\\b"
        The regular expression of a token, used when ``tokenizer="pattern"``. ``\\w`` is
        Unicode's word character (letters, *marks*, digits, connectors, joiners). The default
        pattern runs on a hand-written scanner; any other pattern is compiled by Rust's
        linear-time regex engine (no look-around or back-references). With exactly one
        capturing group, the group is the token.
    tokenizer : {"pattern", "unicode"} or callable, default="pattern"
        ``"pattern"``: the matches of ``token_pattern``. ``"unicode"``: the words of UAX#29's
        word boundaries (keeps ``don't``, ``3.14``, ``১২.৫০`` whole). A callable takes the
        preprocessed text and returns a list of str; it runs in Python, one document at a
        time (the slow path).
    unicode_normalization : {"NFC", "NFKC"} or None, default="NFC"
        The Unicode normalization applied first, so that the same word typed two ways gives
        the same token. None leaves the text as it is.
    bengali_folding : bool, default=True
        Bring the Bengali spellings that Unicode normalization leaves apart to one: the
        legacy khanda ta (``ত``, virama, ZWJ) becomes ``ৎ``, ZWJ and ZWNJ inside Bengali
        words are dropped, ``৷`` used as a danda becomes ``।``. Nothing changes on text
        without Bengali. See the Bengali guide.
    fold_digits : bool, default=False
        Read the digits of every script as ASCII digits (``১২`` as ``12``).
    strip_accents : {"ascii", "unicode"} or None, default=None
        Remove accents as scikit-learn does, except that characters of scripts whose marks
        are part of the spelling (Bengali, Devanagari and the other Brahmic scripts) are kept
        whole: ``"কৃষ্ণ"`` stays ``"কৃষ্ণ"`` (scikit-learn gives ``"কৃষণ"``), and ``"ascii"``
        keeps them rather than deleting them.
    stop_words : {"english", "bengali"}, collection of str or None, default=None
        Tokens to drop: scikit-learn's English list, textsim's Bengali list, or your words
        (see :func:`textsim.stop_words` to combine lists). As in scikit-learn they are
        compared with the preprocessed tokens and not lowercased themselves; they are
        Unicode-normalized and folded like the text.
    encoding : str, default="utf-8"
        The encoding of ``bytes`` documents.
    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that are not valid in ``encoding``; ``"strict"`` raises
        :class:`textsim.DocumentDecodeError`.
    n_jobs : int or None, default=None
        The number of threads of :meth:`tokenize_many` and :meth:`count_tokens`. None or -1:
        the environment variable ``TEXTSIM_NUM_THREADS``, else every core; -2: all cores but
        one. Results never depend on it.
    clean_scraped : bool, default=False
        Take scraper debris out of the text before anything else: HTML tags and comments,
        character references (``&rsquo;``, ``&#039;``: decoded), URLs and bracketed markers
        such as ``[ad_1]``.
    stemmer : {"bengali"} or None, default=None
        ``"bengali"`` takes the common inflections off Bengali tokens (``সোনার`` -> ``সোনা``)
        after stop words are dropped; other tokens are left alone. It needs the ``"pattern"``
        or ``"unicode"`` tokenizer.
    missing : {"error", "empty"}, default="error"
        A missing document (None, NaN, pandas' NA, an Arrow null) raises
        :class:`textsim.MissingDocumentError` naming it (and its index label in a pandas
        Series); ``"empty"`` reads it as an empty document.

    Raises
    ------
    textsim.ParameterError
        If an option has a value it does not take.
    textsim.TokenPatternError
        If ``token_pattern`` is not a valid pattern (or has more than one capturing group).

    See Also
    --------
    tokenize : The tokens of one text, with these options.
    stop_words : Built-in stop word lists and your own words as one collection.
    CountVectorizer : Token counts with the same text semantics.

    Examples
    --------
    >>> import textsim
    >>> tokenizer = textsim.Tokenizer(stop_words="bengali")
    >>> tokenizer.tokenize("রাশিয়ার রাষ্ট্রপতি এবং প্রধানমন্ত্রী")
    ['রাশিয়ার', 'রাষ্ট্রপতি', 'প্রধানমন্ত্রী']
    >>> textsim.Tokenizer(tokenizer="unicode").tokenize("Don't pay $3.14")
    ["don't", 'pay', '3.14']
    """

    def __init__(
        self,
        *,
        lowercase: bool = True,
        token_pattern: str = DEFAULT_TOKEN_PATTERN,
        tokenizer: Literal["pattern", "unicode"] | Callable[[str], list[str]] = "pattern",
        unicode_normalization: Literal["NFC", "NFKC"] | None = "NFC",
        bengali_folding: bool = True,
        fold_digits: bool = False,
        strip_accents: Literal["ascii", "unicode"] | None = None,
        stop_words: Literal["english", "bengali"] | Iterable[str] | None = None,
        encoding: str = "utf-8",
        decode_error: Literal["strict", "ignore", "replace"] = "strict",
        n_jobs: int | None = None,
        clean_scraped: bool = False,
        stemmer: Literal["bengali"] | None = None,
        missing: Literal["error", "empty"] = "error",
    ) -> None:
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.tokenizer = tokenizer
        self.unicode_normalization = unicode_normalization
        self.bengali_folding = bengali_folding
        self.fold_digits = fold_digits
        self.strip_accents = strip_accents
        self.stop_words = stop_words
        self.encoding = encoding
        self.decode_error = decode_error
        self.n_jobs = n_jobs
        self.clean_scraped = clean_scraped
        self.stemmer = stemmer
        self.missing = missing
        self._core = self._build()

    _model_name = "Tokenizer"

    _PARAMS = (
        "lowercase",
        "token_pattern",
        "tokenizer",
        "unicode_normalization",
        "bengali_folding",
        "fold_digits",
        "strip_accents",
        "stop_words",
        "encoding",
        "decode_error",
        "n_jobs",
        "clean_scraped",
        "stemmer",
        "missing",
    )

    def _check_saved_params(self) -> None:
        """The checks of the parameters (the constructor makes them, as it builds the core)."""
        self._build()

    def _build(self) -> _core.TokenizerCore:
        stop_words = _params.tokenizer_options(
            tokenizer=self.tokenizer,
            unicode_normalization=self.unicode_normalization,
            strip_accents=self.strip_accents,
            decode_error=self.decode_error,
            token_pattern=self.token_pattern,
            stop_words=self.stop_words,
            stemmer=self.stemmer,
            missing=self.missing,
        )
        try:
            self._utf8 = codecs.lookup(self.encoding).name == "utf-8"
        except (LookupError, TypeError):
            # As in scikit-learn, an unknown encoding matters only when a bytes document has to
            # be decoded with it (bytes.decode then raises LookupError).
            self._utf8 = False
        return _core.TokenizerCore(
            lowercase=bool(self.lowercase),
            token_pattern=self.token_pattern,
            segmentation=self.tokenizer if isinstance(self.tokenizer, str) else "pattern",
            unicode_normalization=self.unicode_normalization,
            bengali_folding=bool(self.bengali_folding),
            fold_digits=bool(self.fold_digits),
            strip_accents=self.strip_accents,
            stop_words=stop_words,
            decode_error=self.decode_error,
            n_jobs=_params.threads(self.n_jobs),
            clean_scraped=bool(self.clean_scraped),
            stemmer=self.stemmer,
        )

    # -- documents --------------------------------------------------------------------------

    def _decoded(self, doc: Any) -> Any:
        if is_missing(doc):
            if self.missing == "empty":
                return ""
            raise refused_alone(doc)
        # UTF-8 bytes are decoded in Rust, in parallel; other encodings here, as scikit-learn does.
        if isinstance(doc, bytes) and not self._utf8:
            return doc.decode(self.encoding, self.decode_error)
        return doc

    def _decoded_many(self, docs: Iterable[Any]) -> Any:
        docs = without_missing(_check_documents(docs), self.missing)
        if self._utf8:
            if isinstance(docs, list) or is_arrow_strings(docs):
                return docs
            return list(docs)
        return [self._decoded(d) for d in docs]

    # -- the API ----------------------------------------------------------------------------

    def normalize(self, doc: Document) -> str:
        """Return the preprocessed text that tokens are cut from.

        Scraper debris removed (``clean_scraped``), Unicode-normalized, Bengali-folded,
        digits folded, lowercased and accents stripped, as the options say.

        Parameters
        ----------
        doc : str or bytes
            The document; bytes are decoded with ``encoding`` and ``decode_error``.

        Returns
        -------
        str
            The preprocessed text.

        See Also
        --------
        tokenize : The tokens cut from this text.

        Examples
        --------
        >>> import textsim
        >>> textsim.Tokenizer(fold_digits=True).normalize("Dhaka ২০২৫")
        'dhaka 2025'
        """
        return self._core.normalize(self._decoded(doc))

    def tokenize(self, doc: Document) -> list[str]:
        """Return the tokens of one document.

        Parameters
        ----------
        doc : str or bytes
            The document; bytes are decoded with ``encoding`` and ``decode_error``.

        Returns
        -------
        list of str
            The tokens, in the order they appear, without stop words.

        Raises
        ------
        textsim.MissingDocumentError
            If ``doc`` is missing (None, NaN, pandas' NA), unless ``missing="empty"``, which
            reads it as an empty document; the same error as for a missing document among
            many (a ``ValueError`` and a ``DocumentTypeError``).
        textsim.DocumentTypeError
            If ``doc`` is neither str nor bytes.

        See Also
        --------
        tokenize_many : The tokens of many documents, in parallel.

        Examples
        --------
        >>> import textsim
        >>> textsim.Tokenizer().tokenize("ঢাকায় আজ বৃষ্টি হয়েছে")
        ['ঢাকায়', 'আজ', 'বৃষ্টি', 'হয়েছে']
        """
        if callable(self.tokenizer):
            return self._call_tokenizer([self.normalize(doc)])[0]
        return self._core.tokenize(self._decoded(doc))

    def tokenize_many(self, docs: Iterable[Document]) -> list[list[str]]:
        """Return the tokens of each document, computed in parallel.

        With the ``"pattern"`` or ``"unicode"`` tokenizer the work runs on ``n_jobs`` threads
        with the interpreter lock released; a callable tokenizer runs in Python.

        Parameters
        ----------
        docs : iterable of str or bytes
            The documents (a list, a pandas Series, an Arrow string array, a generator). A
            lone str is refused, as in scikit-learn.

        Returns
        -------
        list of list of str
            The tokens of each document, in document order.

        Raises
        ------
        ValueError
            If ``docs`` is a single str or bytes.
        textsim.MissingDocumentError
            If a document is missing and ``missing="error"``.

        See Also
        --------
        count_tokens : The number of tokens of each document, without the tokens.

        Examples
        --------
        >>> import textsim
        >>> textsim.Tokenizer().tokenize_many(["আমার সোনার বাংলা", "the cat sat"])
        [['আমার', 'সোনার', 'বাংলা'], ['the', 'cat', 'sat']]
        """
        docs = self._decoded_many(docs)
        if callable(self.tokenizer):
            return self._call_tokenizer(self._core.normalize_many(docs))
        return self._core.tokenize_many(docs)

    def count_tokens(self, docs: Iterable[Document]) -> np.ndarray:
        """Return the number of tokens of each document, without making the tokens.

        Parameters
        ----------
        docs : iterable of str or bytes
            The documents, as in :meth:`tokenize_many`.

        Returns
        -------
        numpy.ndarray of int64, shape (n_documents,)
            The number of tokens of each document.

        See Also
        --------
        tokenize_many : The tokens themselves.

        Examples
        --------
        >>> import textsim
        >>> textsim.Tokenizer().count_tokens(["আমার সোনার বাংলা", "a cat"]).tolist()
        [3, 1]
        """
        docs = self._decoded_many(docs)
        if callable(self.tokenizer):
            return np.array([len(t) for t in self.tokenize_many(docs)], dtype=np.int64)
        return self._core.count_tokens(docs)

    def _call_tokenizer(self, texts: list[str]) -> list[list[str]]:
        func = self.tokenizer
        assert callable(func)
        is_stop = self._core.is_stop_word
        result = []
        for text in texts:
            tokens = func(text)
            result.append([t for t in tokens if t and not is_stop(t)])
        return result

    # -- estimator plumbing -----------------------------------------------------------------

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Get the parameters of this tokenizer (scikit-learn's estimator contract).

        Parameters
        ----------
        deep : bool, default=True
            Accepted for scikit-learn's contract; a tokenizer holds no other estimators.

        Returns
        -------
        dict
            The constructor arguments, by name.

        See Also
        --------
        set_params : Change them.

        Examples
        --------
        >>> import textsim
        >>> textsim.Tokenizer(stop_words="bengali").get_params()["stop_words"]
        'bengali'
        """
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params: Any) -> Tokenizer:
        """Set constructor arguments and rebuild the tokenizer.

        All or none of them: a parameter that is refused leaves the tokenizer as it was.

        Parameters
        ----------
        **params : dict
            Constructor arguments, by name.

        Returns
        -------
        Tokenizer
            This tokenizer.

        Raises
        ------
        textsim.ParameterError
            If a name is not a parameter of Tokenizer, or a value is not one it takes.

        See Also
        --------
        get_params : The parameters as they are.

        Examples
        --------
        >>> import textsim
        >>> textsim.Tokenizer().set_params(lowercase=False).tokenize("Dhaka")
        ['Dhaka']
        """
        with unchanged_on_failure(self):
            self._set_params(params)
        return self

    def _set_params(self, params: dict[str, Any]) -> None:
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ParameterError(f"Invalid parameter {name!r} for Tokenizer")
            setattr(self, name, value)
        self._core = self._build()

    def __getstate__(self) -> dict[str, Any]:
        return self.get_params()

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self._core = self._build()

    def __repr__(self) -> str:
        defaults = Tokenizer.__init__.__kwdefaults__ or {}
        shown = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if name not in defaults or defaults[name] != value
        ]
        return f"Tokenizer({', '.join(shown)})"


def tokenize(text: Document, **options: Any) -> list[str]:
    """Return the tokens of one text.

    A shortcut for ``Tokenizer(**options).tokenize(text)``: Bengali words stay whole, and
    everywhere else the tokens are scikit-learn's.

    Parameters
    ----------
    text : str or bytes
        The text; bytes are decoded as UTF-8 unless ``encoding`` says otherwise.
    **options : dict
        Any of :class:`Tokenizer`'s parameters (``stop_words``, ``tokenizer``,
        ``fold_digits``, ``stemmer``, ...).

    Returns
    -------
    list of str
        The tokens, in the order they appear.

    Raises
    ------
    TypeError
        If an option is not one of Tokenizer's.
    textsim.ParameterError
        If an option has a value it does not take.

    See Also
    --------
    Tokenizer : The same, made once and used for many texts (in parallel).
    sentences : The sentences of a text.

    Examples
    --------
    >>> import textsim
    >>> textsim.tokenize("রাশিয়ার রাষ্ট্রপতি ভ্লাদিমির পুতিন")
    ['রাশিয়ার', 'রাষ্ট্রপতি', 'ভ্লাদিমির', 'পুতিন']
    >>> textsim.tokenize("The price rose to ১২.৫০ taka", tokenizer="unicode", stop_words="english")
    ['price', 'rose', '১২.৫০', 'taka']
    """
    return Tokenizer(**options).tokenize(text)


def sentences(text: str) -> list[str]:
    """Split a text into sentences (UAX#29), without surrounding white space.

    The Bengali danda ``।`` ends a sentence, and so does ``৷``, which scraped text often uses
    for it.

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    list of str
        The sentences, in order.

    Raises
    ------
    textsim.DocumentTypeError
        If ``text`` is not a str.

    See Also
    --------
    tokenize : The words of a text.

    Examples
    --------
    >>> import textsim
    >>> textsim.sentences("ঢাকায় বৃষ্টি হয়েছে। কাল রোদ উঠবে৷ Then it rains again.")
    ['ঢাকায় বৃষ্টি হয়েছে।', 'কাল রোদ উঠবে৷', 'Then it rains again.']
    """
    if not isinstance(text, str):
        raise DocumentTypeError(f"expected a str, got {type(text).__name__}")
    return _core.sentences(text)
