"""What a data scientist sees in Jupyter: reprs and HTML of fitted vectorizers and results,
``to_pandas``, the similarity heatmap, the bundled demo corpus, labelled indexes."""

from __future__ import annotations

import gzip
import json
import pickle
import sys
from importlib import resources

import numpy as np
import pytest

import textsim
from textsim.datasets import Article, load_bangla_news, load_sample, news_sources

SAMPLE_A, SAMPLE_B = "000_63125d0b3e90fd15", "003_a047b99cd8e37fa5"


@pytest.fixture(scope="module")
def news():
    return load_bangla_news()


@pytest.fixture(scope="module")
def fitted(news):
    vectorizer = textsim.TfidfVectorizer(min_df=2)
    X = vectorizer.fit_transform([a.text for a in news])
    return vectorizer, X


# -- the demo corpus --------------------------------------------------------------------------


def test_bangla_news_is_the_samples_then_200_news_articles(news):
    assert news[:2] == load_sample()
    assert len(news) == 202
    assert all(isinstance(a, Article) and a.text and a.title for a in news)
    assert len({a.id for a in news}) == 202
    assert all(a.id.startswith("bdnps-") for a in news[2:])


def test_bangla_news_keeps_its_sources():
    sources = news_sources()
    assert len(sources) == 200
    outlet, url = sources["bdnps-00142"]
    assert outlet == "Jago News 24" and url.startswith("https://www.jagonews24.com/")
    assert all(u.startswith("http") for _, u in sources.values())


def test_bundled_data_is_small_and_documented():
    data = resources.files("textsim.datasets") / "data"
    assert len((data / "bangla_news.jsonl.gz").read_bytes()) < 500_000
    readme = (data / "README.md").read_text(encoding="utf-8")
    assert "BDNewsPaperScraper" in readme and "url" in readme
    with gzip.open(data / "bangla_news.jsonl.gz", "rt", encoding="utf-8") as fh:
        first = json.loads(fh.readline())
    assert set(first) == {"id", "title", "text", "source", "url", "date"}


def test_samples_find_each_other_among_the_news(fitted):
    _, X = fitted
    indices, scores = textsim.most_similar(X, k=2)
    assert indices[0, 0] == 1 and indices[1, 0] == 0
    assert scores[0, 0] > 3 * scores[0, 1]


# -- reprs --------------------------------------------------------------------------------------


def test_fitted_vectorizer_repr(fitted, news):
    vectorizer, _ = fitted
    text = repr(vectorizer)
    n_terms = len(vectorizer.vocabulary_)
    assert text == f"TfidfVectorizer(min_df=2)  # fitted: {n_terms:,} terms from {len(news)} documents"
    html = vectorizer._repr_html_()
    assert "TfidfVectorizer" in html and "min_df=2" in html
    assert f"{n_terms:,} terms from {len(news)} documents" in html


def test_unfitted_vectorizer_repr_is_scikit_learns():
    assert repr(textsim.CountVectorizer(ngram_range=(1, 2))) == "CountVectorizer(ngram_range=(1, 2))"
    assert "not fitted" in textsim.TfidfVectorizer()._repr_html_()
    assert "defaults" in textsim.TfidfVectorizer()._repr_html_()


def test_hashing_and_transformer_reprs():
    hashing = textsim.HashingVectorizer(n_features=16)
    assert repr(hashing) == "HashingVectorizer(n_features=16)"
    assert "nothing to fit" in hashing._repr_html_()
    transformer = textsim.TfidfTransformer().fit(textsim.CountVectorizer().fit_transform(["aa bb", "bb"]))
    assert repr(transformer) == "TfidfTransformer()  # fitted: 2 features"


def test_repr_survives_pickle_and_save(fitted, tmp_path):
    vectorizer, _ = fitted
    assert repr(pickle.loads(pickle.dumps(vectorizer))) == repr(vectorizer)
    vectorizer.save(tmp_path / "m.textsim")
    loaded = textsim.load(tmp_path / "m.textsim")
    # The model file records how many documents the fit saw, so the repr is the same.
    assert repr(loaded) == repr(vectorizer)
    assert repr(loaded).endswith("documents")


def test_neighbours_are_a_tuple_with_a_readable_repr(fitted):
    _, X = fitted
    result = textsim.most_similar(X, k=3)
    assert isinstance(result, tuple) and isinstance(result, textsim.Neighbours)
    indices, scores = result
    assert indices is result.indices and scores is result.scores
    text = repr(result)
    assert text.splitlines()[0] == "Neighbours: 202 rows x 3 (indices, scores), best first"
    assert text.splitlines()[1].startswith("  0: 1 (0.")
    assert "192 more rows" in text
    html = result._repr_html_()
    assert "<table>" in html and "192 more rows" in html


# -- to_pandas ----------------------------------------------------------------------------------


def test_to_pandas_tidy_table(fitted, news):
    pytest.importorskip("pandas", reason="pandas is in the test extra")
    _, X = fitted
    indices, scores = textsim.most_similar(X, k=3, min_score=0.3)
    titles = [a.title for a in news]
    table = textsim.to_pandas(indices, scores, titles=titles)
    assert list(table.columns) == ["article", "neighbour", "rank", "score", "article_title", "neighbour_title"]
    assert len(table) == int((indices >= 0).sum())
    first = table.iloc[0]
    assert (first.article, first.neighbour, first["rank"]) == (0, 1, 1)
    assert first.article_title == news[0].title and first.neighbour_title == news[1].title
    assert table.score.min() >= 0.3


def test_to_pandas_with_ids_and_whole_result(fitted, news):
    pytest.importorskip("pandas", reason="pandas is in the test extra")
    _, X = fitted
    result = textsim.most_similar(X, k=2)
    ids = [a.id for a in news]
    table = textsim.to_pandas(result, ids=ids)
    assert table.iloc[0].tolist()[:3] == [SAMPLE_A, SAMPLE_B, 1]
    assert result.to_pandas(ids=ids).equals(table)
    with pytest.raises(ValueError, match="ids"):
        textsim.to_pandas(result, ids=ids[:5])


def test_to_pandas_without_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        textsim.to_pandas(np.zeros((1, 1), dtype=int), np.zeros((1, 1)))


# -- the heatmap ------------------------------------------------------------------------------


def test_similarity_heatmap_labels_and_legend(fitted, news):
    pytest.importorskip("matplotlib", reason="matplotlib is in the test extra")
    _, X = fitted
    rows = [0, 1, 2, 3, 4]
    heatmap = textsim.plot.similarity_heatmap(X[rows], [news[i].title for i in rows])
    assert [label for label, _ in heatmap.legend] == ["A", "B", "C", "D", "E"]
    assert heatmap.legend[1][1] == news[1].title
    assert [t.get_text() for t in heatmap.axes.get_xticklabels()] == ["A", "B", "C", "D", "E"]
    np.testing.assert_allclose(np.diag(heatmap.scores), 1.0)
    assert heatmap.scores[0, 1] == pytest.approx(textsim.cosine_similarity(X[[0]], X[[1]])[0, 0])
    html = heatmap._repr_html_()
    assert "data:image/png;base64," in html and news[1].title in html
    assert news[1].title in repr(heatmap)


def test_similarity_heatmap_on_given_axes_and_limits(fitted):
    pytest.importorskip("matplotlib", reason="matplotlib is in the test extra")
    from matplotlib.figure import Figure

    _, X = fitted
    ax = Figure().add_subplot()
    heatmap = textsim.plot.similarity_heatmap(X[:3], labels=["x", "y", "z"], ax=ax)
    assert heatmap.axes is ax
    with pytest.raises(ValueError, match="1 to 40"):
        textsim.plot.similarity_heatmap(X[:41])
    with pytest.raises(ValueError, match="labels"):
        textsim.plot.similarity_heatmap(X[:3], labels=["x"])


def test_heatmap_without_matplotlib(monkeypatch, fitted):
    _, X = fitted
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        textsim.plot.similarity_heatmap(X[:3])


# -- an index that names its articles ---------------------------------------------------------


def test_index_keeps_ids_and_titles(news, tmp_path):
    index = textsim.SimilarityIndex(min_df=2).fit(
        [a.text for a in news], ids=[a.id for a in news], titles=[a.title for a in news]
    )
    index.save(tmp_path / "i.zip")
    loaded = textsim.SimilarityIndex.load(tmp_path / "i.zip")
    assert loaded.ids_ == [a.id for a in news]
    assert loaded.titles_[1] == news[1].title
    indices, _ = loaded.query([news[1].text], k=1)
    assert loaded.ids_[indices[0, 0]] == SAMPLE_B
    plain = textsim.SimilarityIndex().fit(["aa bb", "bb cc"])
    assert not hasattr(plain, "ids_")
    plain.save(tmp_path / "plain.zip")
    assert not hasattr(textsim.SimilarityIndex.load(tmp_path / "plain.zip"), "ids_")
    with pytest.raises(ValueError, match="2 ids for 3 documents"):
        textsim.SimilarityIndex().fit(["aa bb", "bb cc", "cc dd"], ids=["x", "y"])


def test_index_repr():
    index = textsim.SimilarityIndex(min_df=1)
    assert repr(index) == "SimilarityIndex(vectorizer=TfidfVectorizer())"
    index.fit(["aa bb", "bb cc", "cc dd"])
    assert repr(index) == "SimilarityIndex(vectorizer=TfidfVectorizer())  # 3 articles indexed, 4 terms"
    assert "3 articles indexed" in index._repr_html_()
