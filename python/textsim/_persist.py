"""Saving and loading textsim's estimators: ``save`` writes a model file and ``load`` rebuilds
the estimator from it as one of textsim's own classes, named in a fixed table (nothing is
imported by name, and no code from the file runs). The format is described in
``textsim._model_file``."""

from __future__ import annotations

from typing import Any

from textsim._count_vectorizer import CountVectorizer
from textsim._hashing_vectorizer import HashingVectorizer
from textsim._model_file import FORMAT_NAME, FORMAT_VERSION, MANIFEST_NAME, PathOrFile, save
from textsim._model_file import load as _load
from textsim._tfidf_transformer import TfidfTransformer
from textsim._tfidf_vectorizer import TfidfVectorizer
from textsim._tokenizer import Tokenizer

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "MANIFEST_NAME", "load", "save"]

#: The classes a model file may name.
CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (Tokenizer, CountVectorizer, TfidfVectorizer, TfidfTransformer, HashingVectorizer)
}


def load(path: PathOrFile) -> Any:
    """Load an estimator saved by :func:`save` from ``path`` (a file name or binary file).
    Raises ``ValueError`` (naming the file) for anything that is not a valid model file."""
    return _load(path, CLASSES)
