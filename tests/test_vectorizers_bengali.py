"""The vectorizers on Bengali news: whole words, and otherwise scikit-learn's numbers.

scikit-learn's default token pattern cuts Bengali words apart (Python's ``\\w`` leaves out vowel
signs and virama), so it cannot be the oracle as it stands. It is given what a correct
vectorizer sees instead: the text as textsim preprocesses it (``Tokenizer().normalize``: NFC,
Bengali folding, lowercase) and textsim's scanner as its ``tokenizer`` (with normalization and
folding off, since the text is already normalized). Everything after tokenizing (n-grams,
stop words, document frequencies, pruning, idf, norms, vocabulary order) must then agree.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest
import textsim
from conftest import assert_csr_equal, reference_tokens
from numpy.testing import assert_allclose, assert_array_equal

sk_text = pytest.importorskip("sklearn.feature_extraction.text")

F64 = {"rtol": 0.0, "atol": 1e-12}
F32 = {"rtol": 1e-6, "atol": 1e-6}

# "Russia's President Vladimir Putin", য় precomposed (U+09DF) as news sites type it
PUTIN = "রাশি\u09dfার রাষ্ট্রপতি ভ্লাদিমির পুতিন"
PUTIN_DECOMPOSED = "রাশি\u09af\u09bcার রাষ্ট্রপতি ভ্লাদিমির পুতিন"
PUTIN_WORDS = [unicodedata.normalize("NFC", w) for w in PUTIN.split()]

BENGALI_STOP_WORDS_FILE = Path(__file__).resolve().parents[1] / "src" / "text" / "stop_words" / "bengali.txt"


def bengali_stop_words() -> list[str]:
    if not BENGALI_STOP_WORDS_FILE.is_file():
        pytest.skip(f"{BENGALI_STOP_WORDS_FILE} not found")
    lines = BENGALI_STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.startswith("#")]


def sklearn_oracle(params: dict):
    """(prepare, sklearn_params) giving scikit-learn textsim's tokens for ``params``."""
    params = dict(params)
    lowercase = params.pop("lowercase", True)
    options = {
        key: params.pop(key)
        for key in ("unicode_normalization", "bengali_folding", "fold_digits")
        if key in params
    }
    normalizer = textsim.Tokenizer(lowercase=lowercase, **options)
    params["lowercase"] = False
    if params.get("stop_words") == "bengali":
        # textsim's list, spelled as textsim spells the text
        params["stop_words"] = sorted({normalizer.normalize(w) for w in bengali_stop_words()})
    if params.get("analyzer", "word") == "word":
        params["tokenizer"] = textsim.Tokenizer(
            lowercase=False, unicode_normalization=None, bengali_folding=False
        ).tokenize
        params["token_pattern"] = None

    def prepare(texts):
        return [normalizer.normalize(t) for t in texts]

    return prepare, params


def compare(cls_name: str, params: dict, fit_docs, new_docs):
    prepare, sk_params = sklearn_oracle(params)
    tol = F32 if params.get("dtype") == np.float32 else F64
    ts = getattr(textsim, cls_name)(**params)
    sk = getattr(sk_text, cls_name)(**sk_params)
    X_ts = ts.fit_transform(fit_docs)
    X_sk = sk.fit_transform(prepare(fit_docs))
    assert_csr_equal(X_ts, X_sk, **tol)
    assert ts.vocabulary_ == sk.vocabulary_
    assert_array_equal(ts.get_feature_names_out(), sk.get_feature_names_out())
    assert_csr_equal(ts.transform(new_docs), sk.transform(prepare(new_docs)), **tol)
    if cls_name == "TfidfVectorizer" and params.get("use_idf", True):
        assert_allclose(ts.idf_, sk.idf_, **tol)
    inv_ts = [set(np.asarray(r).tolist()) for r in ts.inverse_transform(X_ts)]
    inv_sk = [set(np.asarray(r).tolist()) for r in sk.inverse_transform(X_sk)]
    assert inv_ts == inv_sk
    return ts, sk


def test_oracle_tokens_are_the_reference_model(bengali_docs):
    # the oracle is only as good as its tokens: check them against conftest's Python model
    prepare, sk_params = sklearn_oracle({})
    analyzer = sk_text.CountVectorizer(**sk_params).build_analyzer()
    for doc in bengali_docs:
        assert analyzer(prepare([doc["text"]])[0]) == reference_tokens(doc["text"])


# ---------------------------------------------------------------------------
# the sample documents (three Bengali news items + three BBC articles)
# ---------------------------------------------------------------------------

PARAMS = [
    {},
    {"ngram_range": (1, 2)},
    {"ngram_range": (2, 3)},
    {"min_df": 2},
    {"max_df": 0.5},
    {"binary": True},
    {"analyzer": "char", "ngram_range": (1, 3)},
    {"analyzer": "char_wb", "ngram_range": (2, 4)},
    {"fold_digits": True},
    {"bengali_folding": False},
    {"unicode_normalization": None, "bengali_folding": False},
    {"unicode_normalization": "NFKC"},
]

TFIDF_PARAMS = [
    {},
    {"ngram_range": (1, 2), "sublinear_tf": True},
    {"norm": "l1", "smooth_idf": False},
    {"norm": None, "use_idf": False},
    {"analyzer": "char_wb", "ngram_range": (2, 4)},
    {"dtype": np.float32},
    {"fold_digits": True, "min_df": 2},
]


def _id(params):
    return ",".join(f"{k}={v}" for k, v in params.items()).replace(" ", "") or "defaults"


@pytest.mark.parametrize("params", PARAMS, ids=_id)
def test_count_vectorizer_bengali_samples(sample_docs, params):
    texts = [d["text"] for d in sample_docs]
    titles = [d["title"] for d in sample_docs]
    compare("CountVectorizer", params, texts, titles + [PUTIN, PUTIN_DECOMPOSED, ""])


@pytest.mark.parametrize("params", TFIDF_PARAMS, ids=_id)
def test_tfidf_vectorizer_bengali_samples(sample_docs, params):
    texts = [d["text"] for d in sample_docs]
    titles = [d["title"] for d in sample_docs]
    compare("TfidfVectorizer", params, texts, titles + [PUTIN])


def test_bengali_stop_words_are_removed(bengali_docs):
    stop = bengali_stop_words()
    assert len(stop) > 100
    texts = [d["text"] for d in bengali_docs]
    ts = textsim.CountVectorizer(stop_words="bengali").fit(texts)
    full = textsim.CountVectorizer().fit(texts)
    folded = {textsim.Tokenizer().normalize(w) for w in stop}
    assert set(ts.vocabulary_) == set(full.vocabulary_) - folded
    assert set(ts.vocabulary_) < set(full.vocabulary_)
    # the same list passed explicitly gives the same vocabulary
    assert textsim.CountVectorizer(stop_words=stop).fit(texts).vocabulary_ == ts.vocabulary_


# ---------------------------------------------------------------------------
# whole words where scikit-learn has fragments
# ---------------------------------------------------------------------------


def test_sklearn_fragments_putin_textsim_keeps_four_words():
    sk = sk_text.CountVectorizer().fit([PUTIN])
    ts = textsim.CountVectorizer().fit([PUTIN])
    # scikit-learn: Python's \w leaves out vowel signs and virama; one fragment survives
    assert list(sk.get_feature_names_out()) == ["রপত"]
    assert not set(sk.vocabulary_) & set(PUTIN_WORDS)
    # textsim: the four words, in code-point order
    assert sorted(ts.vocabulary_) == sorted(PUTIN_WORDS)
    assert list(ts.get_feature_names_out()) == sorted(PUTIN_WORDS)
    assert ts.transform([PUTIN]).toarray().tolist() == [[1, 1, 1, 1]]


@pytest.mark.parametrize("cls_name", ["CountVectorizer", "TfidfVectorizer"])
def test_spellings_of_one_word_share_a_column(cls_name):
    # precomposed য় / য + nukta; ZWNJ inside a word; khanda-ta typed as ত + virama + ZWJ
    docs = [
        PUTIN,
        PUTIN_DECOMPOSED,
        "ম\u200c্যাচে ম্যাচে",
        "হঠা\u09a4\u09cd\u200d হঠা\u09ce",
    ]
    vec = getattr(textsim, cls_name)().fit(docs)
    assert len(vec.vocabulary_) == 4 + 1 + 1
    X = vec.transform(docs)
    assert (X[0] != X[1]).nnz == 0
    counts = textsim.CountVectorizer().fit(docs)
    C = counts.transform(docs)
    assert C[2].sum() == 2 and C[2].nnz == 1
    assert C[3].sum() == 2 and C[3].nnz == 1


def test_folding_off_keeps_spellings_apart():
    docs = ["ম\u200c্যাচে ম্যাচে"]
    assert len(textsim.CountVectorizer().fit(docs).vocabulary_) == 1
    assert len(textsim.CountVectorizer(bengali_folding=False).fit(docs).vocabulary_) == 2


def test_fold_digits_joins_bengali_and_ascii_digits():
    docs = ["সাল ২০২৫", "year 2025"]
    assert "২০২৫" in textsim.CountVectorizer().fit(docs).vocabulary_
    vec = textsim.CountVectorizer(fold_digits=True).fit(docs)
    assert "২০২৫" not in vec.vocabulary_
    assert vec.transform(docs)[:, vec.vocabulary_["2025"]].toarray().ravel().tolist() == [1, 1]


def test_hashing_vectorizer_putin_equals_sklearn_with_correct_tokens():
    prepare, sk_params = sklearn_oracle({})
    ts = textsim.HashingVectorizer(n_features=2**10).transform([PUTIN, PUTIN_DECOMPOSED])
    sk = sk_text.HashingVectorizer(n_features=2**10, **sk_params).transform(
        prepare([PUTIN, PUTIN_DECOMPOSED])
    )
    assert_csr_equal(ts, sk, **F64)
    # both spellings hash to the same features
    assert (ts[0] != ts[1]).nnz == 0


# ---------------------------------------------------------------------------
# the real corpus: bangla_news_small (1,034 articles, Bengali and English)
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bangla_news(load_corpus):
    records = load_corpus("bangla_news_small")
    texts = [r["text"] for r in records]
    assert len(texts) > 500
    return texts


@pytest.mark.corpus
@pytest.mark.parametrize(
    "cls_name, params",
    [
        ("CountVectorizer", {}),
        ("CountVectorizer", {"ngram_range": (1, 2), "min_df": 2}),
        ("CountVectorizer", {"min_df": 3, "max_df": 0.5, "binary": True}),
        ("TfidfVectorizer", {}),
        ("TfidfVectorizer", {"sublinear_tf": True, "min_df": 2, "max_df": 0.9}),
        ("TfidfVectorizer", {"ngram_range": (1, 2), "min_df": 3, "norm": "l1"}),
        ("TfidfVectorizer", {"fold_digits": True, "dtype": np.float32}),
        ("TfidfVectorizer", {"stop_words": "bengali", "ngram_range": (1, 2), "min_df": 2}),
    ],
    ids=lambda p: p if isinstance(p, str) else _id(p),
)
def test_bangla_news_equals_sklearn_with_correct_tokenizer(bangla_news, cls_name, params):
    fit_docs, new_docs = bangla_news[:800], bangla_news[800:]
    compare(cls_name, params, fit_docs, new_docs)


@pytest.mark.corpus
def test_bangla_news_vocabulary_has_whole_words(bangla_news):
    ts = textsim.CountVectorizer(min_df=2).fit(bangla_news)
    sk = sk_text.CountVectorizer(min_df=2).fit(bangla_news)
    vocab = set(ts.vocabulary_)
    for word in ["বাংলাদেশ", "সরকার", "নির্বাচন", "প্রধানমন্ত্রী"]:
        word = unicodedata.normalize("NFC", word)
        assert word in vocab, word
        assert word not in sk.vocabulary_, word  # scikit-learn has only fragments of it
