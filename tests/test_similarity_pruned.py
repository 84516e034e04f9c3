"""The pruned all-pairs search (``algorithm="pruned"``) against the full product
(``algorithm="full"``: the same pairs and scores, bit for bit) and against brute force (scipy's
``X @ Y.T`` of the normalized rows), on real articles and on random matrices with skewed column
frequencies and planted near-copies, for many thresholds, both dtypes, with and without Y."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import textsim
from memory_cap import GIB, assert_survived, run_capped

THRESHOLDS = [0.05, 0.2, 0.5, 0.7, 0.9, 0.99, 1.0]


def skewed(n: int, m: int, terms: int, copies: float, seed: int, dtype=np.float64) -> sp.csr_matrix:
    """``n`` rows over ``m`` columns drawn with Zipf-like frequencies (column ``c`` with weight
    1/(c+1)), TF-IDF-like values, and a share ``copies`` of rows that are near-copies of earlier
    rows (values nudged, a term dropped or added) or exact copies."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, m + 1)
    weights /= weights.sum()
    rows: list[dict[int, float]] = []
    for r in range(n):
        if r and rng.random() < copies:
            row = dict(rows[rng.integers(r)])
            change = rng.integers(4)
            if change == 1:
                row = {c: v * (1 + 0.1 * rng.random()) for c, v in row.items()}
            elif change == 2 and len(row) > 1:
                row.pop(next(iter(row)))
            elif change == 3:
                row[int(rng.integers(m))] = 1 + rng.random()
        else:
            columns = rng.choice(m, size=int(rng.integers(1, terms + 1)), p=weights)
            row = {int(c): float(np.ceil(rng.random() * 4) / 4 * (1 + np.log1p(c))) for c in columns}
        rows.append(row)
    indptr, indices, data = [0], [], []
    for row in rows:
        for c in sorted(row):
            indices.append(c)
            data.append(row[c])
        indptr.append(len(indices))
    return sp.csr_matrix((np.array(data, dtype=dtype), indices, indptr), shape=(n, m))


def assert_identical(a: sp.csr_matrix, b: sp.csr_matrix) -> None:
    """The same pairs, in the same order, with bit-identical scores."""
    assert a.shape == b.shape
    assert a.dtype == b.dtype
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    assert a.data.tobytes() == b.data.tobytes()


def brute_scores(X: sp.csr_matrix, Y: sp.csr_matrix | None) -> np.ndarray:
    """Every cosine, in float64, the plain way."""
    def normalized(M: sp.csr_matrix) -> np.ndarray:
        dense = M.astype(np.float64).toarray()
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        return np.divide(dense, norms, out=np.zeros_like(dense), where=norms > 0)

    x = normalized(X)
    return x @ (x if Y is None else normalized(Y)).T


def assert_matches_brute_force(pairs: sp.csr_matrix, scores: np.ndarray, t: float, within: bool) -> None:
    """Every pair clearly above ``t`` is found, none clearly below, and the scores agree (pairs
    within rounding of ``t`` may go either way against a brute force that sums differently)."""
    margin = 1e-5
    if within:
        scores = np.triu(scores, 1)
    found = pairs.toarray()
    must = scores >= t + margin
    assert np.all(found[must] > 0), "a pair above the threshold is missing"
    clearly_below = (scores < t - margin) & (found != 0)
    assert not clearly_below.any(), "a pair below the threshold was reported"
    np.testing.assert_allclose(found[found != 0], scores[found != 0], rtol=0, atol=margin)


def check(X: sp.csr_matrix, Y: sp.csr_matrix | None, thresholds=THRESHOLDS, k=(1, 5)) -> None:
    scores = brute_scores(X, Y)
    for t in thresholds:
        pruned = textsim.similar_pairs(X, Y, min_score=t, algorithm="pruned")
        full = textsim.similar_pairs(X, Y, min_score=t, algorithm="full")
        assert_identical(pruned, full)
        assert_identical(textsim.similar_pairs(X, Y, min_score=t), full)
        assert_matches_brute_force(pruned, scores, t, within=Y is None)
        for kk in k:
            a = textsim.most_similar(X, Y, k=kk, min_score=t, algorithm="pruned")
            b = textsim.most_similar(X, Y, k=kk, min_score=t, algorithm="full")
            np.testing.assert_array_equal(a.indices, b.indices)
            assert a.scores.tobytes() == b.scores.tobytes()
        if Y is None:
            np.testing.assert_array_equal(
                textsim.near_duplicates(X, min_score=t, algorithm="pruned"),
                textsim.near_duplicates(X, min_score=t, algorithm="full"),
            )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_skewed_matrices_within_one_matrix(dtype, seed):
    check(skewed(180, 400, 40, 0.3, seed, dtype), None)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_random_skewed_matrices_against_another(dtype):
    Y = skewed(150, 300, 30, 0.3, 7, dtype)
    # Queries: fresh rows, and near-copies of rows of Y.
    X = sp.vstack([skewed(40, 300, 30, 0.0, 8, dtype), Y[::5] * 1.5]).tocsr()
    check(X, Y)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_real_articles(dtype):
    texts = [article.text for article in textsim.datasets.load_bangla_news()]
    X = textsim.TfidfVectorizer(dtype=dtype).fit_transform(texts)
    check(X, None, thresholds=[0.1, 0.3, 0.5, 0.8, 0.95])
    check(X[:50], X[50:], thresholds=[0.1, 0.3, 0.5])


@pytest.mark.corpus
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_blog_posts(load_corpus, dtype):
    posts = [record["text"] for record in load_corpus("bangla_blogs")[:1500]]
    X = textsim.TfidfVectorizer(dtype=dtype).fit_transform(posts)
    for t in [0.2, 0.5, 0.7, 0.9]:
        assert_identical(
            textsim.similar_pairs(X, min_score=t, algorithm="pruned"),
            textsim.similar_pairs(X, min_score=t, algorithm="full"),
        )
    check(X[:400], None, thresholds=[0.3, 0.6, 0.9], k=(3,))


def test_pairs_exactly_at_the_threshold_are_found():
    X = skewed(120, 80, 15, 0.4, 3, np.float32)
    full = textsim.similar_pairs(X, min_score=1e-6, algorithm="full")
    for t in np.unique(full.data)[:: max(1, full.nnz // 25)]:
        t = float(t)  # a score the full product gives, exactly
        pruned = textsim.similar_pairs(X, min_score=t, algorithm="pruned")
        assert_identical(pruned, textsim.similar_pairs(X, min_score=t, algorithm="full"))
        assert (pruned.data == np.float32(t)).any()
        above = float(np.nextafter(t, 2.0))
        assert not (textsim.similar_pairs(X, min_score=min(above, 1.0), algorithm="pruned").data < above).any()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_duplicate_rows_scoring_one_and_unnormalized_integer_input(dtype):
    counts = sp.csr_matrix(
        np.array(
            [[3, 0, 1, 0], [3, 0, 1, 0], [300, 0, 100, 0], [0, 5, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]]
        )
    )
    for X in (counts, counts.astype(dtype)):
        check(X, None, thresholds=[0.5, 0.999, 1.0])
    # Exact copies score 1 (to rounding) and so join at min_score=1 exactly when the full
    # product says so.
    full = textsim.similar_pairs(counts.astype(dtype), min_score=1.0, algorithm="full")
    pruned = textsim.similar_pairs(counts.astype(dtype), min_score=1.0, algorithm="pruned")
    assert_identical(pruned, full)


def test_negative_values_take_the_full_product_and_agree():
    X = skewed(60, 40, 10, 0.3, 4)
    X.data[::3] *= -1
    check(X, None, thresholds=[0.2, 0.6])


def test_algorithm_is_checked():
    X = skewed(10, 10, 3, 0.0, 5)
    for call in (
        lambda: textsim.similar_pairs(X, min_score=0.5, algorithm="fast"),
        lambda: textsim.most_similar(X, algorithm=None),
        lambda: textsim.near_duplicates(X, algorithm="Pruned"),
    ):
        with pytest.raises(textsim.ParameterError, match="algorithm: expected one of 'auto', 'full', 'pruned'"):
            call()


def test_index_queries_with_a_threshold_are_the_full_products():
    articles = textsim.datasets.load_bangla_news()
    index = textsim.SimilarityIndex().fit([a.text for a in articles[20:]])
    queries = [a.text for a in articles[:20]]
    found = index.query(queries, k=5, min_score=0.2)
    vectors = index.vectorizer.transform(queries)
    expected = textsim.most_similar(vectors, index.matrix_, k=5, min_score=0.2, algorithm="full")
    np.testing.assert_array_equal(found.indices, expected.indices)
    assert found.scores.tobytes() == expected.scores.tobytes()


@st.composite
def nonnegative_matrices(draw):
    n = draw(st.integers(1, 25))
    m = draw(st.integers(1, 12))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    density = draw(st.floats(0.05, 0.9))
    values = st.sampled_from([0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 1e-3, 7.0])
    dense = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            if draw(st.floats(0, 1)) < density:
                dense[i, j] = draw(values)
    if draw(st.booleans()) and n > 1:
        dense[n - 1] = dense[0]  # an exact copy
    return sp.csr_matrix(dense.astype(dtype))


@settings(max_examples=150, deadline=None)
@given(nonnegative_matrices(), st.sampled_from([0.1, 0.3, 0.5, 0.7071, 0.9, 0.999, 1.0]))
def test_pruned_and_full_agree_bit_for_bit(X, t):
    assert_identical(
        textsim.similar_pairs(X, min_score=t, algorithm="pruned"),
        textsim.similar_pairs(X, min_score=t, algorithm="full"),
    )
    half = X.shape[0] // 2
    if half:
        assert_identical(
            textsim.similar_pairs(X[:half], X[half:], min_score=t, algorithm="pruned"),
            textsim.similar_pairs(X[:half], X[half:], min_score=t, algorithm="full"),
        )
    a = textsim.most_similar(X, k=3, min_score=t, algorithm="pruned")
    b = textsim.most_similar(X, k=3, min_score=t, algorithm="full")
    np.testing.assert_array_equal(a.indices, b.indices)
    assert a.scores.tobytes() == b.scores.tobytes()
    np.testing.assert_array_equal(
        textsim.near_duplicates(X, min_score=t, algorithm="pruned"),
        textsim.near_duplicates(X, min_score=t, algorithm="full"),
    )


# -- memory: sized by what is stored, never by the declared width or the number of pairs ------


def test_a_huge_declared_width_costs_only_what_is_stored():
    # 2 x 10^11 with 2 entries: a table per column would be 800 GB.
    result = run_capped(
        """
import numpy as np, scipy.sparse as sp, textsim
X = sp.csr_matrix((np.array([1.0, 2.0]), np.array([5, 99_999_999_999]), np.array([0, 1, 2])),
                  shape=(2, 10**11))
X2 = sp.csr_matrix((np.array([1.0, 2.0]), np.array([7, 7], dtype=np.int64), np.array([0, 1, 2])),
                   shape=(2, 10**11))
for algorithm in ("full", "pruned"):
    assert textsim.most_similar(X2, k=1, algorithm=algorithm).indices.tolist() == [[1], [0]]
    assert textsim.most_similar(X2, k=1, min_score=0.5, algorithm=algorithm).indices.tolist() == [[1], [0]]
    assert textsim.similar_pairs(X2, min_score=0.5, algorithm=algorithm).nnz == 1
    assert textsim.near_duplicates(X2, min_score=0.5, algorithm=algorithm).tolist() == [0, 0]
assert textsim.cosine_similarity(X, dense_output=False).nnz == 2
assert textsim.most_similar(X, k=1).indices.tolist() == [[-1], [-1]]
print("ok")
""",
        cap_bytes=3 * GIB,
    )
    assert_survived(result, "ok")


def test_hashing_at_the_largest_width_then_similarity():
    result = run_capped(
        """
import textsim
X = textsim.HashingVectorizer(n_features=2**31 - 1).transform(["the gold price fell", "gold price"])
print(textsim.most_similar(X, k=1).indices.tolist() == [[1], [0]],
      textsim.near_duplicates(X, min_score=0.5).tolist())
print("ok")
""",
        cap_bytes=3 * GIB,
    )
    assert_survived(result, "ok")
    assert "True [0, 0]" in result.stdout


def test_near_duplicates_of_many_copies_hold_no_pairs():
    # 30,000 copies of one boilerplate article: 450 million pairs (2.8 GB at 15,000 copies
    # when they were materialised); the groups need memory in the rows only.
    result = run_capped(
        """
import textsim
article = "Subscribe to our newsletter for the latest news, sport and weather updates today"
docs = [article] * 30_000 + ["an unrelated article about gold prices"]
X = textsim.TfidfVectorizer().fit_transform(docs)
labels = textsim.near_duplicates(X, min_score=0.9)
print(labels[:30_000].max(), labels[-1])
print("ok")
""",
        cap_bytes=3 * GIB,
    )
    assert_survived(result, "ok")
    assert "0 1" in result.stdout
