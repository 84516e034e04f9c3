"""CountVectorizer, TfidfVectorizer and TfidfTransformer give scikit-learn's numbers.

scikit-learn 1.9 is the oracle (DESIGN.md, "Numeric semantics"). On English ASCII text the two
are compared directly. On text with combining marks (the Bengali sample documents) scikit-learn's
own ``\\w`` cuts words apart, so it is handed textsim's preprocessed text and a correct tokenizer
(see ``oracle``): both sides then see the same tokens, and everything after tokenizing (n-grams,
document frequencies, pruning, idf, norms, vocabulary order) must agree.

Tolerances: integer counts exactly; float64 ``rtol=0, atol=1e-12``; float32 ``1e-6``.
Where scikit-learn is nondeterministic (``max_features`` ties at the cut), textsim's rule
(count descending, then term ascending) is computed from scikit-learn's unpruned counts.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

import numpy as np
import pytest
import textsim
from conftest import ALL_FOOD_DOCS, JUNK_FOOD_DOCS, NOTJUNK_FOOD_DOCS, assert_csr_equal
from numpy.testing import assert_allclose, assert_array_equal

sk_text = pytest.importorskip("sklearn.feature_extraction.text")

F64 = {"rtol": 0.0, "atol": 1e-12}
F32 = {"rtol": 1e-6, "atol": 1e-6}

FOOD_NEW_DOCS = [
    "the pizza salad beer",
    "unseen words only here",
    "",
    "Pizza! PIZZA? pizza... burger-beer, the COKE",
    "the coke burger burger",
    "   \n\t  ",
]


# ---------------------------------------------------------------------------
# corpora: (documents to fit, new documents to transform, compare directly?)
# ---------------------------------------------------------------------------


@pytest.fixture(
    scope="module",
    params=[
        "food",
        "food_with_empty",
        "sample_en",
        "sample_all",
        pytest.param("bbc", marks=pytest.mark.corpus),
    ],
)
def corpus(request, sample_docs):
    name = request.param
    if name == "food":
        return name, list(ALL_FOOD_DOCS), FOOD_NEW_DOCS, True
    if name == "food_with_empty":
        # an empty document and a punctuation-only one among the training documents
        docs = list(JUNK_FOOD_DOCS) + ["", "!!! ... ???"] + list(NOTJUNK_FOOD_DOCS)
        return name, docs, FOOD_NEW_DOCS, True
    if name == "sample_en":
        en = [d for d in sample_docs if d["lang"] == "en"]
        return name, [d["text"] for d in en], [d["title"] for d in en] + FOOD_NEW_DOCS, True
    if name == "sample_all":
        # three Bengali and three English articles: compared through the oracle
        return (
            name,
            [d["text"] for d in sample_docs],
            [d["title"] for d in sample_docs] + FOOD_NEW_DOCS,
            False,
        )
    assert name == "bbc"
    records = request.getfixturevalue("bbc_records")
    fit_docs = [r["text"] for r in records[::4][:500]]
    new_docs = [r["text"] for r in records[1::4][:60]] + FOOD_NEW_DOCS
    return name, fit_docs, new_docs, True


def oracle(params: dict, direct: bool):
    """(prepare, sklearn_params): what to give scikit-learn so that it sees textsim's tokens."""
    params = dict(params)
    if direct:
        return list, params
    lowercase = params.pop("lowercase", True)
    strip_accents = params.pop("strip_accents", None)
    normalizer = textsim.Tokenizer(lowercase=lowercase, strip_accents=strip_accents)

    def prepare(texts):
        return [normalizer.normalize(t) for t in texts]

    params["lowercase"] = False
    if params.get("analyzer", "word") == "word":
        # textsim's scanner on already-normalized text: no second normalization or folding
        params["tokenizer"] = textsim.Tokenizer(
            lowercase=False, unicode_normalization=None, bengali_folding=False
        ).tokenize
        params["token_pattern"] = None
    return prepare, params


def tolerance(params: dict) -> dict:
    return F32 if params.get("dtype") == np.float32 else F64


def shrink_for_char(name: str, docs: list[str], params: dict) -> list[str]:
    # character n-grams and word trigrams of 500 BBC articles are slow in scikit-learn;
    # 150 articles suffice for them
    if name == "bbc" and (
        params.get("analyzer", "word") != "word" or params.get("ngram_range", (1, 1))[1] >= 3
    ):
        return docs[:150]
    return docs


WEIGHTING_KEYS = ("norm", "use_idf", "smooth_idf", "sublinear_tf")
_SKLEARN_COUNTS: dict = {}


class CountsThenWeights:
    """scikit-learn's TfidfVectorizer as it is built (CountVectorizer, then TfidfTransformer),
    with the counts of one corpus computed once for every weighting of the grid."""

    def __init__(self, corpus_name: str, **params):
        self.weights = {k: params.pop(k) for k in WEIGHTING_KEYS if k in params}
        self.params = {"dtype": np.float64, **params}
        self.key = (corpus_name, repr(sorted(self.params.items(), key=str)))

    def fit_transform(self, docs):
        if self.key not in _SKLEARN_COUNTS:
            counter = sk_text.CountVectorizer(**self.params)
            _SKLEARN_COUNTS[self.key] = (counter, counter.fit_transform(docs), {})
        self.counter, counts, self.cache = _SKLEARN_COUNTS[self.key]
        self.tfidf = sk_text.TfidfTransformer(**self.weights).fit(counts)
        return self.tfidf.transform(counts)

    def transform(self, docs):
        key = tuple(docs)
        if key not in self.cache:
            self.cache[key] = self.counter.transform(docs)
        return self.tfidf.transform(self.cache[key])

    def __getattr__(self, name):
        if name == "idf_":
            return self.tfidf.idf_
        if name in ("vocabulary_", "fixed_vocabulary_", "get_feature_names_out",
                    "inverse_transform"):
            return getattr(self.counter, name)
        raise AttributeError(name)


def as_row_sets(rows) -> list[set]:
    return [set(np.asarray(r).tolist()) for r in rows]


def check_against_sklearn(cls_name: str, params: dict, corpus, *, refit: bool = True):
    """Fit both on the corpus, compare everything observable; return (textsim, sklearn)."""
    name, fit_docs, new_docs, direct = corpus
    fit_docs = shrink_for_char(name, fit_docs, params)
    prepare, sk_params = oracle(params, direct)
    tol = tolerance(params)
    if name == "bbc" and cls_name == "TfidfVectorizer":
        sk_est = CountsThenWeights(name, **sk_params)
    else:
        sk_est = getattr(sk_text, cls_name)(**sk_params)
    ts_est = getattr(textsim, cls_name)(**params)

    try:
        X_sk = sk_est.fit_transform(prepare(fit_docs))
    except ValueError as exc:  # e.g. "After pruning, no terms remain": same error expected
        with pytest.raises(ValueError, match=re.escape(str(exc))):
            ts_est.fit_transform(fit_docs)
        return None, None
    X_ts = ts_est.fit_transform(fit_docs)

    assert_csr_equal(X_ts, X_sk, **tol)
    assert ts_est.vocabulary_ == sk_est.vocabulary_
    names = ts_est.get_feature_names_out()
    assert isinstance(names, np.ndarray) and names.dtype == object
    assert_array_equal(names, sk_est.get_feature_names_out())
    assert ts_est.fixed_vocabulary_ == sk_est.fixed_vocabulary_
    if cls_name == "TfidfVectorizer" and params.get("use_idf", True):
        assert ts_est.idf_.dtype == sk_est.idf_.dtype
        assert_allclose(ts_est.idf_, sk_est.idf_, **tol)

    # transform on the training documents and on new ones (unseen terms, empty documents)
    assert_csr_equal(ts_est.transform(fit_docs), X_sk, **tol)  # scikit-learn's transform too
    assert_csr_equal(ts_est.transform(new_docs), sk_est.transform(prepare(new_docs)), **tol)

    # fit, then transform, is fit_transform
    if refit:
        ts_again = getattr(textsim, cls_name)(**params).fit(fit_docs)
        assert ts_again.vocabulary_ == sk_est.vocabulary_
        assert_csr_equal(ts_again.transform(fit_docs), X_sk, **tol)

    # inverse_transform: the terms of each row, as sets
    assert as_row_sets(ts_est.inverse_transform(X_ts)) == as_row_sets(
        sk_est.inverse_transform(X_sk)
    )
    return ts_est, sk_est


# ---------------------------------------------------------------------------
# CountVectorizer
# ---------------------------------------------------------------------------

COUNT_GRID = [
    {},
    {"ngram_range": (1, 2)},
    {"ngram_range": (2, 3)},
    {"analyzer": "char"},
    {"analyzer": "char", "ngram_range": (2, 3)},
    {"analyzer": "char_wb", "ngram_range": (2, 3)},
    {"analyzer": "char_wb", "ngram_range": (1, 2)},
    {"analyzer": "char_wb", "ngram_range": (3, 5), "min_df": 2},
    {"min_df": 2},
    {"min_df": 3, "ngram_range": (1, 2)},
    {"min_df": 0.3},
    {"max_df": 0.5},
    {"max_df": 2},
    {"min_df": 0.1, "max_df": 0.9},
    {"min_df": 2, "max_df": 0.7, "ngram_range": (1, 2)},
    {"binary": True},
    {"binary": True, "ngram_range": (1, 2), "min_df": 2},
    {"stop_words": "english"},
    {"stop_words": "english", "ngram_range": (1, 2)},
    {"stop_words": ["the", "and", "of", "beer"], "ngram_range": (1, 3)},
    {"lowercase": False},
    {"lowercase": False, "analyzer": "char_wb", "ngram_range": (2, 2)},
    {"dtype": np.int32},
    {"dtype": np.float32, "binary": True},
    {"dtype": np.float64},
    {"min_df": 1000},  # no terms remain: scikit-learn's error
    {"min_df": 0.5, "max_df": 0.2},  # max_df below min_df: scikit-learn's error
]


def grid_id(params: dict) -> str:
    if not params:
        return "defaults"
    parts = []
    for key, value in params.items():
        if key == "dtype":
            value = np.dtype(value).name
        elif isinstance(value, list):
            value = f"list{len(value)}"
        parts.append(f"{key}={value}")
    return ",".join(parts).replace(" ", "")


@pytest.mark.parametrize("params", COUNT_GRID, ids=grid_id)
def test_count_vectorizer_equals_sklearn(corpus, params):
    check_against_sklearn("CountVectorizer", params, corpus, refit=corpus[0] != "bbc")


# ---------------------------------------------------------------------------
# TfidfVectorizer
# ---------------------------------------------------------------------------

WEIGHTING_GRID = [
    {"norm": norm, "use_idf": use_idf, "smooth_idf": smooth, "sublinear_tf": sublinear}
    for norm, use_idf, smooth, sublinear in itertools.product(
        ["l1", "l2", None], [True, False], [True, False], [True, False]
    )
]

TFIDF_GRID = WEIGHTING_GRID + [
    {"ngram_range": (1, 2), "sublinear_tf": True},
    {"ngram_range": (2, 3), "norm": "l1"},
    {"analyzer": "char", "ngram_range": (1, 3), "norm": "l1"},
    {"analyzer": "char_wb", "ngram_range": (2, 4)},
    {"analyzer": "char_wb", "ngram_range": (2, 4), "smooth_idf": False, "sublinear_tf": True},
    {"min_df": 2, "max_df": 0.8},
    {"min_df": 0.2, "max_df": 4, "smooth_idf": False},
    {"binary": True},
    {"binary": True, "norm": None, "use_idf": False},
    {"stop_words": "english", "ngram_range": (1, 2)},
    {"lowercase": False, "sublinear_tf": True},
    {"dtype": np.float32},
    {"dtype": np.float32, "sublinear_tf": True, "norm": None},
    {"dtype": np.float32, "norm": "l1", "smooth_idf": False, "ngram_range": (1, 2)},
    {"dtype": np.float32, "analyzer": "char_wb", "ngram_range": (2, 3)},
    {"dtype": np.float64, "norm": None},
]


@pytest.mark.parametrize("params", TFIDF_GRID, ids=grid_id)
def test_tfidf_vectorizer_equals_sklearn(corpus, params):
    check_against_sklearn("TfidfVectorizer", params, corpus, refit=corpus[0] != "bbc")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tfidf_output_and_idf_dtype(dtype):
    vec = textsim.TfidfVectorizer(dtype=dtype)
    X = vec.fit_transform(ALL_FOOD_DOCS)
    assert X.dtype == dtype
    assert vec.idf_.dtype == dtype
    assert vec.transform(FOOD_NEW_DOCS).dtype == dtype


def test_count_vectorizer_default_dtype_is_int64():
    X = textsim.CountVectorizer().fit_transform(ALL_FOOD_DOCS)
    assert X.dtype == np.int64
    assert textsim.CountVectorizer().dtype is np.int64
    assert textsim.TfidfVectorizer().dtype is np.float64
    assert textsim.HashingVectorizer().dtype is np.float64


# ---------------------------------------------------------------------------
# fixed vocabulary
# ---------------------------------------------------------------------------

FOOD_VOCAB_LIST = ["water", "pizza", "beer", "the", "absent", "burger", "coke", "salad"]
FOOD_VOCAB_DICT = {"pizza": 3, "beer": 0, "water": 5, "absent": 1, "the beer": 2, "coke": 4}
FOOD_VOCAB_BIGRAMS = ["the pizza", "pizza", "beer copyright", "never seen", "the"]


@pytest.mark.parametrize("cls_name", ["CountVectorizer", "TfidfVectorizer"])
@pytest.mark.parametrize(
    "params",
    [
        {"vocabulary": FOOD_VOCAB_LIST},
        {"vocabulary": FOOD_VOCAB_DICT, "ngram_range": (1, 2)},
        {"vocabulary": FOOD_VOCAB_BIGRAMS, "ngram_range": (1, 2), "binary": True},
        # pruning parameters are ignored with a fixed vocabulary, as in scikit-learn
        {"vocabulary": FOOD_VOCAB_LIST, "min_df": 3, "max_df": 0.5, "max_features": 2},
        {"vocabulary": ["pi", "zza", " b"], "analyzer": "char", "ngram_range": (2, 3)},
    ],
    ids=["list", "dict_bigrams", "list_bigrams_binary", "pruning_ignored", "char"],
)
def test_fixed_vocabulary_equals_sklearn(cls_name, params):
    corpus = ("food", list(ALL_FOOD_DOCS), FOOD_NEW_DOCS, True)
    ts_est, _ = check_against_sklearn(cls_name, params, corpus)
    assert ts_est.fixed_vocabulary_ is True
    vocabulary = params["vocabulary"]
    expected = (
        dict(vocabulary)
        if isinstance(vocabulary, dict)
        else {t: i for i, t in enumerate(vocabulary)}
    )
    assert ts_est.vocabulary_ == expected


@pytest.mark.parametrize(
    "params",
    [
        {"sublinear_tf": True, "norm": "l1"},
        {"use_idf": False, "norm": None},
        {"dtype": np.float32},
    ],
    ids=grid_id,
)
def test_fixed_vocabulary_tfidf_weighting_equals_sklearn(params):
    corpus = ("food", list(ALL_FOOD_DOCS), FOOD_NEW_DOCS, True)
    check_against_sklearn("TfidfVectorizer", {"vocabulary": FOOD_VOCAB_DICT, **params}, corpus)


def test_fixed_vocabulary_transform_without_fit():
    vocab = {"pizza": 1, "beer": 0}
    ts = textsim.CountVectorizer(vocabulary=vocab)
    sk = sk_text.CountVectorizer(vocabulary=vocab)
    assert_csr_equal(ts.transform(ALL_FOOD_DOCS), sk.transform(ALL_FOOD_DOCS))
    assert_array_equal(ts.get_feature_names_out(), ["beer", "pizza"])


def test_fixed_vocabulary_from_a_fitted_vocabulary():
    fitted = textsim.CountVectorizer(max_df=0.5).fit(ALL_FOOD_DOCS[:-1])
    again = textsim.CountVectorizer(vocabulary=fitted.vocabulary_)
    assert_csr_equal(
        again.transform(ALL_FOOD_DOCS[-1:]), fitted.transform(ALL_FOOD_DOCS[-1:])
    )
    assert "the" not in fitted.vocabulary_  # document frequency 11/10 > 0.5
    assert "copyright" not in fitted.vocabulary_


# ---------------------------------------------------------------------------
# max_features: scikit-learn's selection by total count, ties by term
# ---------------------------------------------------------------------------


def expected_top_terms(corpus, params: dict, k: int) -> list[str]:
    """textsim's rule from scikit-learn's unpruned counts: count desc, then term asc."""
    _, fit_docs, _, direct = corpus
    unpruned = {
        key: value
        for key, value in params.items()
        if key not in ("max_features", "norm", "use_idf", "smooth_idf", "sublinear_tf", "dtype")
    }
    prepare, sk_params = oracle(unpruned, direct)
    counter = sk_text.CountVectorizer(**sk_params)
    X = counter.fit_transform(prepare(fit_docs))
    totals = np.asarray(X.sum(axis=0)).ravel()
    names = counter.get_feature_names_out()
    order = sorted(range(len(names)), key=lambda j: (-int(totals[j]), names[j]))
    return sorted(str(names[j]) for j in order[:k])


@pytest.mark.parametrize("cls_name", ["CountVectorizer", "TfidfVectorizer"])
@pytest.mark.parametrize(
    "params",
    [
        {"max_features": 1},
        {"max_features": 3},
        {"max_features": 10},
        {"max_features": 10, "binary": True},  # binary: ranked by document frequency
        {"max_features": 25, "ngram_range": (1, 2)},
        {"max_features": 5, "min_df": 2},
        {"max_features": 8, "max_df": 0.5},  # pruned by max_df before the cut
        {"max_features": 12, "analyzer": "char_wb", "ngram_range": (2, 3)},
        {"max_features": 10_000_000},  # more than there are terms
    ],
    ids=grid_id,
)
def test_max_features_count_then_term(corpus, cls_name, params):
    name, fit_docs, new_docs, direct = corpus
    fit_docs = shrink_for_char(name, fit_docs, params)
    corpus = (name, fit_docs, new_docs, direct)
    terms = expected_top_terms(corpus, params, params["max_features"])

    ts_est = getattr(textsim, cls_name)(**params)
    X_ts = ts_est.fit_transform(fit_docs)
    assert list(ts_est.get_feature_names_out()) == terms
    assert ts_est.vocabulary_ == {t: i for i, t in enumerate(terms)}

    # the matrix is scikit-learn's for exactly those terms (idf over all documents)
    prepare, sk_params = oracle(params, direct)
    for key in ("max_features", "min_df", "max_df"):
        sk_params.pop(key, None)
    sk_est = getattr(sk_text, cls_name)(vocabulary=terms, **sk_params)
    assert_csr_equal(X_ts, sk_est.fit_transform(prepare(fit_docs)), **tolerance(params))
    assert_csr_equal(
        ts_est.transform(new_docs), sk_est.transform(prepare(new_docs)), **tolerance(params)
    )


@pytest.mark.parametrize(
    "docs, k, expected",
    [
        # all four tie at 2: the first three terms in code-point order
        (["dd cc bb aa", "aa bb cc dd", "ff ee"], 3, ["aa", "bb", "cc"]),
        # zz and yy lead with 2; xx and ww tie at 1 for the last place: ww
        (["zz yy", "yy xx zz ww"], 3, ["ww", "yy", "zz"]),
        (["zz yy", "yy xx zz ww"], 2, ["yy", "zz"]),
        # counts beat order: 'zz' occurs 3 times
        (["aa bb zz", "zz zz cc"], 1, ["zz"]),
        # code points, not locale: upper-case sorts before lower-case, 'é' after 'z'
        (["éa zz Ab", "Ab éa zz"], 2, ["Ab", "zz"]),
    ],
)
@pytest.mark.parametrize("cls_name", ["CountVectorizer", "TfidfVectorizer"])
def test_max_features_ties_break_by_term(docs, k, expected, cls_name):
    est = getattr(textsim, cls_name)(max_features=k, lowercase=False)
    est.fit(docs)
    assert list(est.get_feature_names_out()) == expected
    # and the choice does not depend on the order of the documents
    est_rev = getattr(textsim, cls_name)(max_features=k, lowercase=False).fit(docs[::-1])
    assert est_rev.vocabulary_ == est.vocabulary_


def test_max_features_keeps_most_frequent_like_sklearn():
    # scikit-learn's regression test: "the" (7 occurrences) is always kept
    for k in (1, 3, None):
        vec = textsim.CountVectorizer(max_features=k)
        counts = np.asarray(vec.fit_transform(JUNK_FOOD_DOCS).sum(axis=0)).ravel()
        assert counts.max() == 7
        assert vec.get_feature_names_out()[np.argmax(counts)] == "the"
    vec = textsim.TfidfVectorizer(max_df=0.6, max_features=4).fit(ALL_FOOD_DOCS)
    assert set(vec.vocabulary_) == {"burger", "beer", "salad", "pizza"}


# ---------------------------------------------------------------------------
# TfidfTransformer on count matrices
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["food", pytest.param("bbc", marks=pytest.mark.corpus)])
def counts(request):
    if request.param == "food":
        docs = list(ALL_FOOD_DOCS) + [""]
    else:
        docs = [r["text"] for r in request.getfixturevalue("bbc_records")[::4][:500]]
    return sk_text.CountVectorizer(ngram_range=(1, 2)).fit_transform(docs)


@pytest.mark.parametrize("params", WEIGHTING_GRID, ids=grid_id)
def test_tfidf_transformer_equals_sklearn(counts, params):
    ts = textsim.TfidfTransformer(**params)
    sk = sk_text.TfidfTransformer(**params)
    X_ts = ts.fit_transform(counts)
    X_sk = sk.fit_transform(counts)
    assert_csr_equal(X_ts, X_sk, **F64)
    assert_csr_equal(ts.transform(counts[:3]), sk.transform(counts[:3]), **F64)
    if params["use_idf"]:
        assert ts.idf_.dtype == np.float64
        assert_allclose(ts.idf_, sk.idf_, **F64)
    else:
        assert not hasattr(ts, "idf_")


@pytest.mark.parametrize("dtype, expected", [(np.float32, np.float32), (np.float64, np.float64),
                                             (np.int64, np.float64), (np.int32, np.float64)])
def test_tfidf_transformer_dtype(dtype, expected):
    X = sk_text.CountVectorizer().fit_transform(ALL_FOOD_DOCS).astype(dtype)
    ts = textsim.TfidfTransformer()
    X_ts = ts.fit_transform(X)
    assert X_ts.dtype == expected
    assert ts.idf_.dtype == expected
    tol = F32 if expected == np.float32 else F64
    assert_csr_equal(X_ts, sk_text.TfidfTransformer().fit_transform(X), **tol)


@pytest.mark.parametrize(
    "make", [lambda X: X.toarray(), lambda X: X.toarray().tolist(), lambda X: X.tocsc()],
    ids=["ndarray", "lists", "csc"],
)
def test_tfidf_transformer_accepts_dense_and_csc(make):
    X = sk_text.CountVectorizer().fit_transform(ALL_FOOD_DOCS)
    expected = sk_text.TfidfTransformer().fit_transform(X)
    ts = textsim.TfidfTransformer().fit(make(X))
    assert_csr_equal(ts.transform(make(X)), expected, **F64)


def test_tfidf_transformer_does_not_modify_its_input():
    X = sk_text.CountVectorizer().fit_transform(ALL_FOOD_DOCS).astype(np.float64)
    before = X.copy()
    textsim.TfidfTransformer(sublinear_tf=True).fit(X).transform(X)
    assert (X != before).nnz == 0


def test_vectorizer_equals_count_then_transformer():
    # scikit-learn's test_vectorizer: TfidfVectorizer == CountVectorizer + TfidfTransformer
    train, test = ALL_FOOD_DOCS[:-1], ALL_FOOD_DOCS[-1:]
    counter = textsim.CountVectorizer(max_df=0.5)
    counts_train = counter.fit_transform(train)
    transformer = textsim.TfidfTransformer(norm="l1").fit(counts_train)
    vec = textsim.TfidfVectorizer(norm="l1", max_df=0.5)
    assert_allclose(
        vec.fit_transform(iter(train)).toarray(),
        transformer.transform(counts_train).toarray(),
        **F64,
    )
    assert_allclose(
        vec.transform(test).toarray(),
        transformer.transform(counter.transform(test)).toarray(),
        **F64,
    )
    assert len(transformer.idf_) == len(counter.vocabulary_)
    assert_allclose(np.abs(transformer.transform(counts_train)).sum(axis=1), 1.0, **F64)


def test_tf_idf_known_values():
    # idf = ln((n + 1) / (df + 1)) + 1 with n = 3 and df = (3, 2, 1)
    X = [[1, 1, 1], [1, 1, 0], [1, 0, 0]]
    ts = textsim.TfidfTransformer(norm=None).fit(X)
    assert_allclose(ts.idf_, np.log(4 / np.array([4, 3, 2])) + 1, **F64)
    ts = textsim.TfidfTransformer(norm=None, smooth_idf=False).fit(X)
    assert_allclose(ts.idf_, np.log(3 / np.array([3, 2, 1])) + 1, **F64)
    tf = textsim.TfidfTransformer(sublinear_tf=True, use_idf=False, norm=None)
    assert_allclose(tf.fit_transform([[1], [2], [3]]).toarray().ravel(),
                    1 + np.log([1, 2, 3]), **F64)


def test_tfidf_vectorizer_binary():
    # scikit-learn's non-regression test: binary is honoured by TfidfVectorizer
    v = textsim.TfidfVectorizer(binary=True, use_idf=False, norm=None)
    assert_array_equal(v.fit_transform(["hello world", "hello hello"]).toarray().ravel(),
                       [1, 1, 1, 0])
    assert_array_equal(v.transform(["hello world", "hello hello"]).toarray().ravel(),
                       [1, 1, 1, 0])


def test_count_binary_occurrences():
    test_data = ["aaabc", "abbde"]
    vect = textsim.CountVectorizer(analyzer="char", max_df=1.0)
    assert_array_equal(vect.fit_transform(test_data).toarray(), [[3, 1, 1, 0, 0], [1, 2, 0, 1, 1]])
    assert_array_equal(vect.get_feature_names_out(), ["a", "b", "c", "d", "e"])
    vect = textsim.CountVectorizer(analyzer="char", binary=True, dtype=np.float32)
    X = vect.fit_transform(test_data)
    assert X.dtype == np.float32
    assert_array_equal(X.toarray(), [[1, 1, 1, 0, 0], [1, 1, 0, 1, 1]])


def test_min_df_max_df_int_and_float_like_sklearn():
    # scikit-learn's test_vectorizer_max_df / min_df on character unigrams
    data = ["abc", "dea", "eat"]
    vect = textsim.CountVectorizer(analyzer="char", max_df=1.0).fit(data)
    assert len(vect.vocabulary_) == 6
    vect = textsim.CountVectorizer(analyzer="char", max_df=0.5).fit(data)  # 1.5 documents
    assert sorted(vect.vocabulary_) == ["b", "c", "d", "t"]
    vect = textsim.CountVectorizer(analyzer="char", max_df=1).fit(data)  # int: 1 document
    assert sorted(vect.vocabulary_) == ["b", "c", "d", "t"]
    vect = textsim.CountVectorizer(analyzer="char", min_df=2).fit(data)
    assert sorted(vect.vocabulary_) == ["a", "e"]
    vect = textsim.CountVectorizer(analyzer="char", min_df=0.8).fit(data)  # 2.4 documents
    assert sorted(vect.vocabulary_) == ["a"]


def test_fit_twice_refits():
    cv = textsim.CountVectorizer()
    X1 = cv.fit_transform(ALL_FOOD_DOCS[:5])
    X2 = cv.fit_transform(ALL_FOOD_DOCS[5:])
    assert X1.shape[1] != X2.shape[1]
    assert cv.vocabulary_ == sk_text.CountVectorizer().fit(ALL_FOOD_DOCS[5:]).vocabulary_


# ---------------------------------------------------------------------------
# analyzers, tokenizers, preprocessors on English text
# ---------------------------------------------------------------------------

ENGLISH_TEXTS = [
    "This \n\tis a test, really.\n\n I met Harry yesterday",
    "The pizza, the BEER and the coke: copyright 2004-2005!",
    "Oil prices retreated from four-month highs on Tuesday ($51.43).",
    "a b c",
    "",
]

ANALYZER_GRID = [
    {},
    {"ngram_range": (1, 2)},
    {"ngram_range": (3, 6)},
    {"lowercase": False},
    {"stop_words": "english", "ngram_range": (1, 3)},
    {"token_pattern": r"\b\w+\b"},
    {"token_pattern": r"(\w+)ing\b"},
    {"analyzer": "char", "ngram_range": (3, 6)},
    {"analyzer": "char", "ngram_range": (1, 1)},
    {"analyzer": "char_wb", "ngram_range": (3, 6)},
    {"analyzer": "char_wb", "ngram_range": (1, 3)},
]


@pytest.mark.parametrize("cls_name", ["CountVectorizer", "TfidfVectorizer", "HashingVectorizer"])
@pytest.mark.parametrize("params", ANALYZER_GRID, ids=grid_id)
def test_build_analyzer_equals_sklearn(cls_name, params):
    ts = getattr(textsim, cls_name)(**params).build_analyzer()
    sk = getattr(sk_text, cls_name)(**params).build_analyzer()
    for text in ENGLISH_TEXTS:
        assert list(ts(text)) == sk(text), text


@pytest.mark.parametrize("params", [{}, {"lowercase": False}, {"token_pattern": r"\S+"}],
                         ids=grid_id)
def test_build_tokenizer_and_preprocessor_equal_sklearn(params):
    ts = textsim.CountVectorizer(**params)
    sk = sk_text.CountVectorizer(**params)
    for text in ENGLISH_TEXTS:
        assert ts.build_preprocessor()(text) == sk.build_preprocessor()(text)
        assert list(ts.build_tokenizer()(text)) == sk.build_tokenizer()(text)


def test_custom_token_pattern_with_one_group():
    corpus = [
        "This is the 1st document in my corpus.",
        "This document is the 2nd sample.",
        "And this is the 3rd one.",
        "Is this the 4th document?",
    ]
    pattern = r"[0-9]{1,3}(?:st|nd|rd|th)\s\b(\w{2,})\b"
    vec = textsim.CountVectorizer(token_pattern=pattern)
    vec.fit_transform(corpus)
    assert_array_equal(vec.get_feature_names_out(), ["document", "one", "sample"])


@pytest.mark.parametrize("cls_name", ["CountVectorizer", "TfidfVectorizer"])
def test_callable_analyzer_tokenizer_preprocessor_equal_sklearn(cls_name):
    def split(s):
        return s.split()

    def upper(s):
        return s.upper()

    def bigrams(s):
        w = s.split()
        return [" ".join(p) for p in itertools.pairwise(w)]

    for params in (
        {"tokenizer": split, "token_pattern": None},
        {"preprocessor": upper, "lowercase": False},
        {"analyzer": bigrams},
        {"tokenizer": split, "token_pattern": None, "ngram_range": (1, 2), "stop_words": ["the"]},
    ):
        ts = getattr(textsim, cls_name)(**params)
        sk = getattr(sk_text, cls_name)(**params)
        assert_csr_equal(ts.fit_transform(ALL_FOOD_DOCS), sk.fit_transform(ALL_FOOD_DOCS), **F64)
        assert ts.vocabulary_ == sk.vocabulary_


@pytest.mark.parametrize("strip_accents", ["ascii", "unicode"])
def test_strip_accents_on_latin_equals_sklearn(strip_accents):
    docs = [
        "J'ai mangé du kangourou  ce midi, c'était pas très bon.",
        "àáâãäåçèéêë ìíîïñòóôõöùúûüý",
        "Crème brûlée, naïve façade, Ångström",
    ]
    ts = textsim.CountVectorizer(strip_accents=strip_accents)
    sk = sk_text.CountVectorizer(strip_accents=strip_accents)
    assert_csr_equal(ts.fit_transform(docs), sk.fit_transform(docs))
    assert ts.vocabulary_ == sk.vocabulary_


def test_cyrillic_equals_sklearn():
    document = (
        "Машинное обучение — обширный подраздел искусственного "
        "интеллекта, изучающий методы построения алгоритмов, "
        "способных обучаться."
    )
    ts = textsim.CountVectorizer()
    X = ts.fit_transform([document])
    assert X.shape == (1, 12)
    assert ts.vocabulary_ == sk_text.CountVectorizer().fit([document]).vocabulary_


# ---------------------------------------------------------------------------
# edges: float document-frequency thresholds, Python's whitespace, case mapping
# ---------------------------------------------------------------------------


def staircase(n: int) -> list[str]:
    """n documents in which term tK occurs in exactly K documents (K = 1..n)."""
    return [" ".join(f"t{k}" for k in range(1, n + 1) if i < k) for i in range(n)]


@pytest.mark.parametrize("n", [3, 7, 10, 30, 49, 100])
@pytest.mark.parametrize("kind", ["min_df", "max_df"])
def test_float_df_thresholds_round_like_sklearn(n, kind):
    # max_df * n and min_df * n are compared as floats (0.1 * 30 = 3.0000000000000004 drops
    # the terms in exactly 3 documents): the same vocabulary or the same error as scikit-learn
    docs = staircase(n)
    for fraction in (0.01, 0.07, 0.1, 0.2, 0.29, 0.3, 1 / 3, 0.35, 0.49, 0.5, 0.57, 0.58,
                     0.6, 0.7, 0.9, 0.99, 1.0):
        params = {kind: fraction}
        try:
            expected = sk_text.CountVectorizer(**params).fit(docs).vocabulary_
        except ValueError as exc:
            with pytest.raises(ValueError, match=re.escape(str(exc))):
                textsim.CountVectorizer(**params).fit(docs)
            continue
        assert textsim.CountVectorizer(**params).fit(docs).vocabulary_ == expected, params


PYTHON_WHITESPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]


@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 3), (2, 4)])
def test_char_ngrams_use_pythons_whitespace(analyzer, ngram_range):
    # scikit-learn collapses runs of \s (str.isspace: includes \x1c-\x1f, \x85, NBSP, ...)
    # and char_wb splits words on them. Without normalization every one of them is compared;
    # U+2000/U+2001 are NFC-normalized to U+2002/U+2003, so the default is compared on NFC text.
    docs = [f"ab{c}cd{c}{c}ef {c} g{c}" for c in PYTHON_WHITESPACE]
    docs += ["tab\t\tsp  nl\n\n", "x\x1cy z\x1d\x1ew", "  leading and trailing  "]
    params = {"analyzer": analyzer, "ngram_range": ngram_range}
    sk = sk_text.CountVectorizer(**params)
    ts = textsim.CountVectorizer(unicode_normalization=None, **params)
    assert_csr_equal(ts.fit_transform(docs), sk.fit_transform(docs))
    assert ts.vocabulary_ == sk.vocabulary_
    nfc_docs = [unicodedata.normalize("NFC", d) for d in docs]
    ts = textsim.CountVectorizer(**params)
    assert_csr_equal(ts.fit_transform(nfc_docs), sk.fit_transform(nfc_docs))
    analyzer_ts, analyzer_sk = ts.build_analyzer(), sk.build_analyzer()
    for doc in nfc_docs:
        assert list(analyzer_ts(doc)) == analyzer_sk(doc), repr(doc)


@pytest.mark.parametrize("analyzer", ["char", "char_wb", "word"])
def test_case_mapping_like_python(analyzer):
    # final sigma, dotted capital I (lowercases to i + U+0307), sharp s, ligatures, Cherokee
    docs = ["ΟΔΟΣ ΣΟΦΟΣ Σ. ΑΣ ΣΑ", "İstanbul İZMİR", "STRASSE Straße ß ẞ", "ǅemal ǄEMAL",
            "ꭰꭱ ᎠᎡ Ꭰ", "ΜΆΘΗΣΗ ΆΛΦΑ"]
    docs = [unicodedata.normalize("NFC", d) for d in docs]
    if analyzer == "word":
        # lower-cased 'İ' carries a combining dot: a word character in textsim only
        docs = [d for d in docs if "İ" not in d and "Ά" not in d]
    params = {"analyzer": analyzer, "ngram_range": (1, 2)}
    ts = textsim.CountVectorizer(**params)
    sk = sk_text.CountVectorizer(**params)
    assert_csr_equal(ts.fit_transform(docs), sk.fit_transform(docs))
    assert ts.vocabulary_ == sk.vocabulary_
