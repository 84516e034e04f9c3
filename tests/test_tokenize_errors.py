"""Errors, input types, bytes decoding, parameters and pickling of the tokenizer."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import textsim
from textsim import (
    DocumentError,
    DocumentTypeError,
    ParameterError,
    TextsimError,
    TokenPatternError,
)

# ---------------------------------------------------------------------------
# exception hierarchy
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "exc, bases",
    [
        (TextsimError, (Exception,)),
        (DocumentError, (TextsimError, ValueError)),
        (DocumentTypeError, (TextsimError, TypeError)),
        (TokenPatternError, (TextsimError, ValueError)),
        (ParameterError, (TextsimError, ValueError)),
    ],
)
def test_exception_hierarchy(exc, bases):
    for base in bases:
        assert issubclass(exc, base)


# ---------------------------------------------------------------------------
# bad documents
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("doc", [None, 3, 3.5, ["a list"], {"a": 1}, object()])
def test_non_text_document_raises_type_error(doc):
    with pytest.raises(DocumentTypeError):
        textsim.tokenize(doc)
    with pytest.raises(TypeError):
        textsim.Tokenizer().tokenize(doc)


def test_nan_document_raises_sklearn_message():
    msg = "np.nan is an invalid document, expected byte or unicode string."
    with pytest.raises(DocumentError, match=msg.replace(".", r"\.")):
        textsim.tokenize(float("nan"))
    with pytest.raises(ValueError, match=msg.replace(".", r"\.")):
        textsim.Tokenizer().tokenize_many(["ok", np.nan])


def test_tokenize_many_rejects_a_single_string():
    msg = "Iterable over raw text documents expected, string object received."
    with pytest.raises(ValueError, match=msg.replace(".", r"\.")):
        textsim.Tokenizer().tokenize_many("a string")
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        textsim.Tokenizer().count_tokens("a string")


@pytest.mark.parametrize("bad", [None, 3, b"\xff\xfe", "abc\ud800def"])
def test_bad_document_index_is_named(bad):
    docs = ["zero", "one", "two", bad, "four"]
    with pytest.raises(TextsimError, match=r"document 3\b"):
        textsim.Tokenizer().tokenize_many(docs)


def test_bad_document_index_in_generator():
    def gen():
        yield "zero"
        yield "one"
        yield "two"
        yield None

    with pytest.raises(DocumentTypeError, match=r"document 3\b"):
        textsim.Tokenizer().tokenize_many(gen())


def test_lone_surrogate_raises_document_error():
    with pytest.raises(DocumentError):
        textsim.tokenize("abc\ud800def")
    with pytest.raises(DocumentError, match=r"document 2\b"):
        textsim.Tokenizer().tokenize_many(["a", "b", "abc\udfffdef"])


def test_bad_document_error_with_one_thread_and_many():
    docs = ["ok"] * 50 + [None] + ["ok"] * 50
    for n_jobs in (1, 2):
        with pytest.raises(DocumentTypeError, match=r"document 50\b"):
            textsim.Tokenizer(n_jobs=n_jobs).tokenize_many(docs)


# ---------------------------------------------------------------------------
# bytes
# ---------------------------------------------------------------------------


def test_bytes_are_utf8():
    assert textsim.tokenize(b"caf\xc3\xa9") == ["café"]
    assert textsim.tokenize("café".encode()) == textsim.tokenize("café")
    bengali = "রাশিয়ার রাষ্ট্রপতি ভ্লাদিমির পুতিন"
    assert textsim.tokenize(bengali.encode("utf-8")) == textsim.tokenize(bengali)


def test_bytes_and_str_mixed_in_tokenize_many():
    assert textsim.Tokenizer().tokenize_many([b"hello world", "hello world"]) == [
        ["hello", "world"],
        ["hello", "world"],
    ]


def test_invalid_utf8_strict_raises_document_error():
    with pytest.raises(DocumentError):
        textsim.tokenize(b"ab\xffcd")
    with pytest.raises(DocumentError, match=r"document 1\b"):
        textsim.Tokenizer().tokenize_many([b"fine", b"ab\xffcd"])
    with pytest.raises(DocumentError, match=r"document 1\b"):
        textsim.Tokenizer(decode_error="strict").tokenize_many([b"fine", b"ab\xffcd"])


def test_invalid_utf8_ignore_drops_bytes():
    assert textsim.tokenize(b"ab\xffcd ef", decode_error="ignore") == ["abcd", "ef"]
    assert textsim.Tokenizer(decode_error="ignore").normalize(b"ab\xffcd") == "abcd"


def test_invalid_utf8_replace_uses_replacement_character():
    assert textsim.tokenize(b"ab\xffcd ef", decode_error="replace") == ["ab", "cd", "ef"]
    assert textsim.Tokenizer(decode_error="replace").normalize(b"ab\xffcd") == "ab\ufffdcd"


# ---------------------------------------------------------------------------
# token patterns the regex crate cannot compile
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern, problem",
    [(r"(?=a)\w+", "look"), (r"\w+(?<=a)", "look"), (r"(\w)\1", "backreference")],
)
def test_unsupported_regex_features_raise_token_pattern_error(pattern, problem):
    with pytest.raises(TokenPatternError) as info:
        textsim.Tokenizer(token_pattern=pattern).tokenize("aa bb")
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert problem in message.lower().replace("-", ""), message
    assert "tokenizer=" in message, message
    assert "callable" in message.lower(), message


@pytest.mark.parametrize("pattern", [r"(", r"[a-", r"\w{2,1}"])
def test_invalid_regex_raises_token_pattern_error(pattern):
    with pytest.raises(TokenPatternError):
        textsim.tokenize("aa bb", token_pattern=pattern)


def test_callable_tokenizer_works():
    assert textsim.tokenize("a-b c-d", tokenizer=lambda s: s.split("-")) == ["a", "b c", "d"]


def test_callable_tokenizer_receives_normalized_text():
    seen = []

    def tok(s):
        seen.append(s)
        return s.split()

    assert textsim.tokenize("Hello WORLD হঠাত\u09cd\u200d", tokenizer=tok) == [
        "hello",
        "world",
        "হঠাৎ",
    ]
    assert seen == ["hello world হঠাৎ"]
    assert textsim.Tokenizer(tokenizer=tok, lowercase=False).tokenize("Hello") == ["Hello"]


def test_callable_tokenizer_in_tokenize_many():
    tok = textsim.Tokenizer(tokenizer=lambda s: s.split(","))
    assert tok.tokenize_many(["A,B", "c"]) == [["a", "b"], ["c"]]
    assert tok.count_tokens(["A,B", "c"]).tolist() == [2, 1]


def test_callable_tokenizer_can_emulate_lookahead():
    import re

    regex = re.compile(r"(?=a)\w+")
    assert textsim.tokenize("abc bca", tokenizer=regex.findall) == ["abc", "a"]


# ---------------------------------------------------------------------------
# unknown parameter values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "option, value",
    [
        ("tokenizer", "bogus"),
        ("unicode_normalization", "NFD2"),
        ("strip_accents", "x"),
        ("decode_error", "x"),
        ("stop_words", "klingon"),
    ],
)
def test_unknown_option_value_raises_parameter_error(option, value):
    with pytest.raises(ParameterError, match=option):
        textsim.tokenize("some text", **{option: value})
    with pytest.raises(ValueError, match=option):
        textsim.Tokenizer(**{option: value}).tokenize("some text")


def test_unknown_keyword_raises_type_error():
    with pytest.raises(TypeError):
        textsim.Tokenizer(no_such_option=True)  # type: ignore[call-arg]


def test_constructor_is_keyword_only():
    with pytest.raises(TypeError):
        textsim.Tokenizer(False)  # type: ignore[misc]


# ---------------------------------------------------------------------------
# input containers
# ---------------------------------------------------------------------------

DOCS = ["Hello world", "রাশিয়ার পুতিন", "", "a b cc"]
EXPECTED = [["hello", "world"], ["রাশিয়ার", "পুতিন"], [], ["cc"]]


@pytest.fixture
def expected():
    import unicodedata

    return [[unicodedata.normalize("NFC", t) for t in toks] for toks in EXPECTED]


def test_tokenize_many_list(expected):
    assert textsim.Tokenizer().tokenize_many(DOCS) == expected


def test_tokenize_many_tuple(expected):
    assert textsim.Tokenizer().tokenize_many(tuple(DOCS)) == expected


def test_tokenize_many_generator(expected):
    assert textsim.Tokenizer().tokenize_many(d for d in DOCS) == expected


def test_tokenize_many_numpy_object_array(expected):
    arr = np.array(DOCS, dtype=object)
    assert textsim.Tokenizer().tokenize_many(arr) == expected


def test_tokenize_many_empty():
    assert textsim.Tokenizer().tokenize_many([]) == []
    assert textsim.Tokenizer().tokenize_many(iter([])) == []


def test_count_tokens_containers(expected):
    want = [len(t) for t in expected]
    tok = textsim.Tokenizer()
    for docs in (DOCS, tuple(DOCS), (d for d in DOCS), np.array(DOCS, dtype=object)):
        counts = tok.count_tokens(docs)
        assert isinstance(counts, np.ndarray)
        assert counts.dtype == np.int64
        assert counts.shape == (len(DOCS),)
        assert counts.tolist() == want


def test_count_tokens_empty():
    counts = textsim.Tokenizer().count_tokens([])
    assert counts.dtype == np.int64
    assert counts.shape == (0,)


# ---------------------------------------------------------------------------
# parameters, repr, pickle
# ---------------------------------------------------------------------------

DEFAULTS = {
    "lowercase": True,
    "token_pattern": r"(?u)\b\w\w+\b",
    "tokenizer": "pattern",
    "unicode_normalization": "NFC",
    "bengali_folding": True,
    "fold_digits": False,
    "strip_accents": None,
    "stop_words": None,
    "encoding": "utf-8",
    "decode_error": "strict",
    "n_jobs": None,
    "clean_scraped": False,
    "stemmer": None,
    "missing": "error",
}


def test_get_params_defaults():
    assert textsim.Tokenizer().get_params() == DEFAULTS


def test_get_params_returns_given_values():
    params = dict(
        DEFAULTS,
        lowercase=False,
        fold_digits=True,
        strip_accents="unicode",
        stop_words=["x", "y"],
        unicode_normalization=None,
        n_jobs=2,
    )
    assert textsim.Tokenizer(**params).get_params() == params


def test_repr_shows_non_default_params():
    assert "Tokenizer" in repr(textsim.Tokenizer())
    r = repr(textsim.Tokenizer(lowercase=False, fold_digits=True))
    assert "lowercase=False" in r
    assert "fold_digits=True" in r
    assert "token_pattern" not in r
    assert "lowercase" not in repr(textsim.Tokenizer())


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lowercase": False, "fold_digits": True, "stop_words": ["the", "এবং"]},
        {"tokenizer": "unicode", "unicode_normalization": "NFKC", "strip_accents": "unicode"},
        {"token_pattern": r"(\w+)ing\b", "stop_words": "english", "n_jobs": 1},
        {"bengali_folding": False, "unicode_normalization": None, "decode_error": "replace"},
    ],
)
def test_pickle_round_trip(params):
    tok = textsim.Tokenizer(**params)
    clone = pickle.loads(pickle.dumps(tok))
    assert type(clone) is type(tok)
    assert clone.get_params() == tok.get_params()
    docs = [
        "The running dog, THE jumping fox; don't 3.14",
        "রাশি\u09dfার হঠাত\u09cd\u200d র\u200d্যাব ২০২৫ ﬁnance এবং",
        b"caf\xc3\xa9 ab\xffcd" if params.get("decode_error") == "replace" else b"caf\xc3\xa9",
    ]
    assert clone.tokenize_many(docs) == tok.tokenize_many(docs)
    assert clone.normalize(docs[1]) == tok.normalize(docs[1])


def test_tokenize_function_accepts_all_options():
    text = "Café ২০২৫ and the ﬁnance"
    opts = dict(
        lowercase=True,
        token_pattern=r"(?u)\b\w+\b",
        tokenizer="pattern",
        unicode_normalization="NFKC",
        bengali_folding=True,
        fold_digits=True,
        strip_accents="unicode",
        stop_words=["and"],
        encoding="utf-8",
        decode_error="strict",
        n_jobs=1,
    )
    assert textsim.tokenize(text, **opts) == textsim.Tokenizer(**opts).tokenize(text)
    assert textsim.tokenize(text, **opts) == ["cafe", "2025", "the", "finance"]


def test_other_encodings_for_bytes():
    assert textsim.Tokenizer(encoding="latin-1").tokenize(b"caf\xe9 ok") == ["café", "ok"]
    assert textsim.Tokenizer(encoding="latin-1").tokenize_many([b"caf\xe9"]) == [["café"]]
    assert textsim.tokenize("রাশিয়ার".encode("utf-16"), encoding="utf-16") == textsim.tokenize(
        "রাশিয়ার"
    )


def test_normalize_accepts_bytes():
    assert textsim.Tokenizer().normalize(b"CAF\xc3\x89") == "café"


def test_str_subclasses_and_numpy_str_arrays():
    class MyStr(str):
        pass

    tok = textsim.Tokenizer()
    assert tok.tokenize(MyStr("Hello World")) == ["hello", "world"]
    assert tok.tokenize_many([MyStr("Hello World")]) == [["hello", "world"]]
    arr = np.array(["Hello world", "রাশিয়ার পুতিন"])  # dtype <U..., elements are np.str_
    assert tok.tokenize_many(arr) == [tok.tokenize(str(d)) for d in arr]
    assert tok.count_tokens(arr).tolist() == [2, 2]


@pytest.mark.parametrize("doc", [None, float("nan"), np.nan])
def test_a_lone_missing_document_is_the_same_error_as_one_among_many(doc):
    # Tokenizer.tokenize(None) raised DocumentTypeError where tokenize_many([None]) and the
    # vectorizers raise MissingDocumentError (a ValueError as well as a DocumentTypeError)
    with pytest.raises(textsim.MissingDocumentError) as alone:
        textsim.Tokenizer().tokenize(doc)
    assert alone.value.document is None
    with pytest.raises(textsim.MissingDocumentError):
        textsim.Tokenizer().tokenize_many(["ok", doc])
    with pytest.raises(textsim.MissingDocumentError):
        textsim.tokenize(doc)
    assert textsim.Tokenizer(missing="empty").tokenize(doc) == []
