"""Similarity functions against brute force (scikit-learn's cosine_similarity on dense arrays)."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import textsim

sk_pairwise = pytest.importorskip("sklearn.metrics.pairwise")


def random_matrix(n: int, m: int, density: float, seed: int, dtype=np.float64) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    X = sp.random(n, m, density=density, random_state=seed, format="csr", dtype=np.float64)
    X.data = rng.random(X.nnz)
    X = X.astype(dtype)
    if n > 3:
        X.data[X.indptr[2] : X.indptr[3]] = 0  # an empty row
        X.eliminate_zeros()
    return X


def brute_neighbours(X, Y, k, min_score, exclude_self):
    C = sk_pairwise.cosine_similarity(np.asarray(X.todense()), np.asarray(Y.todense()))
    rows = []
    for i in range(C.shape[0]):
        candidates = [
            (C[i, j], j)
            for j in range(C.shape[1])
            if not (exclude_self and i == j)
            and (C[i, j] > 0 if min_score is None else C[i, j] >= min_score)
        ]
        candidates.sort(key=lambda t: (-t[0], t[1]))
        rows.append(candidates[:k])
    return rows


def assert_neighbours(indices, scores, expected, k, rtol):
    assert indices.shape == scores.shape == (len(expected), k)
    for i, row in enumerate(expected):
        got_scores = scores[i, : len(row)]
        assert_allclose(got_scores, [s for s, _ in row], rtol=rtol, atol=rtol)
        # Indices agree except where a score is tied (then any of the tied rows is right).
        for slot, (s, j) in enumerate(row):
            tied = sum(1 for t, _ in row if abs(t - s) <= 1e-9) > 1
            if not tied:
                assert indices[i, slot] == j, (i, slot)
        assert (indices[i, len(row) :] == -1).all()
        assert (scores[i, len(row) :] == 0).all()
        assert (np.diff(scores[i, : len(row)]) <= 1e-12).all()


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-6), (np.float32, 1e-5)])
@pytest.mark.parametrize("density", [0.02, 0.1, 0.5])
@pytest.mark.parametrize("k", [1, 5, 400])
def test_most_similar_within_one_matrix(dtype, rtol, density, k):
    X = random_matrix(120, 40, density, seed=int(density * 100) + k, dtype=dtype)
    indices, scores = textsim.most_similar(X, k=k)
    assert scores.dtype == dtype
    assert_neighbours(indices, scores, brute_neighbours(X, X, k, None, True), k, rtol)
    assert (indices != np.arange(X.shape[0])[:, None]).all()  # never itself
    assert (indices[2] == -1).all()  # the empty row has no neighbour


@pytest.mark.parametrize("min_score", [None, 0.3, 0.0])
def test_most_similar_against_another_matrix(min_score):
    X = random_matrix(60, 30, 0.1, seed=1)
    Y = random_matrix(90, 30, 0.1, seed=2)
    indices, scores = textsim.most_similar(X, Y, k=7, min_score=min_score)
    assert_neighbours(indices, scores, brute_neighbours(X, Y, 7, min_score, False), 7, 1e-6)


@pytest.mark.parametrize("convert", [sp.csc_matrix, sp.coo_matrix, sp.csr_array, lambda m: m.toarray()])
def test_inputs_of_any_format_give_the_same_answer(convert):
    X = random_matrix(50, 20, 0.2, seed=3)
    expected = textsim.most_similar(X, k=4)
    got = textsim.most_similar(convert(X), k=4)
    assert_array_equal(got[0], expected[0])
    assert_allclose(got[1], expected[1], rtol=1e-12)


def test_results_do_not_depend_on_the_number_of_threads():
    X = random_matrix(400, 60, 0.05, seed=4)
    one = textsim.most_similar(X, k=8, n_jobs=1)
    two = textsim.most_similar(X, k=8, n_jobs=2)
    assert_array_equal(one[0], two[0])
    assert_array_equal(one[1], two[1])
    assert (textsim.similar_pairs(X, min_score=0.2, n_jobs=1) != textsim.similar_pairs(X, min_score=0.2, n_jobs=2)).nnz == 0


def test_errors():
    X = random_matrix(10, 5, 0.5, seed=5)
    with pytest.raises(ValueError, match="Incompatible dimension for X and Y matrices"):
        textsim.most_similar(X, random_matrix(10, 6, 0.5, seed=6))
    with pytest.raises(ValueError, match="k"):
        textsim.most_similar(X, k=0)
    with pytest.raises(ValueError, match="2D"):
        textsim.most_similar(np.ones(5))


@pytest.mark.parametrize("dense_output", [True, False])
def test_cosine_similarity_is_scikit_learns(dense_output):
    X = random_matrix(40, 25, 0.2, seed=7)
    Y = random_matrix(30, 25, 0.2, seed=8)
    for args in [(X,), (X, Y)]:
        got = textsim.cosine_similarity(*args, dense_output=dense_output)
        expected = sk_pairwise.cosine_similarity(*args, dense_output=dense_output)
        assert sp.issparse(got) == sp.issparse(expected)
        got = got.toarray() if sp.issparse(got) else got
        expected = expected.toarray() if sp.issparse(expected) else expected
        assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    dense = textsim.cosine_similarity(X.toarray(), dense_output=False)
    assert isinstance(dense, np.ndarray)


@pytest.mark.parametrize("min_score", [0.1, 0.5, 0.9])
def test_similar_pairs_and_near_duplicates_against_brute_force(min_score):
    X = random_matrix(80, 20, 0.15, seed=9)
    C = sk_pairwise.cosine_similarity(X)
    pairs = textsim.similar_pairs(X, min_score=min_score)
    expected = sp.triu(sp.csr_matrix(np.where(C >= min_score, C, 0)), k=1).tocsr()
    assert pairs.shape == (80, 80)
    assert_array_equal(pairs.indptr, expected.indptr)
    assert_array_equal(pairs.indices, expected.indices)
    assert_allclose(pairs.data, expected.data, rtol=1e-9)
    labels = textsim.near_duplicates(X, min_score=min_score)
    from scipy.sparse.csgraph import connected_components

    _, reference = connected_components(expected, directed=False)
    # Same partition (labels may be numbered differently).
    assert len(set(zip(labels, reference))) == len(set(labels)) == len(set(reference))
    Y = random_matrix(30, 20, 0.2, seed=10)
    cross = textsim.similar_pairs(X, Y, min_score=min_score)
    C = sk_pairwise.cosine_similarity(X, Y)
    assert_array_equal(cross.toarray() > 0, C >= min_score)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 25), st.integers(1, 12), st.floats(0.05, 0.9), st.integers(1, 6), st.integers(0, 10**6))
def test_property_scores_are_brute_force_cosines(n, m, density, k, seed):
    X = random_matrix(n, m, density, seed=seed)
    indices, scores = textsim.most_similar(X, k=k)
    C = sk_pairwise.cosine_similarity(X)
    for i in range(n):
        for slot in range(k):
            j = indices[i, slot]
            if j >= 0:
                assert j != i
                assert abs(scores[i, slot] - C[i, j]) <= 1e-9
            else:
                assert scores[i, slot] == 0


def test_the_two_samples_are_each_others_nearest_among_other_articles():
    samples = [a.text for a in textsim.datasets.load_sample()]
    path = __import__("pathlib").Path(__file__).parent / "data" / "sample_docs.jsonl"
    others = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    X = textsim.TfidfVectorizer().fit_transform(samples + others)
    indices, _ = textsim.most_similar(X, k=1)
    assert indices[0, 0] == 1 and indices[1, 0] == 0


@pytest.mark.corpus
def test_the_two_samples_are_each_others_nearest_among_real_news(corpora_dir):
    with gzip.open(corpora_dir / "bangla_news_small.jsonl.gz", "rt", encoding="utf-8") as lines:
        news = [json.loads(line)["text"] for line in lines]
    samples = [a.text for a in textsim.datasets.load_sample()]
    X = textsim.TfidfVectorizer().fit_transform(samples + news)
    indices, _ = textsim.most_similar(X, k=1)
    assert indices[0, 0] == 1 and indices[1, 0] == 0


def test_similarity_index_finds_the_other_sample_and_survives_save_and_load(tmp_path):
    samples = textsim.datasets.load_sample()
    path = __import__("pathlib").Path(__file__).parent / "data" / "sample_docs.jsonl"
    others = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    index = textsim.SimilarityIndex(sublinear_tf=True).fit([samples[0].text] + others)
    indices, scores = index.query([samples[1].text], k=3)
    assert indices[0, 0] == 0 and scores[0, 0] > scores[0, 1]
    index.save(tmp_path / "index.zip")
    loaded = textsim.SimilarityIndex.load(tmp_path / "index.zip")
    again = loaded.query([samples[1].text], k=3)
    assert_array_equal(again[0], indices)
    assert_allclose(again[1], scores, rtol=0, atol=0)
    with pytest.raises(textsim.NotFittedError):
        textsim.SimilarityIndex().query(["x"])
    with pytest.raises(ValueError, match="Iterable"):
        index.query("a single string")


def test_similarity_index_refuses_foreign_files(tmp_path):
    import zipfile

    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("something.pkl", b"not an index")
    with pytest.raises(ValueError, match="not a textsim index"):
        textsim.SimilarityIndex.load(bad)


def test_explain_contributions_sum_to_the_cosine():
    docs = [
        "putin met kim in moscow to talk about trade and war",
        "kim wrote to putin about trade, friendship and the war",
        "the weather of dhaka is hot",
    ]
    vectorizer = textsim.TfidfVectorizer().fit(docs)
    everything = textsim.explain(vectorizer, docs[0], docs[1], top=100)
    cosine = textsim.cosine_similarity(vectorizer.transform(docs[:1]), vectorizer.transform(docs[1:2]))[0, 0]
    assert abs(sum(c for _, c in everything) - cosine) < 1e-12
    top = textsim.explain(vectorizer, docs[0], docs[1], top=2)
    assert top == everything[:2]
    # The words the two documents share, and only those.
    assert {t for t, _ in everything} == {"about", "and", "kim", "putin", "to", "trade", "war"}
    assert textsim.explain(vectorizer, docs[0], docs[2]) == []
