"""HashingVectorizer is bit-compatible with scikit-learn's.

Same MurmurHash3 (x86, 32 bit, seed 0) of each feature's UTF-8 bytes, same column
(``abs(h) % n_features``) and sign rule (``alternate_sign``), the same explicit zeros where
signed collisions cancel, and the same ``binary`` and row norms. ``n_features`` is kept small
(2**4, 2**10) in most cases to force collisions. Text without combining marks is compared
directly; Bengali through textsim's tokens (see test_vectorizers_bengali.py).
"""

from __future__ import annotations

import itertools
import unicodedata

import numpy as np
import pytest
import textsim
from conftest import ALL_FOOD_DOCS, assert_csr_equal
from numpy.testing import assert_allclose

sk_text = pytest.importorskip("sklearn.feature_extraction.text")

F64 = {"rtol": 0.0, "atol": 1e-12}
F32 = {"rtol": 1e-6, "atol": 1e-6}

NON_ASCII_DOCS = [
    "Машинное обучение — обширный подраздел искусственного интеллекта.",
    "Η μηχανική μάθηση είναι κλάδος της τεχνητής νοημοσύνης",
    "J'ai mangé du kangourou ce midi, c'était pas très bon. Crème brûlée à Paris",
    "機械学習 人工知能 深層学習 機械学習",
    "Ünïcödé façade naïve Straße ÆØÅ æøå œuvre",
    "emoji 🙂🙂 party 🎉 and café ☕ café",
    "עברית ערבית العربية لغة",
    "",
]
assert all(unicodedata.is_normalized("NFC", d) for d in NON_ASCII_DOCS)
assert not any(unicodedata.category(c).startswith("M") for d in NON_ASCII_DOCS for c in d)


@pytest.fixture(scope="module", params=["food", "sample_en", "non_ascii",
                                        pytest.param("bbc", marks=pytest.mark.corpus)])
def docs(request, english_docs):
    if request.param == "food":
        return list(ALL_FOOD_DOCS) + ["", "the THE The"]
    if request.param == "sample_en":
        return [d["text"] for d in english_docs] + [d["title"] for d in english_docs]
    if request.param == "non_ascii":
        return NON_ASCII_DOCS
    return [r["text"] for r in request.getfixturevalue("bbc_records")[::10][:200]]


GRID = [
    {"n_features": n, "alternate_sign": sign, "norm": norm, "binary": binary}
    for n, sign, norm, binary in itertools.product(
        [2**4, 2**10], [True, False], ["l1", "l2", None], [False, True]
    )
] + [
    {},
    {"ngram_range": (1, 2), "n_features": 2**10},
    {"ngram_range": (2, 3), "n_features": 2**10, "norm": None},
    {"analyzer": "char", "ngram_range": (1, 3), "n_features": 2**10},
    {"analyzer": "char", "ngram_range": (2, 2), "n_features": 2**4, "alternate_sign": False},
    {"analyzer": "char_wb", "ngram_range": (2, 4), "n_features": 2**10, "norm": "l1"},
    {"analyzer": "char_wb", "ngram_range": (3, 5), "binary": True, "norm": None},
    {"stop_words": "english", "ngram_range": (1, 2), "n_features": 2**10},
    {"lowercase": False, "n_features": 2**10},
    {"strip_accents": "unicode", "n_features": 2**10},
    {"token_pattern": r"\S+", "n_features": 2**10, "norm": None},
    {"dtype": np.float32, "n_features": 2**10},
    {"dtype": np.float32, "norm": None, "alternate_sign": False},
    {"n_features": 1},
    {"n_features": 1_000_003, "ngram_range": (1, 3)},
]


def _id(params):
    parts = []
    for key, value in params.items():
        if key == "dtype":
            value = np.dtype(value).name
        parts.append(f"{key}={value}")
    return ",".join(parts).replace(" ", "") or "defaults"


@pytest.mark.parametrize("params", GRID, ids=_id)
def test_hashing_vectorizer_equals_sklearn(docs, params):
    tol = F32 if params.get("dtype") == np.float32 else F64
    ts = textsim.HashingVectorizer(**params)
    sk = sk_text.HashingVectorizer(**params)
    X_sk = sk.transform(docs)
    X_ts = ts.transform(docs)
    # structure including the explicit zeros left where signed collisions cancel
    assert_csr_equal(X_ts, X_sk, **tol)
    assert X_ts.dtype == np.dtype(params.get("dtype", np.float64))
    # fit is a no-op, fit_transform is transform
    assert_csr_equal(ts.fit(docs).transform(docs), X_sk, **tol)
    assert_csr_equal(textsim.HashingVectorizer(**params).fit_transform(docs), X_sk, **tol)


@pytest.mark.parametrize("alternate_sign", [True, False])
def test_hashing_without_norm_is_exact(alternate_sign):
    docs = list(ALL_FOOD_DOCS) + NON_ASCII_DOCS
    params = {"n_features": 2**5, "norm": None, "alternate_sign": alternate_sign}
    X_ts = textsim.HashingVectorizer(**params).transform(docs)
    X_sk = sk_text.HashingVectorizer(**params).transform(docs)
    assert_csr_equal(X_ts, X_sk)  # integer sums: bit for bit


def test_cancelled_collisions_like_sklearn():
    # find two tokens that share a column with opposite signs in scikit-learn: their sum is 0
    hv = sk_text.HashingVectorizer(n_features=2**3, norm=None, alternate_sign=True)
    words = [f"w{i:03d}" for i in range(200)]
    row = hv.transform([" ".join(words)])
    single = {w: hv.transform([w]) for w in words}
    pair = None
    for a, b in itertools.combinations(words, 2):
        xa, xb = single[a], single[b]
        if xa.indices[0] == xb.indices[0] and xa.data[0] == -xb.data[0]:
            pair = f"{a} {b}"
            break
    assert pair is not None
    X_sk = hv.transform([pair])
    X_ts = textsim.HashingVectorizer(n_features=2**3, norm=None).transform([pair])
    assert_csr_equal(X_ts, X_sk)
    assert_allclose(X_ts.toarray(), 0)
    assert_csr_equal(textsim.HashingVectorizer(n_features=2**3, norm=None).transform(
        [" ".join(words)]), row)


def test_non_ascii_features_hash_their_utf8_bytes():
    # one token per document; with no collisions the column and sign identify the hash
    tokens = ["машинное", "μάθηση", "mangé", "機械学習", "straße", "ünïcödé", "العربية"]
    params = {"n_features": 2**20, "norm": None}
    X_ts = textsim.HashingVectorizer(**params).transform(tokens)
    X_sk = sk_text.HashingVectorizer(**params).transform(tokens)
    assert_csr_equal(X_ts, X_sk)
    assert X_ts.nnz == len(tokens)


def test_hashing_bengali_with_correct_tokens(sample_docs):
    texts = [d["text"] for d in sample_docs] + [d["title"] for d in sample_docs]
    normalizer = textsim.Tokenizer()
    scanner = textsim.Tokenizer(lowercase=False, unicode_normalization=None,
                                bengali_folding=False)
    prepared = [normalizer.normalize(t) for t in texts]
    for params in (
        {"n_features": 2**10},
        {"n_features": 2**12, "ngram_range": (1, 2), "norm": None},
        {"n_features": 2**6, "alternate_sign": False, "norm": "l1", "binary": True},
    ):
        X_ts = textsim.HashingVectorizer(**params).transform(texts)
        X_sk = sk_text.HashingVectorizer(
            tokenizer=scanner.tokenize, token_pattern=None, lowercase=False, **params
        ).transform(prepared)
        assert_csr_equal(X_ts, X_sk, **F64)
    for analyzer in ("char", "char_wb"):
        params = {"n_features": 2**10, "analyzer": analyzer, "ngram_range": (2, 3)}
        X_ts = textsim.HashingVectorizer(**params).transform(texts)
        X_sk = sk_text.HashingVectorizer(lowercase=False, **params).transform(prepared)
        assert_csr_equal(X_ts, X_sk, **F64)


def test_hashing_defaults_like_sklearn():
    hv = textsim.HashingVectorizer()
    X = hv.transform(ALL_FOOD_DOCS)
    assert X.shape == (len(ALL_FOOD_DOCS), 2**20)
    assert X.dtype == np.float64
    assert np.min(X.data) > -1 and np.min(X.data) < 0
    assert np.max(X.data) > 0 and np.max(X.data) < 1
    assert_allclose(np.sqrt(X.multiply(X).sum(axis=1)).A1, 1.0, **F64)
    X2 = textsim.HashingVectorizer(ngram_range=(1, 2), norm="l1").transform(ALL_FOOD_DOCS)
    assert X.nnz < X2.nnz < 2 * X.nnz
    assert_allclose(np.abs(X2).sum(axis=1).A1, 1.0, **F64)


def test_hashing_non_negative_indices_for_large_n_features():
    # scikit-learn's non-regression test (PR 19035)
    X = textsim.HashingVectorizer(n_features=1_000_000, ngram_range=(2, 3)).transform(
        ["22pcs efuture"]
    )
    assert X.indices[0] >= 0
    assert_csr_equal(
        X,
        sk_text.HashingVectorizer(n_features=1_000_000, ngram_range=(2, 3)).transform(
            ["22pcs efuture"]
        ),
        **F64,
    )


def test_hashing_transform_without_fit_and_partial_fit():
    hv = textsim.HashingVectorizer(n_features=10)
    assert hv.transform(["This is test", "Another test"]).shape == (2, 10)
    assert hv.partial_fit(["x"]) is hv
    assert hv.fit(["x"]) is hv
