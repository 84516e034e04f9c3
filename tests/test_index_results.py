"""``SimilarityIndex`` answers that name themselves: ``query`` and ``similar_to`` return
``Matches`` (the ``(indices, scores)`` tuple with the index's ids and titles), ``similar_to``
excludes the article itself, ``add`` indexes more articles with the idf kept fixed."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import textsim
from textsim.datasets import load_bangla_news

CRICKET_A = "বাংলাদেশ ভারতকে পাঁচ উইকেটে হারিয়েছে"
CRICKET_B = "পাঁচ উইকেটে ভারতকে হারাল বাংলাদেশ"
GOLD = "সোনার দাম আবার কমেছে"


@pytest.fixture()
def index():
    return textsim.SimilarityIndex().fit(
        [CRICKET_A, CRICKET_B, GOLD], ids=["a", "b", "c"], titles=["Cricket A", "Cricket B", "Gold"]
    )


def test_query_results_carry_ids_and_titles(index):
    matches = index.query(["ভারত বাংলাদেশ ম্যাচ", "সোনার দাম"], k=2)
    indices, scores = matches  # still the tuple of two arrays
    assert indices.tolist() == [[0, 1], [2, -1]]
    assert matches.ids == [["a", "b"], ["c"]]
    assert matches.titles == [["Cricket A", "Cricket B"], ["Gold"]]
    assert matches.queries == [0, 1]
    assert "Cricket A (0.418)" in repr(matches)
    assert "Gold" in matches._repr_html_()


def test_to_pandas_names_queries_as_queries(index):
    table = index.query(["সোনার দাম", "ভারত বাংলাদেশ ম্যাচ"], k=1).to_pandas()
    assert table["query"].tolist() == [0, 1]
    assert table["match_id"].tolist() == ["c", "a"]
    assert table["match_title"].tolist() == ["Gold", "Cricket A"]
    # The generic table would label query row 0 with the first indexed article: refused.
    with pytest.raises(TypeError, match="names its queries"):
        textsim.to_pandas(index.query(["সোনার দাম"]), titles=index.titles_)


def test_similar_to_excludes_the_article_itself(index):
    matches = index.similar_to("a", k=2)
    assert matches.indices.tolist() == [[1, -1]]
    assert matches.queries == ["a"] and matches.query_titles == ["Cricket A"]
    by_row = index.similar_to([0, 2], k=1)
    assert by_row.indices.tolist() == [[1], [-1]]
    table = by_row.to_pandas()
    assert table[["query", "query_title", "match_id"]].values.tolist() == [["a", "Cricket A", "b"]]


def test_similar_to_keeps_exact_copies():
    docs = ["gold prices fell sharply", "gold prices fell sharply", "cricket in dhaka"]
    index = textsim.SimilarityIndex().fit(docs)
    for row in (0, 1):
        found = index.similar_to(row, k=1)
        assert found.indices.tolist() == [[1 - row]]
        assert found.scores[0, 0] == pytest.approx(1.0)
    assert index.similar_to(0, k=1).queries == [0]


def test_similar_to_on_the_bundled_news_finds_the_other_sample():
    news = load_bangla_news()
    index = textsim.SimilarityIndex(min_df=2).fit(
        [a.text for a in news], ids=[a.id for a in news], titles=[a.title for a in news]
    )
    assert index.similar_to(news[0].id, k=1).ids == [[news[1].id]]


def test_similar_to_mistakes(index):
    with pytest.raises(KeyError, match="zz"):
        index.similar_to("zz")
    with pytest.raises(IndexError):
        index.similar_to(3)
    with pytest.raises(TypeError):
        index.similar_to(1.5)
    plain = textsim.SimilarityIndex().fit([CRICKET_A, GOLD])
    with pytest.raises(textsim.ParameterError, match="no ids"):
        plain.similar_to("a")


def test_add_keeps_the_idf_fixed(index):
    idf = index.vectorizer.idf_.copy()
    before = index.matrix_.copy()
    index.add(["সোনার দাম বেড়েছে, নতুন শব্দ"], ids=["d"], titles=["Gold up"])
    assert np.array_equal(index.vectorizer.idf_, idf)
    assert index.matrix_.shape == (4, before.shape[1])
    assert (index.matrix_[:3] != before).nnz == 0
    assert (index.matrix_[3] != index.vectorizer.transform(["সোনার দাম বেড়েছে, নতুন শব্দ"])).nnz == 0
    assert index.ids_ == ["a", "b", "c", "d"] and index.titles_[-1] == "Gold up"
    assert index.similar_to("d", k=1).ids == [["c"]]


def test_add_needs_names_when_the_index_has_them(index):
    with pytest.raises(textsim.ParameterError, match="give ids="):
        index.add(["more text"])
    plain = textsim.SimilarityIndex().fit([CRICKET_A, GOLD])
    with pytest.raises(textsim.ParameterError, match="no ids"):
        plain.add(["more text"], ids=["x"])
    assert plain.add(["more text"]).matrix_.shape[0] == 3


@pytest.mark.parametrize("bad", [None, float("nan"), np.nan])
def test_missing_ids_and_titles_are_refused(bad):
    with pytest.raises(textsim.ParameterError, match="row 1"):
        textsim.SimilarityIndex().fit([CRICKET_A, GOLD], ids=["x", bad])
    with pytest.raises(textsim.ParameterError, match="row 1"):
        textsim.SimilarityIndex().fit([CRICKET_A, GOLD], titles=["x", bad])


def test_matches_pickle_and_survive_a_saved_index(index, tmp_path):
    matches = index.query(["সোনার দাম"], k=1)
    again = pickle.loads(pickle.dumps(matches))
    assert again.ids == matches.ids and np.array_equal(again.indices, matches.indices)
    path = tmp_path / "index.zip"
    index.save(path)
    loaded = textsim.SimilarityIndex.load(path)
    assert loaded.query(["সোনার দাম"], k=1).ids == [["c"]]


def test_the_old_mislabelling_call_is_refused(index):
    matches = index.query(["সোনার দাম"], k=1)
    with pytest.raises(TypeError, match="without titles"):
        matches.to_pandas(titles=index.titles_, ids=index.ids_)
