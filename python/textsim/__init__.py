"""textsim: Unicode-correct tokenizing, TF-IDF and similarity for Python, with a parallel Rust core.

scikit-learn's default tokenizer cuts Bengali words apart (Python's ``\\w`` excludes vowel signs
and virama); textsim keeps them whole, and is scikit-learn's tokenizer everywhere else::

    >>> import textsim
    >>> len(textsim.tokenize("রাশিয়ার রাষ্ট্রপতি ভ্লাদিমির পুতিন"))
    4
"""

from textsim import datasets, plot
from textsim._core import __version__
from textsim._exceptions import (
    DocumentDecodeError,
    DocumentError,
    DocumentTypeError,
    NotFittedError,
    ParameterError,
    TextsimError,
    TokenPatternError,
    VocabularyError,
)
from textsim._index import SimilarityIndex, explain
from textsim._stats import CorpusStats
from textsim._similarity import (
    Neighbours,
    cosine_similarity,
    most_similar,
    near_duplicates,
    similar_pairs,
)
from textsim._tables import to_pandas
from textsim._tfidf import TfidfTransformer
from textsim._tokenizer import Tokenizer, sentences, tokenize
from textsim._vectorizers import CountVectorizer, HashingVectorizer, TfidfVectorizer


def save(estimator, path):  # type: ignore[no-untyped-def]
    """Writes ``estimator`` to ``path`` in textsim's model format (see :func:`load`)."""
    from textsim._persist import save as _save

    _save(estimator, path)


def load(path):  # type: ignore[no-untyped-def]
    """Reads an estimator written by ``save`` (textsim's model format: JSON and raw arrays,
    no pickle, so loading someone else's model file runs no code)."""
    from textsim._persist import load as _load

    return _load(path)

__all__ = [
    "CorpusStats",
    "CountVectorizer",
    "DocumentDecodeError",
    "DocumentError",
    "DocumentTypeError",
    "HashingVectorizer",
    "Neighbours",
    "NotFittedError",
    "ParameterError",
    "SimilarityIndex",
    "TextsimError",
    "TfidfTransformer",
    "TfidfVectorizer",
    "TokenPatternError",
    "Tokenizer",
    "VocabularyError",
    "cosine_similarity",
    "most_similar",
    "near_duplicates",
    "similar_pairs",
    "__version__",
    "datasets",
    "explain",
    "load",
    "plot",
    "save",
    "sentences",
    "to_pandas",
    "tokenize",
]
