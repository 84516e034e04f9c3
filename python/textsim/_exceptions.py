"""textsim's exceptions.

Each one is also the built-in exception a caller would expect (``ValueError``, ``TypeError``),
so ``except ValueError`` keeps working, while ``except textsim.TextsimError`` catches everything
textsim raises on purpose.
"""

from __future__ import annotations

__all__ = [
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


class DocumentError(TextsimError, ValueError):
    """A document that cannot be read: NaN, lone surrogates, bytes that do not decode."""


class DocumentTypeError(TextsimError, TypeError):
    """A document that is not ``str`` or ``bytes`` (``None``, a number, ...)."""


class TokenPatternError(TextsimError, ValueError):
    """A ``token_pattern`` that cannot be used (does not compile, too many groups)."""


class ParameterError(TextsimError, ValueError):
    """An option with a value outside its domain."""


class VocabularyError(TextsimError, ValueError):
    """Fitting found no usable vocabulary (empty, or nothing left after pruning)."""


class NotFittedError(TextsimError, ValueError, AttributeError):
    """An estimator used before ``fit`` (like scikit-learn's, a ValueError and AttributeError)."""
