"""Hypothesis properties of the public API: the vectorizers against scikit-learn, similarity
against a brute-force reference, on generated documents, parameters and matrices."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import textsim

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")

SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# ASCII words, punctuation and spaces: where textsim promises scikit-learn's exact numbers.
WORD = st.sampled_from(
    ["the", "cat", "sat", "on", "mat", "dog", "a", "i", "x1", "run", "running", "The", "CAT",
     "it's", "3.14", "_", "e-mail", "and", "of"]
)
SEPARATOR = st.sampled_from([" ", "  ", ", ", ". ", "\n", "\t", "!", " - ", "/"])
DOCUMENT = st.lists(st.tuples(WORD, SEPARATOR), max_size=25).map(
    lambda parts: "".join(w + s for w, s in parts)
)
DOCUMENTS = st.lists(DOCUMENT, min_size=1, max_size=15)

PARAMS = st.fixed_dictionaries(
    {
        "lowercase": st.booleans(),
        "ngram_range": st.sampled_from([(1, 1), (1, 2), (2, 3)]),
        "analyzer": st.sampled_from(["word", "char", "char_wb"]),
        "binary": st.booleans(),
        "min_df": st.sampled_from([1, 2, 0.0, 0.2]),
        "max_df": st.sampled_from([1.0, 0.8, 5]),
        "max_features": st.sampled_from([None, 3, 50]),
        "norm": st.sampled_from(["l2", "l1", None]),
        "use_idf": st.booleans(),
        "smooth_idf": st.booleans(),
        "sublinear_tf": st.booleans(),
        "stop_words": st.sampled_from([None, "english", ["the", "a"]]),
    }
)


def outcome(make):
    """The result of ``make()``, or the type of the ValueError it raised."""
    try:
        return make()
    except ValueError as error:
        return ValueError, str(error).split(".")[0][:30]


@SETTINGS
@given(docs=DOCUMENTS, params=PARAMS)
def test_tfidf_matches_scikit_learn(docs, params):
    if params["analyzer"] != "word":
        params = {**params, "stop_words": None}
    ours = textsim.TfidfVectorizer(**params)
    theirs = sklearn_text.TfidfVectorizer(**params)
    mine = outcome(lambda: ours.fit_transform(docs))
    reference = outcome(lambda: theirs.fit_transform(docs))
    if isinstance(reference, tuple) or isinstance(mine, tuple):
        # Both refuse (empty vocabulary, nothing left after pruning, max_df < min_df).
        assert isinstance(mine, tuple) and isinstance(reference, tuple), (mine, reference)
        return
    if params["max_features"] is not None:
        # scikit-learn leaves ties at the cut to an unstable sort; compare only the shape.
        assert mine.shape == reference.shape
        return
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    np.testing.assert_allclose(mine.toarray(), reference.toarray(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        ours.transform(docs[::-1]).toarray(), theirs.transform(docs[::-1]).toarray(),
        rtol=1e-12, atol=1e-15,
    )


@st.composite
def matrices(draw):
    n = draw(st.integers(1, 20))
    m = draw(st.integers(1, 20))
    width = draw(st.integers(1, 8))
    values = st.floats(-5, 5, allow_nan=False, allow_infinity=False, width=32)
    X = np.array(draw(st.lists(st.lists(values, min_size=width, max_size=width), min_size=n, max_size=n)))
    Y = np.array(draw(st.lists(st.lists(values, min_size=width, max_size=width), min_size=m, max_size=m)))
    # Sparsify: many exact zeros.
    X[np.abs(X) < 2] = 0
    Y[np.abs(Y) < 2] = 0
    return X, Y


def brute_cosines(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    nx = np.linalg.norm(X, axis=1)
    ny = np.linalg.norm(Y, axis=1)
    nx[nx == 0] = 1
    ny[ny == 0] = 1
    return (X / nx[:, None]) @ (Y / ny[:, None]).T


@SETTINGS
@given(
    pair=matrices(),
    k=st.integers(1, 6),
    min_score=st.sampled_from([None, -1.0, -0.3, 0.0, 0.25, 0.9, 1.0]),
    same=st.booleans(),
    dtype=st.sampled_from([np.float64, np.float32]),
)
def test_most_similar_is_the_brute_force_top_k(pair, k, min_score, same, dtype):
    X, Y = pair
    Xs = sp.csr_matrix(X.astype(dtype))
    Ys = None if same else sp.csr_matrix(Y.astype(dtype))
    reference = brute_cosines(X, X if same else Y)
    indices, scores = textsim.most_similar(Xs, Ys, k=k, min_score=min_score)
    assert indices.shape == scores.shape == (X.shape[0], k)
    assert scores.dtype == dtype
    tolerance = 1e-9 if dtype == np.float64 else 1e-5
    assert (scores >= -1 - tolerance).all() and (scores <= 1 + tolerance).all()
    for i in range(X.shape[0]):
        candidates = reference[i].copy()
        if same:
            candidates[i] = -np.inf
        accepted = candidates > 0 if min_score is None else candidates >= min_score
        found = [(j, s) for j, s in zip(indices[i], scores[i]) if j >= 0]
        assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
        for j, s in found:
            assert abs(s - reference[i, j]) <= tolerance
            assert not (same and j == i)
        # Scores within rounding of the threshold may go either way; clear ones may not.
        margin = 0 if min_score is None else min_score
        surely = np.sort(candidates[candidates > margin + tolerance])[::-1][:k]
        assert len(found) >= len(surely)
        assert len(found) <= min(k, accepted.sum() + np.sum(np.abs(candidates - margin) <= tolerance))
        np.testing.assert_allclose([s for _, s in found][: len(surely)], surely, atol=tolerance)
        for slot in range(len(found), k):
            assert indices[i, slot] == -1 and scores[i, slot] == 0


@SETTINGS
@given(pair=matrices(), min_score=st.sampled_from([0.01, 0.3, 0.7, 1.0]))
def test_similar_pairs_and_cosine_similarity_are_brute_force(pair, min_score):
    X, Y = pair
    reference = brute_cosines(X, Y)
    np.testing.assert_allclose(
        textsim.cosine_similarity(sp.csr_matrix(X), sp.csr_matrix(Y)), reference, atol=1e-12
    )
    pairs = textsim.similar_pairs(sp.csr_matrix(X), sp.csr_matrix(Y), min_score=min_score).toarray()
    clearly_in = reference >= min_score + 1e-9
    clearly_out = reference < min_score - 1e-9
    assert (pairs[clearly_in] > 0).all()
    assert (pairs[clearly_out] == 0).all()
    np.testing.assert_allclose(pairs[clearly_in], reference[clearly_in], atol=1e-12)
