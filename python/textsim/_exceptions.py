"""textsim's exceptions.

Each one is also the built-in exception a caller would expect (``ValueError``, ``TypeError``),
so ``except ValueError`` keeps working, while ``except textsim.TextsimError`` catches everything
textsim raises on purpose.
"""

from __future__ import annotations

__all__ = [
    "DocumentDecodeError",
    "DocumentError",
    "NotFittedError",
    "VocabularyError",
    "DocumentTypeError",
    "ParameterError",
    "TextsimError",
    "TokenPatternError",
]


class TextsimError(Exception):
    """Base class of every error textsim raises on purpose.

    Each one is also the built-in exception scikit-learn raises in its place (a ValueError,
    a TypeError), so code written for scikit-learn catches it.

    See Also
    --------
    ParameterError : An option with a value outside its domain.
    DocumentError : A document that cannot be read.

    Examples
    --------
    >>> import textsim
    >>> try:
    ...     textsim.Tokenizer(missing="skip")
    ... except textsim.TextsimError as error:
    ...     print(error)
    missing: expected one of 'error', 'empty', got 'skip'
    """


class _AboutADocument:
    """An error about one document: ``document`` is its number in the input (counted across
    batches, from 0), or None when it was given on its own."""

    document: int | None

    def __init__(self, message: str = "", document: int | None = None) -> None:
        super().__init__(message)  # type: ignore[call-arg]  # the exception class after it
        self.document = document


class DocumentError(_AboutADocument, TextsimError, ValueError):
    r"""A document that cannot be read: NaN, lone surrogates, bytes that do not decode.

    A ValueError, as scikit-learn's.

    Parameters
    ----------
    message : str, default=""
        What is wrong, naming the document.
    document : int or None, default=None
        The document's number in the input (counted across batches, from 0), or None for
        a document given on its own; kept as ``document``.

    See Also
    --------
    DocumentDecodeError : Bytes that do not decode.
    MissingDocumentError : A missing document.

    Examples
    --------
    >>> import textsim
    >>> try:
    ...     textsim.TfidfVectorizer().fit(["ok", "a lone \ud800 surrogate"])
    ... except textsim.DocumentError as error:
    ...     print(error.document)
    1
    """


class DocumentDecodeError(DocumentError, UnicodeDecodeError):
    r"""Bytes that are not valid in the document's encoding, with ``decode_error="strict"``.

    Also a ``UnicodeDecodeError`` (what scikit-learn raises), whose ``object`` holds the bytes
    that failed to decode and ``start``/``end`` their place in it; the message names the
    document and the offset in it.

    Parameters
    ----------
    message : str
        The message, naming the document and the offset.
    encoding : str
        The encoding.
    data : bytes
        The bytes that failed to decode (``object``).
    start : int
        Where the invalid bytes start in ``data``.
    end : int
        Where they end.
    reason : str
        Why they are invalid.
    document : int or None, default=None
        The document's number in the input, or None.

    See Also
    --------
    DocumentError : The other ways a document cannot be read.

    Examples
    --------
    >>> import textsim
    >>> try:
    ...     textsim.TfidfVectorizer().fit([b"\xff\xfe"])
    ... except UnicodeDecodeError as error:
    ...     print(error)
    document 0 is not valid UTF-8: byte(s) 0xff at offset 0; pass decode_error='replace' or 'ignore', or give the right encoding=
    """

    def __init__(
        self,
        message: str,
        encoding: str,
        data: bytes,
        start: int,
        end: int,
        reason: str,
        document: int | None = None,
    ):
        UnicodeDecodeError.__init__(self, encoding, data, start, end, reason)
        self.message = message
        self.document = document

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (
            type(self),
            (
                self.message,
                self.encoding,
                self.object,
                self.start,
                self.end,
                self.reason,
                self.document,
            ),
        )


class DocumentTypeError(_AboutADocument, TextsimError, TypeError):
    """A document that is not ``str`` or ``bytes`` (a number, a list, ...).

    A TypeError.

    Parameters
    ----------
    message : str, default=""
        What is wrong, naming the document.
    document : int or None, default=None
        The document's number in the input (counted across batches, from 0), or None for
        a document given on its own; kept as ``document``.

    See Also
    --------
    MissingDocumentError : None, NaN and other missing values.

    Examples
    --------
    >>> import textsim
    >>> try:
    ...     textsim.TfidfVectorizer().fit(["ok", 5])
    ... except textsim.DocumentTypeError as error:
    ...     print(error)
    expected a str or bytes document, got int (document 1)
    """


class MissingDocumentError(DocumentError, DocumentTypeError):
    """A missing document (None, NaN, pandas' NA, an Arrow null).

    A ``ValueError``, as scikit-learn's error for NaN is, and a ``TypeError``, as textsim's
    for None was. Its message names the document's number and, for a pandas Series, its
    index label; ``missing="empty"`` reads missing documents as empty ones instead.

    Parameters
    ----------
    message : str, default=""
        What is wrong, naming the document.
    document : int or None, default=None
        The document's number in the input (counted across batches, from 0), or None for
        a document given on its own; kept as ``document``.

    See Also
    --------
    TfidfVectorizer : Its ``missing`` parameter.

    Examples
    --------
    >>> import textsim
    >>> try:
    ...     textsim.TfidfVectorizer().fit(["সোনার তরী", None])
    ... except textsim.MissingDocumentError as error:
    ...     print(error.document)
    1
    >>> textsim.TfidfVectorizer(missing="empty").fit_transform(["সোনার তরী", None]).shape
    (2, 2)
    """


class TokenPatternError(TextsimError, ValueError):
    """A ``token_pattern`` that cannot be used (does not compile, too many groups).

    A ValueError, as scikit-learn's.

    See Also
    --------
    Tokenizer : Its ``token_pattern`` parameter.

    Examples
    --------
    >>> import textsim
    >>> try:
    ...     textsim.Tokenizer(token_pattern="(a)(b)")
    ... except textsim.TokenPatternError as error:
    ...     print(error)
    More than 1 capturing group in token pattern. Only a single group should be captured. (token_pattern="(a)(b)")
    """


class ParameterError(TextsimError, ValueError):
    """An option with a value outside its domain.

    A ValueError, as scikit-learn's.

    See Also
    --------
    TextsimError : The base of textsim's errors.

    Examples
    --------
    >>> import textsim
    >>> try:
    ...     textsim.most_similar([[1.0, 0.0]], k=0)
    ... except textsim.ParameterError as error:
    ...     print(error)
    k: expected an int of 1 or more, got 0
    """


class VocabularyError(TextsimError, ValueError):
    """Fitting found no usable vocabulary (empty, or nothing left after pruning).

    A ValueError, as scikit-learn's.

    See Also
    --------
    CountVectorizer : Its ``min_df``, ``max_df`` and ``stop_words``.

    Examples
    --------
    >>> import textsim
    >>> try:
    ...     textsim.TfidfVectorizer(stop_words="bengali").fit(["এবং", "ও"])
    ... except textsim.VocabularyError as error:
    ...     print(error)
    empty vocabulary; perhaps the documents only contain stop words
    """


class NotFittedError(TextsimError, ValueError, AttributeError):
    """An estimator used before ``fit``.

    Like scikit-learn's, a ValueError and an AttributeError.

    See Also
    --------
    TextsimError : The base of textsim's errors.

    Examples
    --------
    >>> import textsim
    >>> try:
    ...     textsim.TfidfVectorizer().transform(["সোনার তরী"])
    ... except textsim.NotFittedError as error:
    ...     print(error)
    The TF-IDF vectorizer is not fitted
    """
