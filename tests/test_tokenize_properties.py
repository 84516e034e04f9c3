"""Hypothesis properties of the tokenizer over mixed Bengali / Latin / digit / punctuation text."""

from __future__ import annotations

import pytest
import textsim
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BENGALI = [chr(c) for c in range(0x0980, 0x0A00)]
JOINERS = ["\u200c", "\u200d"]
LATIN = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") + list(
    "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßİıŁłŒœ"
)
COMBINING = ["\u0300", "\u0301", "\u0308", "\u0327"]  # grave, acute, diaeresis, cedilla
DIGITS = list("0123456789") + [chr(c) for c in range(0x09E6, 0x09F0)] + ["²", "½", "٣", "७"]
PUNCT = list(".,;:!?'\"()[]{}-_/\\@#$%&*+=<>|~`") + ["।", "৷", "‘", "’", "“", "”", "—", "…", "ﬁ"]
WHITESPACE = [" ", "\t", "\n", "\r", "\u00a0", "\u2003"]

CHAR = st.sampled_from(BENGALI + JOINERS + LATIN + COMBINING + DIGITS + PUNCT + WHITESPACE)
BENGALI_WORDS = st.sampled_from(
    [
        "রাশি\u09dfার",
        "রাশি\u09af\u09bcার",
        "পুতিন",
        "হঠাত\u09cd\u200d",
        "হঠাৎ",
        "র\u200d্যাব",
        "র্যাব",
        "ম\u200c্যাচে",
        "কৃষ্ণ",
        "ক\u09c7\u09beরিয়া",
        "২০২৫",
        "১২.৫০",
        "এবং",
        "ও",
    ]
)
LATIN_WORDS = st.sampled_from(
    ["Café", "cafe\u0301", "naïve", "don't", "3.14", "ﬁnance", "The", "RUNNING", "x_1", "Ångström"]
)

TEXT = st.one_of(
    st.text(CHAR, max_size=60),
    st.lists(
        st.one_of(BENGALI_WORDS, LATIN_WORDS, st.text(CHAR, min_size=1, max_size=5)), max_size=15
    ).map(lambda parts: " ".join(parts)),
    st.lists(st.one_of(BENGALI_WORDS, LATIN_WORDS, st.text(CHAR, max_size=3)), max_size=10).map(
        "".join
    ),
)

OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "lowercase": st.booleans(),
        "tokenizer": st.sampled_from(["pattern", "unicode"]),
        "token_pattern": st.sampled_from(
            [r"(?u)\b\w\w+\b", r"\b\w+\b", r"\w+", r"(\w+)ing\b", r"[^\s.]+"]
        ),
        "unicode_normalization": st.sampled_from(["NFC", "NFKC", None]),
        "bengali_folding": st.booleans(),
        "fold_digits": st.booleans(),
        "strip_accents": st.sampled_from([None, "ascii", "unicode"]),
    },
)

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(text=TEXT, opts=OPTIONS)
def test_tokens_are_nonempty_substrings_of_normalized_text(text, opts):
    tok = textsim.Tokenizer(**opts)
    normalized = tok.normalize(text)
    assert isinstance(normalized, str)
    tokens = tok.tokenize(text)
    assert isinstance(tokens, list)
    for t in tokens:
        assert isinstance(t, str)
        assert t, (text, tokens)
        assert t in normalized, (text, normalized, t)


@PROPERTY_SETTINGS
@given(text=TEXT, opts=OPTIONS)
def test_tokenize_is_deterministic(text, opts):
    tok = textsim.Tokenizer(**opts)
    first = tok.tokenize(text)
    assert tok.tokenize(text) == first
    assert textsim.Tokenizer(**opts).tokenize(text) == first
    assert textsim.tokenize(text, **opts) == first
    assert tok.normalize(text) == tok.normalize(text)


@PROPERTY_SETTINGS
@given(text=TEXT, opts=OPTIONS)
def test_bytes_and_str_give_same_tokens(text, opts):
    tok = textsim.Tokenizer(**opts)
    assert tok.tokenize(text.encode("utf-8")) == tok.tokenize(text)


@PROPERTY_SETTINGS
@given(docs=st.lists(TEXT, max_size=12), opts=OPTIONS)
def test_tokenize_many_independent_of_threads(docs, opts):
    one = textsim.Tokenizer(n_jobs=1, **opts).tokenize_many(docs)
    two = textsim.Tokenizer(n_jobs=2, **opts).tokenize_many(docs)
    default = textsim.Tokenizer(**opts).tokenize_many(docs)
    single = [textsim.Tokenizer(**opts).tokenize(d) for d in docs]
    assert one == two == default == single


@PROPERTY_SETTINGS
@given(docs=st.lists(TEXT, max_size=12), opts=OPTIONS)
def test_count_tokens_equals_lengths(docs, opts):
    tok = textsim.Tokenizer(**opts)
    counts = tok.count_tokens(docs)
    assert counts.dtype.name == "int64"
    assert counts.tolist() == [len(t) for t in tok.tokenize_many(docs)]
    assert textsim.Tokenizer(n_jobs=1, **opts).count_tokens(docs).tolist() == counts.tolist()


@settings(max_examples=100, deadline=None)
@given(text=TEXT)
def test_stop_words_only_remove_tokens(text):
    plain = textsim.tokenize(text, token_pattern=r"\b\w+\b")
    stop = ["the", "এবং", "ও", "cafe"]
    filtered = textsim.tokenize(text, token_pattern=r"\b\w+\b", stop_words=stop)
    assert filtered == [t for t in plain if t not in stop]


@settings(max_examples=100, deadline=None)
@given(text=TEXT)
def test_fold_digits_leaves_no_non_ascii_decimal_digits(text):
    for t in textsim.tokenize(text, fold_digits=True):
        assert not any(ch.isdecimal() and not ch.isascii() for ch in t), t


@pytest.mark.corpus
def test_corpus_threads_and_counts_agree(load_corpus):
    docs = [r["text"] for r in load_corpus("bangla_news_small")]
    docs += [r["text"] for r in load_corpus("english_bbc_news")[:500]]
    many = textsim.Tokenizer().tokenize_many(docs)
    assert textsim.Tokenizer(n_jobs=1).tokenize_many(docs) == many
    assert textsim.Tokenizer(n_jobs=3).tokenize_many(docs) == many
    assert textsim.Tokenizer().count_tokens(docs).tolist() == [len(t) for t in many]
    assert [textsim.tokenize(d) for d in docs[:200]] == many[:200]


def test_num_threads_env_var_does_not_change_results(monkeypatch, sample_docs):
    docs = [d["text"] for d in sample_docs] * 5
    expected = [textsim.tokenize(d) for d in docs]
    monkeypatch.setenv("TEXTSIM_NUM_THREADS", "1")
    assert textsim.Tokenizer().tokenize_many(docs) == expected
    monkeypatch.setenv("TEXTSIM_NUM_THREADS", "3")
    assert textsim.Tokenizer().tokenize_many(docs) == expected
    assert textsim.Tokenizer().count_tokens(docs).tolist() == [len(t) for t in expected]
