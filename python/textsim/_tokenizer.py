"""``textsim.Tokenizer``: Unicode-correct word tokens, scikit-learn's where scikit-learn is right."""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable
from typing import Any, Literal, Union

import numpy as np

from textsim import _core, _params
from textsim._documents import NOT_ITERABLE, is_arrow_strings, is_missing, without_missing
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
    """Cuts text into word tokens; Bengali words stay whole.

    The text is first preprocessed (see :meth:`normalize`): Unicode normalization (NFC by
    default), Bengali folding (one spelling for each Bengali word), optionally digit folding,
    lowercasing and accent stripping. Tokens are then cut from it:

    - ``tokenizer="pattern"`` (default): matches of ``token_pattern``, scikit-learn's
      ``(?u)\\b\\w\\w+\\b`` by default, where ``\\w`` is Unicode's word character (letters, *marks*,
      digits, connectors, joiners). On text without combining marks the tokens are scikit-learn's;
      on Bengali they are whole words. The default pattern runs on a hand-written scanner; any
      other pattern is compiled by Rust's linear-time regex engine (no look-around or
      back-references); with exactly one capturing group, the group is the token.
    - ``tokenizer="unicode"``: UAX#29 word boundaries (keeps ``don't``, ``3.14``, ``১২.৫০``).
    - ``tokenizer=<callable>``: your function of the preprocessed text, returning a list of
      strings. This is the slow path: it runs in Python, one document at a time.

    ``stop_words`` (``"english"``, scikit-learn's list; ``"bengali"``; or your list) are dropped
    after tokenizing. Like scikit-learn, they are compared with the preprocessed tokens but not
    lowercased themselves; they are Unicode-normalized and folded like the text.

    ``strip_accents`` differs from scikit-learn's in one way: characters of scripts whose marks
    are part of the spelling (Bengali, Devanagari and the other Brahmic scripts) are kept
    whole, so ``"কৃষ্ণ"`` stays ``"কৃষ্ণ"`` (scikit-learn gives ``"কৃষণ"``) and ``"ascii"`` keeps
    them rather than deleting them. Latin, Greek and Cyrillic text comes out as scikit-learn's.

    ``clean_scraped=True`` takes scraper debris out of the text before anything else: HTML
    tags and comments, character references (``&rsquo;``, ``&#039;``: decoded), URLs and
    bracketed markers such as ``[ad_1]`` (see ``src/text/clean.rs``). Off by default.

    ``stemmer="bengali"`` takes the common inflections off Bengali tokens (``সোনার`` ->
    ``সোনা``, ``কমেছে`` -> ``কম``), after stop words are dropped; other tokens are left alone.
    Off by default: see the Bengali guide for what it does to search and grouping. It needs
    the ``"pattern"`` or ``"unicode"`` tokenizer (not a callable).

    A missing document (None, NaN, pandas' NA, an Arrow null) raises
    :class:`textsim.MissingDocumentError` naming it (and its index label in a pandas Series);
    ``missing="empty"`` reads it as an empty document.

    ``bytes`` documents are decoded with ``encoding`` and ``decode_error`` as in scikit-learn.
    ``n_jobs`` is the number of threads of :meth:`tokenize_many` (``None`` or ``-1``: every core,
    or the environment variable ``TEXTSIM_NUM_THREADS``). Results never depend on it.
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
        if self.missing == "empty" and is_missing(doc):
            return ""
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
        """The preprocessed text that tokens are cut from."""
        return self._core.normalize(self._decoded(doc))

    def tokenize(self, doc: Document) -> list[str]:
        """The tokens of one document."""
        if callable(self.tokenizer):
            return self._call_tokenizer([self.normalize(doc)])[0]
        return self._core.tokenize(self._decoded(doc))

    def tokenize_many(self, docs: Iterable[Document]) -> list[list[str]]:
        """The tokens of each document, computed in parallel with the interpreter lock released."""
        docs = self._decoded_many(docs)
        if callable(self.tokenizer):
            return self._call_tokenizer(self._core.normalize_many(docs))
        return self._core.tokenize_many(docs)

    def count_tokens(self, docs: Iterable[Document]) -> np.ndarray:
        """The number of tokens of each document (int64), without making the tokens."""
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
        """The constructor arguments (scikit-learn's estimator contract)."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params: Any) -> Tokenizer:
        """Sets constructor arguments and rebuilds the tokenizer (all or none of them: a
        parameter that is refused leaves the tokenizer as it was)."""
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
    """The tokens of ``text``; ``options`` are :class:`Tokenizer`'s."""
    return Tokenizer(**options).tokenize(text)


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (UAX#29), without surrounding white space.

    The Bengali danda ``।`` ends a sentence, and so does ``৷``, which scraped text often uses for it.
    """
    if not isinstance(text, str):
        raise DocumentTypeError(f"expected a str, got {type(text).__name__}")
    return _core.sentences(text)
