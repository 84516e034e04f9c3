"""textsim: Unicode-correct tokenizing, TF-IDF and similarity for Python, with a parallel Rust core.

scikit-learn's default tokenizer cuts Bengali words apart (Python's ``\\w`` excludes vowel signs
and virama); textsim keeps them whole, and is scikit-learn's tokenizer everywhere else::

    >>> import textsim
    >>> len(textsim.tokenize("রাশিয়ার রাষ্ট্রপতি ভ্লাদিমির পুতিন"))
    4
"""

from textsim import datasets, plot
from textsim._count_vectorizer import CountVectorizer
from textsim._exceptions import (
    DocumentDecodeError,
    DocumentError,
    DocumentTypeError,
    MissingDocumentError,
    NotFittedError,
    ParameterError,
    TextsimError,
    TokenPatternError,
    VocabularyError,
)
from textsim._groups import Groups
from textsim._hashing_vectorizer import HashingVectorizer
from textsim._index import SimilarityIndex
from textsim._matches import Matches
from textsim._persist import load, save
from textsim._similarity import (
    Neighbours,
    cosine_similarity,
    explain,
    most_similar,
    near_duplicates,
    similar_pairs,
)
from textsim._stats import CorpusStats
from textsim._stop_words import stop_words
from textsim._stories import GroupSweep, SweepRow, group_articles, group_sweep
from textsim._tables import to_pandas
from textsim._tfidf_transformer import TfidfTransformer
from textsim._tfidf_vectorizer import TfidfVectorizer
from textsim._tokenizer import Tokenizer, sentences, tokenize
from textsim._version import __version__

__all__ = [
    "CorpusStats",
    "CountVectorizer",
    "DocumentDecodeError",
    "DocumentError",
    "DocumentTypeError",
    "Groups",
    "GroupSweep",
    "HashingVectorizer",
    "Matches",
    "MissingDocumentError",
    "Neighbours",
    "NotFittedError",
    "ParameterError",
    "SimilarityIndex",
    "SweepRow",
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
    "group_articles",
    "group_sweep",
    "load",
    "plot",
    "save",
    "sentences",
    "stop_words",
    "to_pandas",
    "tokenize",
]
