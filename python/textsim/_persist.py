"""Saving and loading textsim's estimators: ``save`` writes a model file and ``load`` rebuilds
the estimator from it as one of textsim's own classes, named in a fixed table (nothing is
imported by name, and no code from the file runs). The format is described in
``textsim._model_file``."""

from __future__ import annotations

from typing import Union

from textsim._count_vectorizer import CountVectorizer
from textsim._hashing_vectorizer import HashingVectorizer
from textsim._model_file import FORMAT_NAME, FORMAT_VERSION, MANIFEST_NAME, PathOrFile
from textsim._model_file import load as _load
from textsim._model_file import save as _save
from textsim._tfidf_transformer import TfidfTransformer
from textsim._tfidf_vectorizer import TfidfVectorizer
from textsim._tokenizer import Tokenizer

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "MANIFEST_NAME", "load", "save"]

#: The classes a model file may name.
CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (Tokenizer, CountVectorizer, TfidfVectorizer, TfidfTransformer, HashingVectorizer)
}

#: What a model file holds (TfidfVectorizer is a CountVectorizer, named for the reader).
Model = Union[Tokenizer, CountVectorizer, TfidfVectorizer, TfidfTransformer, HashingVectorizer]


def save(estimator: Model, path: PathOrFile) -> None:
    """Save a textsim estimator to a model file.

    The file is a ZIP archive of JSON and ``.npy`` arrays that loads without running code
    (the format is described in ``textsim._model_file``). Nothing is written when it raises.

    Parameters
    ----------
    estimator : Tokenizer, CountVectorizer, TfidfVectorizer, TfidfTransformer or HashingVectorizer
        The estimator, fitted or not.
    path : str, os.PathLike or binary file
        Where to write: a file name, or a file open for writing in binary mode.

    Raises
    ------
    ValueError
        If a parameter is a Python callable (save such models with pickle).
    TypeError
        If ``estimator`` is not one of textsim's estimators.

    See Also
    --------
    load : Read it back.
    SimilarityIndex.save : Save an index with its vectors.

    Examples
    --------
    >>> import io
    >>> import textsim
    >>> file = io.BytesIO()
    >>> textsim.save(textsim.CountVectorizer(stop_words="bengali"), file)
    >>> textsim.load(io.BytesIO(file.getvalue()))
    CountVectorizer(stop_words='bengali')
    """
    _save(estimator, path)


def load(path: PathOrFile) -> Model:
    """Load an estimator saved by :func:`save`.

    Runs no code from the file: the manifest is JSON, the arrays are read with
    ``numpy.load(allow_pickle=False)``, and the class is one of textsim's, from a fixed table
    (Tokenizer, CountVectorizer, TfidfVectorizer, TfidfTransformer, HashingVectorizer).

    Parameters
    ----------
    path : str, os.PathLike or binary file
        The model file: a file name, or a file open for reading in binary mode.

    Returns
    -------
    Tokenizer, CountVectorizer, TfidfVectorizer, TfidfTransformer or HashingVectorizer
        The estimator, with the parameters and fitted state it was saved with.

    Raises
    ------
    ValueError
        If the file is not a valid textsim model file (the message names it), including one
        written by a newer textsim in a format version this one does not read.

    See Also
    --------
    save : Write an estimator to a model file.
    SimilarityIndex.load : Read a saved index.

    Examples
    --------
    >>> import io
    >>> import textsim
    >>> vectorizer = textsim.TfidfVectorizer().fit(["আমার সোনার বাংলা", "সোনার তরী"])
    >>> file = io.BytesIO()
    >>> textsim.save(vectorizer, file)
    >>> loaded = textsim.load(io.BytesIO(file.getvalue()))
    >>> loaded.get_feature_names_out().tolist()
    ['আমার', 'তরী', 'বাংলা', 'সোনার']
    >>> (loaded.transform(["সোনার বাংলা"]) != vectorizer.transform(["সোনার বাংলা"])).nnz
    0
    """
    loaded: Model = _load(path, CLASSES)
    return loaded
