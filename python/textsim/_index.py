"""SimilarityIndex ("find related articles") and explain ("why do these two match?")."""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from textsim._exceptions import NotFittedError, ParameterError
from textsim._similarity import Neighbours, most_similar

INDEX_FORMAT = "textsim-index"
INDEX_FORMAT_VERSION = 1
_MANIFEST = "textsim-index.json"
_VECTORIZER = "vectorizer.textsim"
_ARRAYS = ("data.npy", "indices.npy", "indptr.npy")
# Optional: the indexed articles' ids and titles, so that answers can name them.
_ARTICLES = "articles.json"


class SimilarityIndex:
    """Articles indexed by their TF-IDF vectors, for finding the ones most like a new text.

    ``SimilarityIndex(**params)`` builds a :class:`textsim.TfidfVectorizer` with ``params``;
    ``SimilarityIndex(vectorizer=v)`` uses a given (unfitted or fitted) textsim vectorizer.

    >>> index = SimilarityIndex(min_df=2).fit(articles)            # doctest: +SKIP
    >>> indices, scores = index.query(["new article text"], k=5)  # doctest: +SKIP

    ``save(path)`` / ``SimilarityIndex.load(path)`` use a non-executable file: a ZIP with a
    JSON manifest (``textsim-index.json``: format name and version, textsim version, matrix
    shape and dtype), the vectorizer as a textsim model file (``vectorizer.textsim``, see
    :func:`textsim.load`) and the indexed vectors as ``.npy`` arrays (CSR ``data``, ``indices``,
    ``indptr``), read with ``allow_pickle=False``, and, when ``fit`` was given ``ids`` or
    ``titles``, ``articles.json`` with them.
    """

    def __init__(self, vectorizer: Any = None, **vectorizer_params: Any) -> None:
        if vectorizer is not None and vectorizer_params:
            raise ParameterError(
                "SimilarityIndex: give either a vectorizer or vectorizer parameters, not both"
            )
        if vectorizer is None:
            from textsim._vectorizers import TfidfVectorizer

            vectorizer = TfidfVectorizer(**vectorizer_params)
        self.vectorizer = vectorizer

    def fit(
        self, docs: Any, *, ids: Any = None, titles: Any = None, progress: bool | None = None
    ) -> SimilarityIndex:
        """Fits the vectorizer on ``docs`` and indexes them. ``ids`` and ``titles`` (one per
        document, optional) are kept as ``ids_`` and ``titles_`` and saved with the index;
        ``progress`` as in :meth:`textsim.TfidfVectorizer.fit_transform`."""
        # Only textsim's vectorizers know ``progress``; any other fit_transform is called as is.
        fit_transform = self.vectorizer.fit_transform
        matrix = sp.csr_matrix(
            fit_transform(docs) if progress is None else fit_transform(docs, progress=progress)
        )
        labels = {}
        for name, values in (("ids", ids), ("titles", titles)):
            if values is not None:
                values = [str(v) for v in values]
                if len(values) != matrix.shape[0]:
                    raise ValueError(
                        f"SimilarityIndex.fit: {len(values)} {name} for {matrix.shape[0]} documents"
                    )
                labels[name] = values
        self.matrix_ = matrix
        for name in ("ids", "titles"):
            if name in labels:
                setattr(self, f"{name}_", labels[name])
            else:
                self.__dict__.pop(f"{name}_", None)
        return self

    def __repr__(self) -> str:
        # The vectorizer's parameters only: what it learnt is said once, below.
        params = getattr(self.vectorizer, "_params_repr", None)
        text = f"SimilarityIndex(vectorizer={params() if params else repr(self.vectorizer)})"
        if not hasattr(self, "matrix_"):
            return text
        rows, columns = self.matrix_.shape
        return f"{text}  # {rows:,} articles indexed, {columns:,} terms"

    def _repr_html_(self) -> str:
        import html

        shown = html.escape(repr(self)).replace("  # ", "<br>")
        return f"<div><strong>SimilarityIndex</strong><br><code>{shown}</code></div>"

    def _check_fitted(self) -> None:
        if not hasattr(self, "matrix_"):
            raise NotFittedError(
                "This SimilarityIndex is not fitted yet. Call 'fit' with the articles to index."
            )

    def query(
        self, texts: Any, k: int = 10, min_score: float | None = None, n_jobs: int | None = None
    ) -> Neighbours:
        """The ``k`` indexed articles most similar to each of ``texts``: ``(indices, scores)``,
        ``(len(texts), k)`` arrays as :func:`textsim.most_similar` returns them."""
        self._check_fitted()
        if isinstance(texts, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        vectors = self.vectorizer.transform(texts)
        return most_similar(vectors, self.matrix_, k=k, min_score=min_score, n_jobs=n_jobs)

    def save(self, path: Any) -> None:
        """Writes the index to ``path`` (see the class documentation for the format)."""
        from textsim import __version__
        from textsim._persist import save as save_model

        self._check_fitted()
        model = io.BytesIO()
        save_model(self.vectorizer, model)
        matrix = self.matrix_
        manifest = {
            "format": INDEX_FORMAT,
            "format_version": INDEX_FORMAT_VERSION,
            "textsim_version": __version__,
            "shape": list(matrix.shape),
            "dtype": matrix.dtype.name,
        }
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(_MANIFEST, json.dumps(manifest, indent=1))
            archive.writestr(_VECTORIZER, model.getvalue())
            for name, array in zip(_ARRAYS, (matrix.data, matrix.indices, matrix.indptr)):
                buffer = io.BytesIO()
                np.save(buffer, array, allow_pickle=False)
                archive.writestr(name, buffer.getvalue())
            labels = {n: getattr(self, f"{n}_") for n in ("ids", "titles") if hasattr(self, f"{n}_")}
            if labels:
                archive.writestr(_ARTICLES, json.dumps(labels, ensure_ascii=False))

    @classmethod
    def load(cls, path: Any) -> SimilarityIndex:
        """Reads an index written by :meth:`save`; runs no code from the file."""
        where = str(path) if isinstance(path, (str, Path)) else "the file"
        try:
            return cls._load_from(path, where)
        except (
            zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, KeyError, TypeError,
            AttributeError,
        ) as exc:
            raise ValueError(f"{where} is not a textsim index, or is damaged ({exc})") from None

    @classmethod
    def _load_from(cls, path: Any, where: str) -> SimilarityIndex:
        from textsim._persist import load as load_model

        with zipfile.ZipFile(path) as archive:
            names = sorted(archive.namelist())
            expected = sorted((_MANIFEST, _VECTORIZER, *_ARRAYS))
            if names not in (expected, sorted((*expected, _ARTICLES))):
                raise ValueError(f"{where} is not a textsim index: members {names}")
            manifest = json.loads(archive.read(_MANIFEST))
            if manifest.get("format") != INDEX_FORMAT:
                raise ValueError(f"{where} is not a textsim index (format {manifest.get('format')!r})")
            if manifest.get("format_version") != INDEX_FORMAT_VERSION:
                raise ValueError(
                    f"{where} is a textsim index of format version {manifest.get('format_version')}"
                    f", written by textsim {manifest.get('textsim_version')}; this textsim reads "
                    f"version {INDEX_FORMAT_VERSION}"
                )
            vectorizer = load_model(io.BytesIO(archive.read(_VECTORIZER)))
            data, indices, indptr = (
                np.load(io.BytesIO(archive.read(name)), allow_pickle=False) for name in _ARRAYS
            )
            labels = json.loads(archive.read(_ARTICLES)) if _ARTICLES in names else {}
        shape = tuple(manifest["shape"])
        if data.dtype.name != manifest["dtype"] or len(indptr) != shape[0] + 1:
            raise ValueError(f"{where}: the arrays do not match the manifest")
        index = cls(vectorizer=vectorizer)
        index.matrix_ = sp.csr_matrix((data, indices, indptr), shape=shape)
        index.matrix_.check_format(full_check=True)
        for name in ("ids", "titles"):
            values = labels.get(name)
            if values is not None:
                if not isinstance(values, list) or len(values) != shape[0]:
                    raise ValueError(f"{where}: the article {name} do not match the manifest")
                setattr(index, f"{name}_", [str(v) for v in values])
        return index


def explain(vectorizer: Any, doc_a: Any, doc_b: Any, top: int = 10) -> list[tuple[str, float]]:
    """The terms that contribute most to the cosine between two documents under a fitted
    vectorizer, as ``(term, contribution)`` pairs, largest first. All contributions (not only
    the top ones) sum to the cosine: contribution of term t is
    ``a_t * b_t / (|a| |b|)``."""
    vectors = sp.csr_matrix(vectorizer.transform([doc_a, doc_b]), dtype=np.float64)
    a, b = vectors[0], vectors[1]
    norm = np.sqrt(a.multiply(a).sum()) * np.sqrt(b.multiply(b).sum())
    if norm == 0:
        return []
    product = a.multiply(b).tocsr()
    terms = vectorizer.get_feature_names_out()
    contributions = sorted(
        ((terms[c], float(v / norm)) for c, v in zip(product.indices, product.data) if v != 0),
        key=lambda item: (-item[1], item[0]),
    )
    return contributions[:top]
