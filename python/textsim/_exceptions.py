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
    """Base class of every error textsim raises on purpose."""


class _AboutADocument:
    """An error about one document: ``document`` is its number in the input (counted across
    batches, from 0), or None when it was given on its own."""

    document: int | None

    def __init__(self, message: str = "", document: int | None = None) -> None:
        super().__init__(message)  # type: ignore[call-arg]  # the exception class after it
        self.document = document


class DocumentError(_AboutADocument, TextsimError, ValueError):
    """A document that cannot be read: NaN, lone surrogates, bytes that do not decode.
    ``document`` is its number in the input (None for a document given on its own)."""


class DocumentDecodeError(DocumentError, UnicodeDecodeError):
    """Bytes that are not valid in the document's encoding, with ``decode_error="strict"``.

    Also a ``UnicodeDecodeError`` (what scikit-learn raises), whose ``object`` holds the bytes
    that failed to decode and ``start``/``end`` their place in it; the message names the
    document and the offset in it, and ``document`` is the document's number.
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
    """A document that is not ``str`` or ``bytes`` (``None``, a number, ...); ``document`` is
    its number in the input."""


class MissingDocumentError(DocumentError, DocumentTypeError):
    """A missing document (None, NaN, pandas' NA, an Arrow null): a ``ValueError``, as
    scikit-learn's error for NaN is, and a ``TypeError``, as textsim's for None was. Its message
    names the document's number and, for a pandas Series, its index label; ``missing="empty"``
    reads missing documents as empty ones instead."""


class TokenPatternError(TextsimError, ValueError):
    """A ``token_pattern`` that cannot be used (does not compile, too many groups)."""


class ParameterError(TextsimError, ValueError):
    """An option with a value outside its domain."""


class VocabularyError(TextsimError, ValueError):
    """Fitting found no usable vocabulary (empty, or nothing left after pruning)."""


class NotFittedError(TextsimError, ValueError, AttributeError):
    """An estimator used before ``fit`` (like scikit-learn's, a ValueError and AttributeError)."""
