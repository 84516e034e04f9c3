"""On ASCII (and plain Latin) text textsim's tokens are exactly scikit-learn's.

scikit-learn is a test-only dependency and serves as the oracle here.
"""

from __future__ import annotations

import string
import unicodedata

import pytest
import textsim
from conftest import is_uts18_word_char
from hypothesis import given, settings
from hypothesis import strategies as st

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
CountVectorizer = sklearn_text.CountVectorizer

HANDWRITTEN = [
    "",
    "   ",
    "a",
    "a b c",
    "Hello, World! Hello again.",
    "The U.S.A. and e-mail, don't stop; __init__ x_1 _a_ a__b 3.14 1,000,000 $5.99",
    "CamelCase camelCase ALLCAPS MiXeD",
    "tabs\tand\nnewlines\r\nand  double  spaces",
    "snake_case_words and-dashed-words and/slashed/words",
    "email: someone@example.com url: https://example.org/path?q=1&r=2#frag",
    "numbers 1 22 333 4a a4 007 0x1F",
    "(parenthesised) [bracketed] {braced} <angled> 'quoted' \"double\"",
    "running jumping sing bring things ing inging",
    "The the THE tHe",
    "I'm you're it's can't won't O'Neil rock'n'roll",
    "~!@#$%^&*()_+`-=[]\\{}|;':\",./<>?",
]

PATTERNS = [
    r"(?u)\b\w\w+\b",
    r"\b\w+\b",
    r"(?u)\b[a-z]+\b",
    r"(\w+)ing\b",
    r"\w+",
    r"[A-Za-z]{3,}",
    r"\S+",
    r"(?i)\b[aeiou]\w*\b",
]


def sk(**kwargs):
    return CountVectorizer(**kwargs).build_analyzer()


@pytest.fixture(scope="module")
def english_texts(english_docs):
    texts = HANDWRITTEN + [d["text"] for d in english_docs] + [d["title"] for d in english_docs]
    assert all(t.isascii() for t in texts)
    return texts


# ---------------------------------------------------------------------------
# defaults and options
# ---------------------------------------------------------------------------


def test_default_tokens_equal_sklearn(english_texts):
    analyzer = sk()
    for text in english_texts:
        assert textsim.tokenize(text) == analyzer(text), text


def test_tokenizer_class_equals_sklearn(english_texts):
    analyzer = sk()
    tok = textsim.Tokenizer()
    assert tok.tokenize_many(english_texts) == [analyzer(t) for t in english_texts]


def test_lowercase_false_equals_sklearn(english_texts):
    analyzer = sk(lowercase=False)
    for text in english_texts:
        assert textsim.tokenize(text, lowercase=False) == analyzer(text), text


def test_english_stop_words_equal_sklearn(english_texts):
    analyzer = sk(stop_words="english")
    for text in english_texts:
        assert textsim.tokenize(text, stop_words="english") == analyzer(text), text


def test_english_stop_words_are_sklearns_list():
    words = sorted(sklearn_text.ENGLISH_STOP_WORDS)
    text = " ".join(words) + " keepme"
    # sklearn's list contains one-letter words ("a", "i"), so use a one-character pattern
    assert textsim.tokenize(text, stop_words="english", token_pattern=r"\b\w+\b") == ["keepme"]


def test_user_stop_words_equal_sklearn(english_texts):
    stop = ["the", "oil", "said", "was", "of"]
    analyzer = sk(stop_words=stop)
    for text in english_texts:
        assert textsim.tokenize(text, stop_words=stop) == analyzer(text), text


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("lowercase", [True, False])
def test_custom_token_pattern_equals_sklearn(english_texts, pattern, lowercase):
    analyzer = sk(token_pattern=pattern, lowercase=lowercase)
    tok = textsim.Tokenizer(token_pattern=pattern, lowercase=lowercase)
    for text in english_texts:
        assert tok.tokenize(text) == analyzer(text), (pattern, text)


def test_one_capturing_group_is_the_token():
    text = "Running and jumping singing ing things"
    assert textsim.tokenize(text, token_pattern=r"(\w+)ing\b") == ["runn", "jump", "sing"]
    assert textsim.tokenize(text, token_pattern=r"(\w+)ing\b") == sk(token_pattern=r"(\w+)ing\b")(
        text
    )


def test_non_capturing_group_is_not_a_capturing_group():
    pattern = r"(?:\w+)ing\b"
    text = "Running and jumping"
    assert textsim.tokenize(text, token_pattern=pattern) == sk(token_pattern=pattern)(text)


@pytest.mark.parametrize("pattern", [r"(\w)(\w)", r"(a)|(b)", r"((\w+))"])
def test_more_than_one_capturing_group_raises_like_sklearn(pattern):
    with pytest.raises(ValueError, match="More than 1 capturing group in token pattern"):
        sk(token_pattern=pattern)("ab")
    with pytest.raises(
        textsim.TokenPatternError, match="More than 1 capturing group in token pattern"
    ):
        textsim.tokenize("ab", token_pattern=pattern)
    with pytest.raises(ValueError, match="More than 1 capturing group in token pattern"):
        textsim.Tokenizer(token_pattern=pattern).tokenize("ab")


# ---------------------------------------------------------------------------
# accents
# ---------------------------------------------------------------------------

LATIN = [
    "Café naïve Ångström façade",
    "cafe\u0301 nai\u0308ve",  # decomposed accents
    "CAFÉ NAÏVE ÅNGSTRÖM FAÇADE",
    "Crème brûlée à la française, déjà vu, São Paulo, Zürich, Øresund, Łódź",
    "El niño pidió jalapeños en Málaga",
]
LATIN_GREEK_CYRILLIC = LATIN + ["Ελλάδα Αθήνα", "Ёлка йогурт Москва"]


@pytest.mark.parametrize("text", LATIN_GREEK_CYRILLIC)
def test_strip_accents_unicode_equals_sklearn(text):
    assert textsim.tokenize(text, strip_accents="unicode") == sk(strip_accents="unicode")(text)


@pytest.mark.parametrize("text", LATIN)
def test_strip_accents_ascii_equals_sklearn(text):
    assert textsim.tokenize(text, strip_accents="ascii") == sk(strip_accents="ascii")(text)


@pytest.mark.parametrize("text", [t for t in LATIN if unicodedata.is_normalized("NFC", t)])
def test_no_strip_accents_equals_sklearn_on_nfc_latin(text):
    assert textsim.tokenize(text) == sk()(text)


@pytest.mark.parametrize(
    "text",
    [
        "ΟΔΟΣ Ελλάδα ΣΟΦΟΣ σοφός",  # final sigma when lowercasing
        "Москва ЁЛКА Київ",
        "Straße ǅemal ĲSSEL Ǳ",  # titlecase digraphs
        "naïve £100 €5 ¥7 – “quoted” — ‘single’",
    ],
)
def test_lowercasing_non_ascii_equals_sklearn(text):
    expected = sk()(text)
    assert textsim.tokenize(text) == expected


def test_lowercase_creating_combining_mark_keeps_word_whole():
    # "İ".lower() is "i" + U+0307 (a combining mark): sklearn's Python \w then splits the word,
    # textsim's UTS#18 \w keeps it whole (the one intended difference: text with marks).
    assert sk()("İstanbul") == ["stanbul"]
    assert textsim.tokenize("İstanbul DİYARBAKIR") == ["i\u0307stanbul", "di\u0307yarbakir"]


def test_strip_accents_examples():
    assert textsim.tokenize("Café naïve Ångström façade", strip_accents="unicode") == [
        "cafe",
        "naive",
        "angstrom",
        "facade",
    ]
    assert textsim.tokenize("Café naïve Ångström façade", strip_accents="ascii") == [
        "cafe",
        "naive",
        "angstrom",
        "facade",
    ]
    assert textsim.tokenize("Café") == ["café"]


# ---------------------------------------------------------------------------
# property: any printable ASCII text
# ---------------------------------------------------------------------------

ASCII_WORDS = st.sampled_from(
    ["the", "The", "oil", "running", "ing", "a", "I", "don't", "e-mail", "3.14", "x_1", "__", "US"]
)
ASCII_TEXT = st.one_of(
    st.text(alphabet=string.printable, max_size=80),
    st.lists(
        st.one_of(ASCII_WORDS, st.text(alphabet=string.printable, max_size=4)), max_size=20
    ).map(" ".join),
)


@settings(max_examples=200, deadline=None)
@given(text=ASCII_TEXT, lowercase=st.booleans(), stop=st.sampled_from([None, "english"]))
def test_ascii_property_equals_sklearn(text, lowercase, stop):
    expected = sk(lowercase=lowercase, stop_words=stop)(text)
    assert textsim.tokenize(text, lowercase=lowercase, stop_words=stop) == expected


@settings(max_examples=100, deadline=None)
@given(text=ASCII_TEXT, pattern=st.sampled_from(PATTERNS))
def test_ascii_property_patterns_equal_sklearn(text, pattern):
    assert textsim.tokenize(text, token_pattern=pattern) == sk(token_pattern=pattern)(text)


# ---------------------------------------------------------------------------
# the whole BBC corpus
# ---------------------------------------------------------------------------


def same_word_chars_as_python(text: str) -> bool:
    """True if Python's \\w (sklearn) and UTS#18 \\w (textsim) agree on every character of text.

    They differ on e.g. category No characters such as '²' or '½' (Python word characters, not
    UTS#18 ones) and on combining marks (UTS#18 word characters only); NFC must not change it.
    """
    if text.isascii():
        return True
    if unicodedata.normalize("NFC", text) != text:
        return False
    return all(
        (ch.isalnum() or ch == "_") == is_uts18_word_char(ch)
        for ch in set(text)
        if not ch.isascii()
    )


@pytest.fixture(scope="module")
def bbc_records(load_corpus):
    records = load_corpus("english_bbc_news")
    assert len(records) == 2225
    return records


@pytest.fixture(scope="module")
def bbc_ascii_texts(bbc_records):
    # Non-ASCII documents are skipped: there Python's \w (used by sklearn) may differ from
    # UTS#18 \w, e.g. category No characters such as '²' or '½' are Python word characters.
    texts = [r["text"] for r in bbc_records if r["text"].isascii()]
    assert len(texts) > 1500
    return texts


@pytest.mark.corpus
def test_bbc_corpus_all_comparable_docs_equal_sklearn(bbc_records):
    # the BBC texts' only non-ASCII character is '£', a non-word character for both definitions
    texts = [r["text"] for r in bbc_records if same_word_chars_as_python(r["text"])]
    assert len(texts) > 2000
    analyzer = sk()
    got = textsim.Tokenizer().tokenize_many(texts)
    bad = [i for i, (g, t) in enumerate(zip(got, texts, strict=True)) if g != analyzer(t)]
    assert not bad, f"{len(bad)} documents differ, first: {texts[bad[0]][:200]!r}"


@pytest.mark.corpus
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"lowercase": False},
        {"stop_words": "english"},
        {"token_pattern": r"\b\w+\b"},
        {"token_pattern": r"(?u)\b[a-z]+\b"},
        {"token_pattern": r"(\w+)ing\b"},
    ],
    ids=["default", "lowercase_false", "stop_english", "one_char", "a_z", "group"],
)
def test_bbc_corpus_equals_sklearn(bbc_ascii_texts, options):
    analyzer = sk(**options)
    got = textsim.Tokenizer(**options).tokenize_many(bbc_ascii_texts)
    assert len(got) == len(bbc_ascii_texts)
    bad = [i for i, (g, t) in enumerate(zip(got, bbc_ascii_texts, strict=True)) if g != analyzer(t)]
    assert not bad, f"{len(bad)} documents differ, first: {bbc_ascii_texts[bad[0]][:200]!r}"


@pytest.mark.corpus
def test_bbc_corpus_count_tokens_equal_sklearn(bbc_ascii_texts):
    analyzer = sk()
    counts = textsim.Tokenizer().count_tokens(bbc_ascii_texts)
    assert counts.tolist() == [len(analyzer(t)) for t in bbc_ascii_texts]


# ---------------------------------------------------------------------------
# property: Latin text with accents
# ---------------------------------------------------------------------------

PRECOMPOSED_LATIN = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßŁłŒœĳ"
COMPATIBILITY = "ﬁ²½ｆℌǄ"  # decomposed by NFKD (which sklearn's accent stripping uses)
COMBINING = "\u0301\u0308\u0327"


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(string.printable + PRECOMPOSED_LATIN + COMPATIBILITY + COMBINING, max_size=40),
    mode=st.sampled_from(["unicode", "ascii"]),
    lowercase=st.booleans(),
)
def test_latin_strip_accents_property_equals_sklearn(text, mode, lowercase):
    expected = sk(strip_accents=mode, lowercase=lowercase)(text)
    assert textsim.tokenize(text, strip_accents=mode, lowercase=lowercase) == expected


@settings(max_examples=200, deadline=None)
@given(text=st.text(string.printable + PRECOMPOSED_LATIN, max_size=40), lowercase=st.booleans())
def test_precomposed_latin_property_equals_sklearn(text, lowercase):
    # no combining marks and no No-category characters: Python's \w and UTS#18 \w agree
    assert textsim.tokenize(text, lowercase=lowercase) == sk(lowercase=lowercase)(text)


def test_user_stop_words_are_not_lowercased_like_sklearn():
    text = "The cat and THE dog"
    for stop in (["The"], ["the"], ["THE", "dog"]):
        assert textsim.tokenize(text, stop_words=stop) == sk(stop_words=stop)(text), stop
        assert textsim.tokenize(text, stop_words=stop, lowercase=False) == sk(
            stop_words=stop, lowercase=False
        )(text), stop
