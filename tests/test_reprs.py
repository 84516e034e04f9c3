"""Reprs that stay valid Python where they are nested: inside a scikit-learn Pipeline a fitted
vectorizer shows its parameters only (the ``# fitted: ...`` comment would swallow the rest of
the line)."""

from __future__ import annotations

import ast

import pytest
import textsim

sklearn = pytest.importorskip("sklearn")
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402


def test_a_fitted_vectorizer_in_a_pipeline_repr_is_valid_python():
    vectorizer = textsim.TfidfVectorizer(min_df=1, stemmer="bengali").fit(["সোনার দাম", "দাম কমেছে"])
    pipeline = Pipeline([("tfidf", vectorizer), ("clf", LogisticRegression())])
    text = repr(pipeline)
    ast.parse(text)
    assert "TfidfVectorizer(stemmer='bengali')" in text and "#" not in text
    # Alone, it still says what it learnt.
    assert repr(vectorizer).endswith("# fitted: 3 terms from 2 documents")


def test_a_fitted_pipeline_repr_is_valid_python():
    docs = ["gold prices fell", "gold prices rose", "cricket in dhaka", "cricket match"]
    pipeline = Pipeline([("tfidf", textsim.TfidfVectorizer()), ("clf", LogisticRegression())])
    pipeline.fit(docs, [0, 0, 1, 1])
    ast.parse(repr(pipeline))


def test_the_document_count_survives_a_model_file(tmp_path):
    import json
    import zipfile

    vectorizer = textsim.TfidfVectorizer().fit(["gold prices fell", "gold prices rose", "cricket"])
    path = tmp_path / "model.textsim"
    vectorizer.save(path)
    assert repr(textsim.load(path)).endswith("# fitted: 5 terms from 3 documents")
    # A file without the count (written before it was recorded) loads, without it.
    older = tmp_path / "older.textsim"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(older, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "textsim-model.json":
                manifest = json.loads(data)
                del manifest["fitted"]["n_documents"]
                data = json.dumps(manifest).encode("utf-8")
            target.writestr(name, data)
    assert repr(textsim.load(older)).endswith("# fitted: 5 terms")
