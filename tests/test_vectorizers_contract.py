"""The vectorizers keep scikit-learn's contract.

Estimator plumbing (get_params/set_params, clone, repr, Pipeline, GridSearchCV), scikit-learn's
errors and messages, fitted-ness, idf_ setters, threads, pickle, save/load, the input types
(Python iterables, numpy, pandas, Arrow, files) and the shape of the output matrix.
"""

from __future__ import annotations

import io
import pickle
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import scipy.sparse as sp
import textsim
from conftest import (
    ALL_FOOD_DOCS,
    JUNK_FOOD_DOCS,
    NOTJUNK_FOOD_DOCS,
    assert_csr_equal,
    assert_textsim_csr,
)
from numpy.testing import assert_allclose, assert_array_equal

sk_text = pytest.importorskip("sklearn.feature_extraction.text")
sk_base = pytest.importorskip("sklearn.base")

F64 = {"rtol": 0.0, "atol": 1e-12}

VECTORIZERS = ["CountVectorizer", "TfidfVectorizer", "HashingVectorizer"]
FITTED_VOCAB = ["CountVectorizer", "TfidfVectorizer"]
ALL_CLASSES = VECTORIZERS + ["TfidfTransformer"]

EXTRAS = {"unicode_normalization": "NFC", "bengali_folding": True, "fold_digits": False,
          "n_jobs": None, "clean_scraped": False, "stemmer": None, "missing": "error"}

FOOD_TARGET = [-1] * len(JUNK_FOOD_DOCS) + [1] * len(NOTJUNK_FOOD_DOCS)


def ts_cls(name):
    return getattr(textsim, name)


def sk_cls(name):
    return getattr(sk_text, name)


def docs_of(sample_docs):
    return [d["text"] for d in sample_docs]


def fitted(name, docs=ALL_FOOD_DOCS, **params):
    if name == "TfidfTransformer":
        counts = sk_text.CountVectorizer().fit_transform(docs)
        return textsim.TfidfTransformer(**params).fit(counts)
    return ts_cls(name)(**params).fit(docs)


# ---------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_CLASSES)
def test_params_are_sklearns_plus_extras(name):
    ts = ts_cls(name)().get_params()
    sk = sk_cls(name)().get_params()
    if name == "TfidfTransformer":
        assert set(sk) <= set(ts) <= set(sk) | {"n_jobs"}
    else:
        assert set(ts) == set(sk) | set(EXTRAS)
        for key, value in EXTRAS.items():
            assert ts[key] == value, key
    for key, value in sk.items():
        assert ts[key] == value, key
        assert type(ts[key]) is type(value), key


@pytest.mark.parametrize("name", ALL_CLASSES)
def test_constructor_is_keyword_only(name):
    with pytest.raises(TypeError):
        ts_cls(name)("content")


@pytest.mark.parametrize("name", FITTED_VOCAB)
def test_constructor_only_stores(name):
    vocab = ["b", "a", "a"]  # duplicate: an error, but only when fitting
    est = ts_cls(name)(ngram_range=(3, 1), min_df=-4, vocabulary=vocab, analyzer="bogus")
    params = est.get_params()
    assert params["ngram_range"] == (3, 1)
    assert params["min_df"] == -4
    assert params["vocabulary"] is vocab
    assert params["analyzer"] == "bogus"
    assert not hasattr(est, "vocabulary_")
    with pytest.raises(ValueError):
        est.fit(ALL_FOOD_DOCS)


@pytest.mark.parametrize("name", ALL_CLASSES)
def test_set_params(name):
    est = ts_cls(name)()
    key = "norm" if name in ("TfidfTransformer", "TfidfVectorizer", "HashingVectorizer") else "binary"
    value = "l1" if key == "norm" else True
    assert est.set_params(**{key: value}) is est
    assert est.get_params()[key] == value
    with pytest.raises(ValueError):
        est.set_params(no_such_parameter=1)


def test_set_params_changes_the_fit():
    est = textsim.CountVectorizer()
    est.set_params(stop_words="english", ngram_range=(1, 2))
    sk = sk_text.CountVectorizer(stop_words="english", ngram_range=(1, 2))
    assert_csr_equal(est.fit_transform(ALL_FOOD_DOCS), sk.fit_transform(ALL_FOOD_DOCS))
    est.set_params(unicode_normalization=None, n_jobs=1)
    assert est.get_params()["unicode_normalization"] is None
    assert est.get_params()["n_jobs"] == 1


def module_level_tokenizer(text):
    return text.split()


@pytest.mark.parametrize("name", VECTORIZERS)
def test_clone(name):
    params = {
        "ngram_range": (1, 2),
        "stop_words": ["the", "beer"],
        "tokenizer": module_level_tokenizer,
        "token_pattern": None,
        "dtype": np.float32,
        "fold_digits": True,
        "n_jobs": 1,
    }
    if name != "HashingVectorizer":
        params["vocabulary"] = {"pizza": 1, "burger": 0, "the pizza": 2}
    est = ts_cls(name)(**params)
    est.fit(ALL_FOOD_DOCS)
    copy = sk_base.clone(est)  # also checks that __init__ stored every parameter untouched
    assert type(copy) is type(est)
    assert copy.get_params() == est.get_params()
    if name != "HashingVectorizer":
        assert not hasattr(copy, "vocabulary_")
        copy.fit(ALL_FOOD_DOCS)
        assert copy.vocabulary_ == est.vocabulary_
    assert_csr_equal(copy.transform(ALL_FOOD_DOCS), est.transform(ALL_FOOD_DOCS))


def test_clone_transformer():
    est = fitted("TfidfTransformer", norm="l1", sublinear_tf=True)
    copy = sk_base.clone(est)
    assert copy.get_params() == est.get_params()
    assert not hasattr(copy, "idf_")


@pytest.mark.parametrize("name", ALL_CLASSES)
def test_repr(name):
    assert repr(ts_cls(name)()) == f"{name}()"
    r = repr(ts_cls(name)(norm="l1") if name != "CountVectorizer" else ts_cls(name)(min_df=2))
    assert r.startswith(f"{name}(")
    assert ("norm='l1'" in r) or ("min_df=2" in r)


@pytest.mark.parametrize("name", FITTED_VOCAB)
def test_fitted_attributes(name):
    est = ts_cls(name)()
    assert not hasattr(est, "vocabulary_")
    est.fit(ALL_FOOD_DOCS)
    assert est.fixed_vocabulary_ is False
    assert isinstance(est.vocabulary_, dict)
    assert all(isinstance(k, str) for k in est.vocabulary_)
    assert sorted(est.vocabulary_.values()) == list(range(len(est.vocabulary_)))
    fixed = ts_cls(name)(vocabulary=["pizza", "beer"]).fit(ALL_FOOD_DOCS)
    assert fixed.fixed_vocabulary_ is True
    assert not hasattr(textsim.HashingVectorizer().fit(ALL_FOOD_DOCS), "vocabulary_")


def test_vocabulary_set_is_sorted():
    vec = textsim.CountVectorizer(vocabulary={"water", "beer", "pizza"}).fit(ALL_FOOD_DOCS)
    assert vec.vocabulary_ == {"beer": 0, "pizza": 1, "water": 2}


def test_tfidf_transformer_feature_names_out():
    tr = textsim.TfidfTransformer().fit([[1, 1, 1], [1, 1, 0], [1, 0, 0]])
    assert_array_equal(tr.get_feature_names_out(["a", "c", "b"]), ["a", "c", "b"])


@pytest.mark.parametrize("name", FITTED_VOCAB)
def test_inverse_transform_accepts_dense_and_csc(name):
    vec = ts_cls(name)()
    X = vec.fit_transform(ALL_FOOD_DOCS)
    rows = vec.inverse_transform(X)
    assert isinstance(rows, list) and len(rows) == len(ALL_FOOD_DOCS)
    analyze = vec.build_analyzer()
    for doc, terms in zip(ALL_FOOD_DOCS, rows):
        assert isinstance(terms, np.ndarray)
        assert sorted(set(analyze(doc))) == sorted(terms.tolist())
    for other in (X.toarray(), X.tocsc()):
        assert [sorted(r) for r in vec.inverse_transform(other)] == [sorted(r) for r in rows]


def test_no_sklearn_import_at_run_time():
    code = textwrap.dedent(
        """
        import sys
        import textsim
        docs = ["the pizza beer", "the salad water"]
        textsim.TfidfVectorizer().fit_transform(docs)
        textsim.CountVectorizer().fit_transform(docs)
        textsim.HashingVectorizer().transform(docs)
        textsim.TfidfTransformer().fit_transform([[1, 0], [1, 1]])
        assert "sklearn" not in sys.modules, "textsim imported scikit-learn"
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------
# scikit-learn's meta-estimators
# ---------------------------------------------------------------------------


def test_pipeline_with_classifier_on_food():
    pipeline_mod = pytest.importorskip("sklearn.pipeline")
    linear = pytest.importorskip("sklearn.linear_model")
    pipe = pipeline_mod.Pipeline(
        [("vect", textsim.TfidfVectorizer()), ("clf", linear.LogisticRegression())]
    )
    pipe.fit(ALL_FOOD_DOCS, FOOD_TARGET)
    assert_array_equal(pipe.predict(ALL_FOOD_DOCS), FOOD_TARGET)
    reference = pipeline_mod.Pipeline(
        [("vect", sk_text.TfidfVectorizer()), ("clf", linear.LogisticRegression())]
    ).fit(ALL_FOOD_DOCS, FOOD_TARGET)
    assert_allclose(
        pipe.predict_proba(NOTJUNK_FOOD_DOCS), reference.predict_proba(NOTJUNK_FOOD_DOCS),
        rtol=0, atol=1e-8,
    )


def test_pipeline_count_then_tfidf_transformer():
    pipeline_mod = pytest.importorskip("sklearn.pipeline")
    pipe = pipeline_mod.Pipeline(
        [("count", textsim.CountVectorizer(vocabulary=["pizza", "beer"])),
         ("tfidf", textsim.TfidfTransformer())]
    )
    X = pipe.fit_transform(ALL_FOOD_DOCS)
    assert set(pipe.named_steps["count"].vocabulary_) == {"pizza", "beer"}
    assert X.shape == (len(ALL_FOOD_DOCS), 2)
    expected = pipeline_mod.Pipeline(
        [("count", sk_text.CountVectorizer(vocabulary=["pizza", "beer"])),
         ("tfidf", sk_text.TfidfTransformer())]
    ).fit_transform(ALL_FOOD_DOCS)
    assert_csr_equal(X, expected, **F64)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search_like_sklearn(n_jobs):
    pipeline_mod = pytest.importorskip("sklearn.pipeline")
    linear = pytest.importorskip("sklearn.linear_model")
    model_selection = pytest.importorskip("sklearn.model_selection")
    grid = {"vect__ngram_range": [(1, 1), (1, 2)], "vect__min_df": [1, 2],
            "vect__norm": ["l1", "l2"]}
    results = []
    for module in (textsim, sk_text):
        pipe = pipeline_mod.Pipeline(
            [("vect", module.TfidfVectorizer()), ("clf", linear.LogisticRegression(C=10.0))]
        )
        search = model_selection.GridSearchCV(pipe, grid, cv=3, n_jobs=n_jobs)
        search.fit(list(ALL_FOOD_DOCS), FOOD_TARGET)
        results.append(search)
    ts, sk = results
    assert ts.best_params_ == sk.best_params_
    assert_allclose(ts.cv_results_["mean_test_score"], sk.cv_results_["mean_test_score"])
    assert isinstance(ts.best_estimator_.named_steps["vect"], textsim.TfidfVectorizer)
    assert not ts.best_estimator_.named_steps["vect"].fixed_vocabulary_


def test_cross_val_score():
    # scikit-learn's test_vectorizer_pipeline_cross_validation
    pipeline_mod = pytest.importorskip("sklearn.pipeline")
    svm = pytest.importorskip("sklearn.svm")
    model_selection = pytest.importorskip("sklearn.model_selection")
    pipe = pipeline_mod.Pipeline([("vect", textsim.TfidfVectorizer()), ("svc", svm.LinearSVC())])
    scores = model_selection.cross_val_score(pipe, list(ALL_FOOD_DOCS), FOOD_TARGET, cv=3)
    assert_array_equal(scores, [1.0, 1.0, 1.0])


@pytest.mark.corpus
def test_pipeline_on_bbc_labels(bbc_records):
    pipeline_mod = pytest.importorskip("sklearn.pipeline")
    linear = pytest.importorskip("sklearn.linear_model")
    # the corpus is ordered by category: interleave training and test articles
    train, test = bbc_records[0::3], bbc_records[1::6]
    preds = []
    for module in (textsim, sk_text):
        pipe = pipeline_mod.Pipeline(
            [("vect", module.TfidfVectorizer(min_df=2, sublinear_tf=True)),
             ("clf", linear.LogisticRegression(C=10.0, max_iter=1000))]
        )
        pipe.fit([r["text"] for r in train], [r["label"] for r in train])
        preds.append(pipe.predict([r["text"] for r in test]))
    accuracy = np.mean(preds[0] == np.asarray([r["label"] for r in test]))
    assert accuracy > 0.9
    assert np.mean(preds[0] == preds[1]) >= 0.995


# ---------------------------------------------------------------------------
# errors and messages (scikit-learn's)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", FITTED_VOCAB)
def test_empty_vocabulary_error(name):
    msg = "empty vocabulary; perhaps the documents only contain stop words"
    with pytest.raises(ValueError, match=re.escape(msg)):
        ts_cls(name)(stop_words="english").fit(["to be or not to be", "and me too", "and so"])
    with pytest.raises(ValueError, match=re.escape(msg)):
        ts_cls(name)().fit(["", "a b c", "!!!"])


@pytest.mark.parametrize("name", FITTED_VOCAB)
def test_no_terms_after_pruning_error(name):
    msg = "After pruning, no terms remain. Try a lower min_df or a higher max_df."
    with pytest.raises(ValueError, match=re.escape(msg)):
        ts_cls(name)(min_df=2).fit(["aa bb", "cc dd", "ee ff"])
    with pytest.raises(ValueError, match=re.escape(msg)):
        ts_cls(name)(max_df=0.5).fit(["aa bb", "aa bb", "bb aa", "aa bb"])


@pytest.mark.parametrize("name", FITTED_VOCAB)
@pytest.mark.parametrize("min_df, max_df", [(3, 2), (0.6, 0.5), (3, 0.5)])
def test_max_df_below_min_df_error(name, min_df, max_df):
    with pytest.raises(ValueError, match=re.escape("max_df corresponds to < documents than min_df")):
        ts_cls(name)(min_df=min_df, max_df=max_df).fit(ALL_FOOD_DOCS[:4])


@pytest.mark.parametrize("name", VECTORIZERS)
def test_bad_ngram_range_error(name):
    msg = re.escape(
        "Invalid value for ngram_range=(2, 1) lower boundary larger than the upper boundary."
    )
    with pytest.raises(ValueError, match=msg):
        ts_cls(name)(ngram_range=(2, 1)).fit(["good news everyone"])
    with pytest.raises(ValueError, match=msg):
        ts_cls(name)(ngram_range=(2, 1)).fit_transform(["good news everyone"])
    if name == "HashingVectorizer":
        with pytest.raises(ValueError, match=msg):
            ts_cls(name)(ngram_range=(2, 1)).transform(["good news everyone"])


def assert_not_fitted(excinfo):
    # like scikit-learn's NotFittedError: both a ValueError and an AttributeError
    assert isinstance(excinfo.value, ValueError)
    assert isinstance(excinfo.value, AttributeError)


@pytest.mark.parametrize("name", FITTED_VOCAB)
@pytest.mark.parametrize("method", ["transform", "get_feature_names_out", "inverse_transform"])
def test_not_fitted_errors(name, method):
    est = ts_cls(name)()
    arg = {"transform": (ALL_FOOD_DOCS,), "get_feature_names_out": (),
           "inverse_transform": (sp.csr_matrix(np.ones((2, 3))),)}[method]
    if name == "TfidfVectorizer" and method == "transform":
        msg = "The TF-IDF vectorizer is not fitted"
    else:
        msg = "Vocabulary not fitted or provided"
    with pytest.raises((ValueError, AttributeError), match=re.escape(msg)) as excinfo:
        getattr(est, method)(*arg)
    assert_not_fitted(excinfo)


def test_not_fitted_transformer_and_idf():
    with pytest.raises((ValueError, AttributeError), match="not fitted") as excinfo:
        textsim.TfidfTransformer().transform(sp.csr_matrix(np.ones((2, 3))))
    assert_not_fitted(excinfo)
    with pytest.raises((ValueError, AttributeError), match="not fitted") as excinfo:
        textsim.TfidfVectorizer().idf_  # noqa: B018
    assert_not_fitted(excinfo)
    assert not hasattr(textsim.TfidfVectorizer(), "idf_")
    assert not hasattr(textsim.TfidfTransformer(), "idf_")
    # as in scikit-learn, idf_ is only defined with use_idf=True
    assert not hasattr(textsim.TfidfVectorizer(use_idf=False).fit(ALL_FOOD_DOCS), "idf_")


def test_not_fitted_error_class():
    with pytest.raises(Exception) as excinfo:
        textsim.CountVectorizer().transform(["x"])
    exc_type = type(excinfo.value)
    assert issubclass(exc_type, ValueError) and issubclass(exc_type, AttributeError)
    assert issubclass(exc_type, textsim.TextsimError)


@pytest.mark.parametrize("name", FITTED_VOCAB)
@pytest.mark.parametrize(
    "vocabulary, msg",
    [
        ({"pizza": 0, "beer": 0}, "Vocabulary contains repeated indices."),
        ({"pizza": 1, "beer": 2}, "Vocabulary of size 2 doesn't contain index 0."),
        ({"pizza": 0, "beer": 2}, "Vocabulary of size 2 doesn't contain index 1."),
        (["a", "b", "c", "a"], "Duplicate term in vocabulary: 'a'"),
        ([], "empty vocabulary passed to fit"),
        ({}, "empty vocabulary passed to fit"),
    ],
)
def test_bad_vocabulary_errors(name, vocabulary, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        ts_cls(name)(vocabulary=vocabulary).fit(["pasta siziliana"])
    # scikit-learn's message is the same
    with pytest.raises(ValueError, match=re.escape(msg)):
        sk_cls(name)(vocabulary=vocabulary).fit(["pasta siziliana"])


@pytest.mark.parametrize("name", VECTORIZERS)
def test_string_instead_of_documents_error(name):
    msg = re.escape("Iterable over raw text documents expected, string object received.")
    vec = ts_cls(name)()
    with pytest.raises(ValueError, match=msg):
        vec.fit_transform("hello world!")
    with pytest.raises(ValueError, match=msg):
        vec.fit("hello world!")
    vec.fit(["some text", "some other text"])
    with pytest.raises(ValueError, match=msg):
        vec.transform("hello world!")


@pytest.mark.parametrize("name", VECTORIZERS)
def test_nan_document_error(name):
    msg = re.escape("np.nan is an invalid document, expected byte or unicode string.")
    with pytest.raises(ValueError, match=msg):
        ts_cls(name)().fit_transform(["hello world", np.nan, "hello hello"])


@pytest.mark.parametrize("name", VECTORIZERS)
def test_none_document_error_names_its_index(name):
    with pytest.raises((TypeError, ValueError), match=r"\b2\b"):
        ts_cls(name)().fit_transform(["hello world", "hello", None, "hello hello"])


@pytest.mark.parametrize("name", VECTORIZERS)
def test_two_capturing_groups_error(name):
    pattern = r"([0-9]{1,3}(?:st|nd|rd|th))\s\b(\w{2,})\b"
    with pytest.raises(ValueError, match="More than 1 capturing group in token pattern"):
        ts_cls(name)(token_pattern=pattern).fit_transform(["This is the 1st document."])


@pytest.mark.parametrize(
    "name, params",
    [
        ("CountVectorizer", {"analyzer": "bogus"}),
        ("CountVectorizer", {"min_df": -1}),
        ("CountVectorizer", {"max_df": 1.5}),
        ("CountVectorizer", {"max_features": 0}),
        ("CountVectorizer", {"max_features": -3}),
        ("CountVectorizer", {"input": "bogus"}),
        ("CountVectorizer", {"strip_accents": "bogus"}),
        ("CountVectorizer", {"decode_error": "bogus"}),
        ("CountVectorizer", {"stop_words": "klingon"}),
        ("CountVectorizer", {"unicode_normalization": "NFD"}),
        ("CountVectorizer", {"n_jobs": 0}),
        ("TfidfVectorizer", {"norm": "l3"}),
        ("TfidfVectorizer", {"min_df": 1.5}),
        ("HashingVectorizer", {"n_features": 0}),
        ("HashingVectorizer", {"norm": "max"}),
        ("HashingVectorizer", {"analyzer": "sentence"}),
    ],
    ids=lambda p: p if isinstance(p, str) else ",".join(f"{k}={v}" for k, v in p.items()),
)
def test_invalid_parameter_values_raise_at_fit(name, params):
    est = ts_cls(name)(**params)  # storing never fails
    with pytest.raises(ValueError):
        est.fit_transform(ALL_FOOD_DOCS)


def test_invalid_transformer_norm():
    with pytest.raises(ValueError):
        textsim.TfidfTransformer(norm="l3").fit_transform([[1, 0], [1, 1]])


# ---------------------------------------------------------------------------
# idf_ setters
# ---------------------------------------------------------------------------


def test_transformer_idf_setter():
    X = sk_text.CountVectorizer().fit_transform(JUNK_FOOD_DOCS)
    orig = textsim.TfidfTransformer().fit(X)
    copy = textsim.TfidfTransformer()
    copy.idf_ = orig.idf_
    assert_csr_equal(copy.transform(X), orig.transform(X))
    # a hand-made idf
    copy.idf_ = np.arange(1.0, X.shape[1] + 1)
    expected = sk_text.TfidfTransformer()
    expected.idf_ = np.arange(1.0, X.shape[1] + 1)
    assert_csr_equal(copy.transform(X), expected.transform(X), **F64)


def test_vectorizer_idf_setter():
    orig = textsim.TfidfVectorizer().fit(JUNK_FOOD_DOCS)
    copy = textsim.TfidfVectorizer(vocabulary=orig.vocabulary_)
    copy.idf_ = orig.idf_
    assert_csr_equal(copy.transform(JUNK_FOOD_DOCS), orig.transform(JUNK_FOOD_DOCS))
    assert_allclose(copy.idf_, orig.idf_, **F64)
    # setting idf_ on a fitted vectorizer changes its transform like scikit-learn's
    sk = sk_text.TfidfVectorizer().fit(JUNK_FOOD_DOCS)
    new_idf = np.linspace(1.0, 3.0, len(orig.vocabulary_))
    orig.idf_ = new_idf
    sk.idf_ = new_idf
    assert_csr_equal(orig.transform(NOTJUNK_FOOD_DOCS + JUNK_FOOD_DOCS),
                     sk.transform(NOTJUNK_FOOD_DOCS + JUNK_FOOD_DOCS), **F64)


def test_vectorizer_idf_setter_errors():
    orig = textsim.TfidfVectorizer().fit(JUNK_FOOD_DOCS)
    copy = textsim.TfidfVectorizer(vocabulary=orig.vocabulary_, use_idf=False)
    with pytest.raises(ValueError, match=re.escape("`idf_` cannot be set when `user_idf=False`.")):
        copy.idf_ = orig.idf_
    copy = textsim.TfidfVectorizer(vocabulary=orig.vocabulary_)
    with pytest.raises(ValueError, match="must be equal to vocabulary size"):
        copy.idf_ = [1.0] * (len(orig.idf_) + 1)


# ---------------------------------------------------------------------------
# threads
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def many_docs(sample_docs):
    # ~600 documents built from the sample sentences, enough for several chunks per thread
    sentences = []
    for d in sample_docs:
        sentences += [s for s in re.split(r"(?<=[.।])\s+", d["text"]) if s]
    rng = np.random.default_rng(0)
    return [
        " ".join(rng.choice(sentences, size=int(rng.integers(1, 6))).tolist())
        for _ in range(600)
    ] + [""] * 3


THREAD_CASES = [
    ("CountVectorizer", {}),
    ("CountVectorizer", {"ngram_range": (1, 3), "min_df": 2, "max_df": 0.9}),
    ("CountVectorizer", {"max_features": 50}),
    ("CountVectorizer", {"analyzer": "char_wb", "ngram_range": (2, 4), "max_features": 300}),
    ("TfidfVectorizer", {"sublinear_tf": True}),
    ("TfidfVectorizer", {"ngram_range": (1, 2), "max_features": 100, "norm": "l1"}),
    ("TfidfVectorizer", {"analyzer": "char", "ngram_range": (1, 3), "dtype": np.float32}),
    ("HashingVectorizer", {"n_features": 2**10}),
    ("HashingVectorizer", {"ngram_range": (1, 2), "norm": None}),
]


def _case_id(case):
    return case if isinstance(case, str) else (
        ",".join(f"{k}={v}" for k, v in case.items()).replace(" ", "") or "defaults")


def exactly_equal(a, b):
    assert_csr_equal(a, b)  # rtol = atol = 0: bit for bit


@pytest.mark.parametrize("name, params", THREAD_CASES, ids=_case_id)
def test_results_do_not_depend_on_n_jobs(many_docs, name, params):
    results = []
    for n_jobs in (1, 2, 3, -1, None):
        est = ts_cls(name)(n_jobs=n_jobs, **params)
        X = est.fit_transform(many_docs)
        results.append((X, getattr(est, "vocabulary_", None), est.transform(many_docs[:50])))
    X1, vocab1, T1 = results[0]
    for X, vocab, T in results[1:]:
        exactly_equal(X, X1)
        exactly_equal(T, T1)
        assert vocab == vocab1


@pytest.mark.parametrize("name, params", THREAD_CASES[::2], ids=_case_id)
def test_results_do_not_depend_on_textsim_num_threads(many_docs, monkeypatch, name, params):
    results = []
    for threads in ("1", "2", "4"):
        monkeypatch.setenv("TEXTSIM_NUM_THREADS", threads)
        results.append(ts_cls(name)(**params).fit_transform(many_docs))
    for X in results[1:]:
        exactly_equal(X, results[0])


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["CountVectorizer", "TfidfVectorizer", "HashingVectorizer"])
def test_n_jobs_on_bbc(bbc_records, name):
    docs = [r["text"] for r in bbc_records]
    params = {"ngram_range": (1, 2)} if name != "HashingVectorizer" else {"n_features": 2**12}
    X1 = ts_cls(name)(n_jobs=1, **params).fit_transform(docs)
    X2 = ts_cls(name)(n_jobs=2, **params).fit_transform(docs)
    exactly_equal(X2, X1)


# ---------------------------------------------------------------------------
# pickle, save/load
# ---------------------------------------------------------------------------

PERSIST_CASES = [
    ("CountVectorizer", {}),
    ("CountVectorizer", {"ngram_range": (1, 2), "stop_words": ["the", "and"], "min_df": 2,
                         "fold_digits": True, "binary": True, "dtype": np.int32}),
    ("CountVectorizer", {"vocabulary": {"pizza": 1, "beer": 0, "the pizza": 2},
                         "ngram_range": (1, 2)}),
    ("CountVectorizer", {"analyzer": "char_wb", "ngram_range": (2, 3), "max_features": 20}),
    ("TfidfVectorizer", {}),
    ("TfidfVectorizer", {"sublinear_tf": True, "norm": "l1", "smooth_idf": False,
                         "dtype": np.float32, "stop_words": "english", "max_df": 0.8}),
    ("TfidfVectorizer", {"use_idf": False, "unicode_normalization": None,
                         "bengali_folding": False, "lowercase": False}),
    ("HashingVectorizer", {}),
    ("HashingVectorizer", {"n_features": 2**10, "alternate_sign": False, "norm": None,
                           "analyzer": "char", "ngram_range": (1, 2)}),
]


def _persist_id(case):
    return _case_id(case)


@pytest.mark.parametrize("name, params", PERSIST_CASES, ids=_persist_id)
@pytest.mark.parametrize("fit", [True, False], ids=["fitted", "unfitted"])
def test_pickle_round_trip(sample_docs, name, params, fit):
    docs = list(ALL_FOOD_DOCS) + docs_of(sample_docs)
    est = ts_cls(name)(**params)
    if fit:
        est.fit(docs)
    copy = pickle.loads(pickle.dumps(est))
    assert type(copy) is type(est)
    assert copy.get_params() == est.get_params()
    if fit:
        assert getattr(copy, "vocabulary_", None) == getattr(est, "vocabulary_", None)
        exactly_equal(copy.transform(docs), est.transform(docs))
    exactly_equal(copy.fit_transform(docs), ts_cls(name)(**params).fit_transform(docs))


def test_pickle_transformer():
    X = sk_text.CountVectorizer().fit_transform(JUNK_FOOD_DOCS)
    orig = textsim.TfidfTransformer(sublinear_tf=True).fit(X)
    copy = pickle.loads(pickle.dumps(orig))
    assert copy.get_params() == orig.get_params()
    exactly_equal(copy.transform(X), orig.transform(X))


def test_pickle_with_callables():
    for est in (
        textsim.CountVectorizer(tokenizer=module_level_tokenizer, token_pattern=None),
        textsim.CountVectorizer(analyzer=module_level_tokenizer),
        textsim.TfidfVectorizer(preprocessor=str.upper, lowercase=False).fit(JUNK_FOOD_DOCS),
    ):
        copy = pickle.loads(pickle.dumps(est))
        assert copy.get_params() == est.get_params()
        exactly_equal(copy.fit_transform(JUNK_FOOD_DOCS), est.fit_transform(JUNK_FOOD_DOCS))


@pytest.mark.parametrize("name, params", PERSIST_CASES, ids=_persist_id)
@pytest.mark.parametrize("path_type", [str, "pathlib"])
def test_save_load_round_trip(tmp_path, sample_docs, name, params, path_type):
    docs = list(ALL_FOOD_DOCS) + docs_of(sample_docs)
    est = ts_cls(name)(**params).fit(docs)
    path = tmp_path / f"{name}.textsim"
    path = str(path) if path_type is str else path
    est.save(path)
    loaded = textsim.load(path)
    assert type(loaded) is type(est)
    assert loaded.get_params() == est.get_params()
    for key, value in est.get_params().items():
        assert type(loaded.get_params()[key]) is type(value), key
    if name != "HashingVectorizer":
        assert loaded.vocabulary_ == est.vocabulary_
        assert loaded.fixed_vocabulary_ == est.fixed_vocabulary_
        assert_array_equal(loaded.get_feature_names_out(), est.get_feature_names_out())
    if name == "TfidfVectorizer" and params.get("use_idf", True):
        assert loaded.idf_.dtype == est.idf_.dtype
        assert_array_equal(loaded.idf_, est.idf_)
    new_docs = docs[::-1] + ["unseen words", ""]
    exactly_equal(loaded.transform(new_docs), est.transform(new_docs))
    exactly_equal(loaded.transform(docs), est.transform(docs))


def test_save_load_after_idf_setter(tmp_path):
    est = textsim.TfidfVectorizer().fit(ALL_FOOD_DOCS)
    est.idf_ = np.linspace(1.0, 2.0, len(est.vocabulary_))
    est.save(tmp_path / "v")
    loaded = textsim.load(tmp_path / "v")
    assert_array_equal(loaded.idf_, est.idf_)
    exactly_equal(loaded.transform(ALL_FOOD_DOCS), est.transform(ALL_FOOD_DOCS))


_UNPICKLE_WATCH = {"active": False, "events": []}


def _audit(event, args):
    if _UNPICKLE_WATCH["active"] and event == "pickle.find_class":
        _UNPICKLE_WATCH["events"].append(args)


sys.addaudithook(_audit)


class _Boom:
    def __reduce__(self):
        return (_explode, ())


EXPLODED = []


def _explode():
    EXPLODED.append(True)
    return "exploded"


def test_load_never_unpickles(tmp_path, monkeypatch):
    est = textsim.TfidfVectorizer(ngram_range=(1, 2)).fit(ALL_FOOD_DOCS)
    path = tmp_path / "tfidf.textsim"
    est.save(path)

    def refuse(*args, **kwargs):
        raise AssertionError("textsim.load used pickle")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    _UNPICKLE_WATCH["active"] = True
    try:
        loaded = textsim.load(path)
    finally:
        _UNPICKLE_WATCH["active"] = False
    assert _UNPICKLE_WATCH["events"] == []
    exactly_equal(loaded.transform(ALL_FOOD_DOCS), est.transform(ALL_FOOD_DOCS))


def test_load_rejects_a_pickle(tmp_path):
    path = tmp_path / "evil.textsim"
    path.write_bytes(pickle.dumps(_Boom()))
    EXPLODED.clear()
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do, as long as nothing runs
        textsim.load(path)
    assert EXPLODED == []


def test_load_rejects_garbage(tmp_path):
    path = tmp_path / "garbage.textsim"
    path.write_bytes(b"not a textsim file at all")
    with pytest.raises((ValueError, OSError)):
        textsim.load(path)


# ---------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------


def _reference(name, docs, **params):
    """fit_transform and fit-then-transform of a plain list (compared like with like)."""
    fit_transformed = ts_cls(name)(**params).fit_transform(list(docs))
    transformed = ts_cls(name)(**params).fit(list(docs)).transform(list(docs))
    return fit_transformed, transformed


def check_input(name, make, expected):
    fit_transformed, transformed = expected
    exactly_equal(ts_cls(name)().fit_transform(make()), fit_transformed)
    exactly_equal(ts_cls(name)().fit(make()).transform(make()), transformed)


@pytest.mark.parametrize("name", VECTORIZERS)
@pytest.mark.parametrize(
    "make",
    [
        tuple,
        lambda d: (x for x in d),
        iter,
        lambda d: np.array(d, dtype=object),
        lambda d: np.array(d),  # fixed-width numpy unicode
        lambda d: [x.encode("utf-8") for x in d],
        lambda d: dict.fromkeys(d).keys(),
    ],
    ids=["tuple", "generator", "iterator", "numpy_object", "numpy_str", "bytes", "dict_keys"],
)
def test_python_and_numpy_inputs(sample_docs, name, make):
    docs = docs_of(sample_docs) + list(ALL_FOOD_DOCS)
    check_input(name, lambda: make(docs), _reference(name, docs))


def test_generator_is_consumed_once():
    consumed = []

    def gen():
        for d in ALL_FOOD_DOCS:
            consumed.append(d)
            yield d

    for name in ("CountVectorizer", "TfidfVectorizer"):
        consumed.clear()
        vec = ts_cls(name)()
        X = vec.fit_transform(gen())
        assert consumed == list(ALL_FOOD_DOCS)
        exactly_equal(X, ts_cls(name)().fit_transform(list(ALL_FOOD_DOCS)))
        consumed.clear()
        vec = ts_cls(name)().fit(gen())
        assert consumed == list(ALL_FOOD_DOCS)
        assert vec.vocabulary_ == ts_cls(name)().fit(list(ALL_FOOD_DOCS)).vocabulary_


@pytest.mark.parametrize("name", VECTORIZERS)
def test_pandas_series(sample_docs, name):
    pd = pytest.importorskip("pandas")
    docs = docs_of(sample_docs) + list(ALL_FOOD_DOCS)
    expected = _reference(name, docs)
    series = [
        pd.Series(docs),
        pd.Series(docs, dtype=object),
        pd.Series(docs, index=range(100, 100 + len(docs))),
        pd.Series(docs, dtype="string"),
        pd.DataFrame({"text": docs})["text"],
    ]
    for s in series:
        check_input(name, lambda: s, expected)  # noqa: B023


@pytest.mark.parametrize("name", VECTORIZERS)
def test_pandas_series_arrow_backed(sample_docs, name):
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    docs = docs_of(sample_docs) + list(ALL_FOOD_DOCS)
    expected = _reference(name, docs)
    for s in (
        pd.Series(docs, dtype=pd.ArrowDtype(pa.string())),
        pd.Series(docs, dtype=pd.ArrowDtype(pa.large_string())),
        pd.Series(docs, dtype="string[pyarrow]"),
    ):
        check_input(name, lambda: s, expected)  # noqa: B023


@pytest.mark.parametrize("name", VECTORIZERS)
@pytest.mark.parametrize("arrow_type", ["string", "large_string"])
def test_pyarrow_arrays(sample_docs, name, arrow_type):
    pa = pytest.importorskip("pyarrow")
    docs = docs_of(sample_docs) + list(ALL_FOOD_DOCS)
    expected = _reference(name, docs)
    typ = getattr(pa, arrow_type)()
    array = pa.array(docs, type=typ)
    chunked = pa.chunked_array([docs[:4], docs[4:9], [], docs[9:]], type=typ)
    sliced = pa.array(["skip me"] + docs + ["and me"], type=typ).slice(1, len(docs))
    for arr in (array, chunked, sliced):
        check_input(name, lambda: arr, expected)  # noqa: B023
    # fitted on Arrow, transform a list, and the other way round
    exactly_equal(ts_cls(name)().fit(array).transform(docs), expected[1])
    exactly_equal(ts_cls(name)().fit(docs).transform(chunked), expected[1])


@pytest.mark.parametrize("name", VECTORIZERS)
def test_arrow_null_is_rejected_naming_its_index(name):
    pa = pytest.importorskip("pyarrow")
    docs = ["aa bb", "cc dd", "ee", "ff gg", "hh", None, "ii jj"]
    with pytest.raises((ValueError, TypeError), match=r"\b5\b"):
        ts_cls(name)().fit_transform(pa.array(docs))
    # in a chunked array the index counts from the start of the whole array
    chunked = pa.chunked_array([["aa bb", "cc dd", "ee"], ["ff", "gg", "hh", "ii", None]])
    with pytest.raises((ValueError, TypeError), match=r"\b7\b"):
        ts_cls(name)().fit_transform(chunked)
    if name != "HashingVectorizer":
        vec = ts_cls(name)().fit(["aa bb cc"])
        with pytest.raises((ValueError, TypeError), match=r"\b5\b"):
            vec.transform(pa.array(docs))


def test_pandas_null_is_rejected():
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    s = pd.Series(["aa bb", "cc dd", "ee", None], dtype=pd.ArrowDtype(pa.string()))
    with pytest.raises((ValueError, TypeError), match=r"\b3\b"):
        textsim.TfidfVectorizer().fit_transform(s)


@pytest.mark.parametrize("name", VECTORIZERS)
@pytest.mark.parametrize("analyzer", ["word", "char_wb"])
def test_input_filename_and_file(tmp_path, sample_docs, name, analyzer):
    docs = docs_of(sample_docs)[3:] + list(JUNK_FOOD_DOCS)  # English: sklearn is the oracle
    paths = []
    for i, doc in enumerate(docs):
        path = tmp_path / f"doc{i}.txt"
        path.write_text(doc, encoding="utf-8")
        paths.append(path)
    params = {"analyzer": analyzer, "ngram_range": (1, 2) if analyzer == "word" else (2, 3)}
    expected = sk_cls(name)(**params).fit_transform(docs)

    got = ts_cls(name)(input="filename", **params).fit_transform([str(p) for p in paths])
    assert_csr_equal(got, expected, **F64)
    got = ts_cls(name)(input="filename", **params).fit_transform(paths)
    assert_csr_equal(got, expected, **F64)
    handles = [open(p, "rb") for p in paths]  # noqa: SIM115
    try:
        got = ts_cls(name)(input="file", **params).fit_transform(handles)
    finally:
        for h in handles:
            h.close()
    assert_csr_equal(got, expected, **F64)
    got = ts_cls(name)(input="file", **params).fit_transform([io.StringIO(d) for d in docs])
    assert_csr_equal(got, expected, **F64)


def test_input_filename_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        textsim.CountVectorizer(input="filename").fit([str(tmp_path / "missing.txt")])


@pytest.mark.parametrize("name", VECTORIZERS)
def test_invalid_utf8_raises_unicode_decode_error(name):
    # scikit-learn decodes with bytes.decode: undecodable bytes raise UnicodeDecodeError
    bad = [b"fine text", b"caf\xe9 au lait"]
    with pytest.raises(UnicodeDecodeError):
        sk_cls(name)().fit_transform(bad)
    with pytest.raises(UnicodeDecodeError):
        ts_cls(name)().fit_transform(bad)
    for decode_error in ("ignore", "replace"):
        assert_csr_equal(ts_cls(name)(decode_error=decode_error).fit_transform(bad),
                         sk_cls(name)(decode_error=decode_error).fit_transform(bad), **F64)


def test_encoding_and_decode_error():
    text = "J'ai mangé du kangourou ce midi, c'était pas très bon."
    latin1 = [text.encode("latin-1")]
    ts = textsim.CountVectorizer(encoding="latin-1").fit(latin1)
    sk = sk_text.CountVectorizer(encoding="latin-1").fit(latin1)
    assert ts.vocabulary_ == sk.vocabulary_
    with pytest.raises(UnicodeDecodeError):
        textsim.CountVectorizer(encoding="ascii").fit([text.encode("utf-8")])
    ts = textsim.CountVectorizer(encoding="ascii", decode_error="ignore").fit(
        [text.encode("utf-8")])
    sk = sk_text.CountVectorizer(encoding="ascii", decode_error="ignore").fit(
        [text.encode("utf-8")])
    assert ts.vocabulary_ == sk.vocabulary_


# ---------------------------------------------------------------------------
# the output matrix
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_CLASSES)
def test_output_is_csr_with_sorted_int32_indices(sample_docs, name):
    docs = docs_of(sample_docs) + list(ALL_FOOD_DOCS) + ["", "zz yy xx ww vv"]
    if name == "TfidfTransformer":
        counter = sk_text.CountVectorizer().fit(docs)
        est = textsim.TfidfTransformer().fit(counter.transform(docs))
        outputs = (est.transform(counter.transform(docs)),
                   est.transform(counter.transform(docs[::-1])),
                   textsim.TfidfTransformer().fit_transform(counter.transform(docs)))
    else:
        est = ts_cls(name)().fit(docs)
        outputs = (est.transform(docs), est.transform(docs[::-1]))
    for X in outputs:
        assert_textsim_csr(X)
        assert X.shape[0] == len(docs)
        assert np.all(X.data != 0) or name == "HashingVectorizer"
    if name != "TfidfTransformer":
        assert_textsim_csr(ts_cls(name)().fit_transform(docs))


@pytest.mark.parametrize("name", FITTED_VOCAB)
def test_output_shape_and_empty_rows(name):
    vec = ts_cls(name)().fit(ALL_FOOD_DOCS)
    X = vec.transform(["", "nothing known here", "pizza"])
    assert X.shape == (3, len(vec.vocabulary_))
    assert X[0].nnz == 0 and X[1].nnz == 0 and X[2].nnz == 1
    assert_array_equal(np.diff(X.indptr), [0, 0, 1])
    if name == "CountVectorizer":  # scikit-learn's TfidfTransformer refuses 0 documents
        X = vec.transform([])
        assert X.shape == (0, len(vec.vocabulary_))


def test_hashing_output_shape():
    X = textsim.HashingVectorizer(n_features=2**7).transform(["", "pizza beer"])
    assert X.shape == (2, 2**7)
    assert_textsim_csr(X)
    assert X[0].nnz == 0


# ---------------------------------------------------------------------------
# scikit-learn's warnings, tags and fitted-ness checks
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, params, msg",
    [
        ("CountVectorizer", {"vocabulary": ["Pizza", "beer"]},
         ("Upper case characters found in vocabulary while 'lowercase' is True. These entries "
          "will not be matched with any documents")),
        ("TfidfVectorizer", {"dtype": np.int64}, "'dtype' should be used."),
        ("CountVectorizer", {"tokenizer": module_level_tokenizer},
         "The parameter 'token_pattern' will not be used since 'tokenizer' is not None"),
        ("CountVectorizer", {"analyzer": "char", "stop_words": ["the"]},
         "The parameter 'stop_words' will not be used since 'analyzer' != 'word'"),
        ("HashingVectorizer", {"analyzer": "char_wb", "tokenizer": module_level_tokenizer,
                               "token_pattern": None},
         "The parameter 'tokenizer' will not be used since 'analyzer' != 'word'"),
        ("TfidfVectorizer", {"analyzer": module_level_tokenizer, "ngram_range": (1, 2)},
         "The parameter 'ngram_range' will not be used since 'analyzer' is callable"),
    ],
)
def test_sklearn_warnings(name, params, msg):
    for module in (sk_text, textsim):
        with pytest.warns(UserWarning, match=re.escape(msg)):
            getattr(module, name)(**params).fit_transform(ALL_FOOD_DOCS)


def test_int_dtype_tfidf_gives_float64():
    with pytest.warns(UserWarning, match="'dtype' should be used"):
        X = textsim.TfidfVectorizer(dtype=np.int64).fit_transform(ALL_FOOD_DOCS)
    assert X.dtype == np.float64


@pytest.mark.parametrize("name", VECTORIZERS)
def test_sklearn_stop_words_consistency_warning(name):
    # scikit-learn warns when tokenizing the stop words gives tokens that are not stop words
    msg = ("Your stop_words may be inconsistent with your preprocessing. Tokenizing the stop "
           "words generated tokens ['and', 'll', 've'] not in stop_words.")
    for module in (sk_text, textsim):
        with pytest.warns(UserWarning, match=re.escape(msg)):
            getattr(module, name)(stop_words=["you've", "you", "you'll", "AND"]).fit_transform(
                ["hello world"])


@pytest.mark.parametrize("name", FITTED_VOCAB)
def test_fit_on_no_documents(name):
    msg = "empty vocabulary; perhaps the documents only contain stop words"
    with pytest.raises(ValueError, match=re.escape(msg)):
        ts_cls(name)().fit([])


@pytest.mark.parametrize("name", ALL_CLASSES)
def test_sklearn_tags_and_check_is_fitted(name):
    utils = pytest.importorskip("sklearn.utils")
    validation = pytest.importorskip("sklearn.utils.validation")
    exceptions = pytest.importorskip("sklearn.exceptions")
    est = ts_cls(name)()
    tags = utils.get_tags(est)
    assert tags.requires_fit is (name != "HashingVectorizer")
    assert tags.input_tags.string is (name != "TfidfTransformer")
    if name == "HashingVectorizer":
        return
    with pytest.raises(exceptions.NotFittedError):
        validation.check_is_fitted(est)
    validation.check_is_fitted(fitted(name))


@pytest.mark.parametrize("name", ALL_CLASSES)
def test_no_set_output_and_no_n_features_in(name):
    est = ts_cls(name)()
    assert not hasattr(est, "set_output")
    if name != "TfidfTransformer":
        est.fit(ALL_FOOD_DOCS)
        assert not hasattr(est, "n_features_in_")


def test_tfidf_transformer_transform_copy_argument():
    X = sk_text.CountVectorizer().fit_transform(ALL_FOOD_DOCS).astype(np.float64)
    before = X.copy()
    tr = textsim.TfidfTransformer().fit(X)
    Y = tr.transform(X, copy=True)
    assert (X != before).nnz == 0
    assert_csr_equal(Y, sk_text.TfidfTransformer().fit(X).transform(X), **F64)


def test_pickle_keeps_a_set_idf():
    vec = textsim.TfidfVectorizer().fit(ALL_FOOD_DOCS)
    vec.idf_ = np.linspace(1.0, 2.0, len(vec.vocabulary_))
    copy = pickle.loads(pickle.dumps(vec))
    assert_array_equal(copy.idf_, vec.idf_)
    exactly_equal(copy.transform(ALL_FOOD_DOCS), vec.transform(ALL_FOOD_DOCS))


@pytest.mark.parametrize("params", [{"tokenizer": module_level_tokenizer, "token_pattern": None},
                                    {"analyzer": module_level_tokenizer},
                                    {"preprocessor": str.upper}],
                         ids=["tokenizer", "analyzer", "preprocessor"])
def test_save_refuses_python_callables(tmp_path, params):
    # the saved format holds no code: a model with a Python callable cannot be saved
    est = textsim.CountVectorizer(**params).fit(ALL_FOOD_DOCS)
    with pytest.raises(ValueError):
        est.save(tmp_path / "model")


@pytest.fixture(scope="module")
def twenty_thousand_docs():
    # more documents than one batch of a generator (textsim reads iterables in batches)
    rng = np.random.default_rng(7)
    words = np.array([f"w{i}" for i in range(3000)] + list(" ".join(ALL_FOOD_DOCS).split()))
    return [" ".join(rng.choice(words, size=int(rng.integers(0, 12))).tolist())
            for _ in range(20_000)]


@pytest.mark.parametrize(
    "name, params",
    [
        ("CountVectorizer", {"min_df": 3, "max_df": 0.5}),
        ("CountVectorizer", {"max_features": 700, "ngram_range": (1, 2)}),
        ("TfidfVectorizer", {"min_df": 0.0005, "sublinear_tf": True}),
        ("TfidfVectorizer", {"max_features": 100}),
        ("HashingVectorizer", {"n_features": 2**12}),
    ],
    ids=_case_id,
)
def test_generator_spanning_batches_equals_list(twenty_thousand_docs, name, params):
    docs = twenty_thousand_docs
    from_list = ts_cls(name)(**params)
    X_list = from_list.fit_transform(docs)
    from_gen = ts_cls(name)(**params)
    X_gen = from_gen.fit_transform(d for d in docs)
    exactly_equal(X_gen, X_list)
    assert getattr(from_gen, "vocabulary_", None) == getattr(from_list, "vocabulary_", None)
    exactly_equal(ts_cls(name)(**params).fit(iter(docs)).transform(iter(docs)),
                  from_list.transform(docs))
    if name != "HashingVectorizer":
        prepared = sk_cls(name)(**{k: v for k, v in params.items() if k != "max_features"})
        expected = prepared.fit_transform(docs)
        if "max_features" not in params:
            assert_csr_equal(X_list, expected, **F64)


@pytest.mark.parametrize(
    "change",
    [{"norm": "l1"}, {"norm": None}, {"sublinear_tf": True}, {"smooth_idf": False},
     {"use_idf": False}],
    ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()),
)
def test_tfidf_weighting_params_take_effect_at_the_next_fit(change):
    # scikit-learn's test_tfidf_vectorizer_setters: the weighting used by transform is the one
    # fitted; changing norm/use_idf/smooth_idf/sublinear_tf acts at the next fit
    results = []
    for module in (textsim, sk_text):
        vec = module.TfidfVectorizer().fit(JUNK_FOOD_DOCS)
        vec.set_params(**change)
        after_set = vec.transform(ALL_FOOD_DOCS)
        refitted = vec.fit(JUNK_FOOD_DOCS).transform(ALL_FOOD_DOCS)
        results.append((after_set, refitted))
    (ts_set, ts_refit), (sk_set, sk_refit) = results
    assert_csr_equal(ts_set, sk_set, **F64)
    assert_csr_equal(ts_refit, sk_refit, **F64)


@pytest.mark.parametrize(
    "change",
    [{"norm": "l1"}, {"norm": None}, {"sublinear_tf": True}, {"smooth_idf": False},
     {"use_idf": False}],
    ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()),
)
def test_tfidf_transformer_params_changed_after_fit_like_sklearn(change):
    # scikit-learn's TfidfTransformer reads norm/sublinear_tf at transform time and applies
    # a fitted idf_ whenever it has one (even after set_params(use_idf=False))
    X = sk_text.CountVectorizer().fit_transform(ALL_FOOD_DOCS)
    results = []
    for module in (textsim, sk_text):
        tr = module.TfidfTransformer().fit(X)
        tr.set_params(**change)
        results.append(tr.transform(X))
    assert_csr_equal(results[0], results[1], **F64)


def test_the_vocabulary_dict_is_made_only_when_asked_for():
    # A fitted vocabulary lives in Rust; its dict (118k Bengali terms: 17 MB and 20-30 ms)
    # appears only when someone reads `vocabulary_`, not on every transform.
    docs = [*ALL_FOOD_DOCS, "the pizza pizza beer copyright"]
    for vectorizer in (textsim.CountVectorizer(), textsim.TfidfVectorizer()):
        expected = vectorizer.fit_transform(docs)
        assert_csr_equal(vectorizer.transform(docs), expected)
        names = vectorizer.get_feature_names_out()
        if isinstance(vectorizer, textsim.TfidfVectorizer):
            vectorizer.idf_ = vectorizer.idf_
        assert "_vocabulary" not in vectorizer.__dict__
        assert vectorizer.vocabulary_ == {term: column for column, term in enumerate(names)}
