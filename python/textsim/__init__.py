"""textsim: Unicode-correct tokenizing, TF-IDF and similarity for Python, with a parallel Rust core.

scikit-learn's default tokenizer cuts Bengali words apart (Python's ``\\w`` excludes vowel signs
and virama); textsim keeps them whole, and is scikit-learn's tokenizer everywhere else::

    >>> import textsim
    >>> len(textsim.tokenize("রাশিয়ার রাষ্ট্রপতি ভ্লাদিমির পুতিন"))
    4
"""

from textsim import datasets
from textsim._core import __version__
from textsim._exceptions import (
    DocumentError,
    DocumentTypeError,
    ParameterError,
    TextsimError,
    TokenPatternError,
)
from textsim._tokenizer import Tokenizer, sentences, tokenize

__all__ = [
    "DocumentError",
    "DocumentTypeError",
    "ParameterError",
    "TextsimError",
    "TokenPatternError",
    "Tokenizer",
    "__version__",
    "datasets",
    "sentences",
    "tokenize",
]
