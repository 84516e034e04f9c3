"""Hostile and malformed input: a clear exception naming the document and the problem, never a
crash, a hang or a silently wrong result, and a fitted object left exactly as it was."""

from __future__ import annotations

import io
import pickle
import time
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp

import textsim
from textsim._exceptions import (
    DocumentDecodeError,
    DocumentError,
    DocumentTypeError,
    ParameterError,
    TokenPatternError,
    VocabularyError,
)

GOOD = ["the cat sat on the mat", "the dog ate my homework", "cats and dogs and mats"]

# (bad document, exception class, words the message must contain)
BAD_DOCUMENTS = [
    pytest.param(None, DocumentTypeError, "is missing (None)", id="None"),
    pytest.param(float("nan"), DocumentError, "np.nan", id="NaN"),
    pytest.param(3, DocumentTypeError, "int", id="int"),
    pytest.param(2.5, DocumentTypeError, "float", id="float"),
    pytest.param(["a", "list"], DocumentTypeError, "list", id="list"),
    pytest.param(b"caf\xe9 au lait", DocumentDecodeError, "UTF-8", id="latin-1-bytes"),
    pytest.param(b"\xff\xfe\x00", DocumentDecodeError, "UTF-8", id="invalid-bytes"),
    pytest.param("a lone \ud800 surrogate", DocumentError, "surrogate", id="lone-high-surrogate"),
    pytest.param("\udfff", DocumentError, "surrogate", id="lone-low-surrogate"),
]


def fitted_state(vectorizer) -> tuple:
    idf = getattr(vectorizer, "idf_", None)
    return (
        dict(vectorizer.vocabulary_),
        None if idf is None else idf.copy(),
        vectorizer.transform(GOOD).toarray(),
    )


def assert_same_state(before: tuple, after: tuple) -> None:
    assert before[0] == after[0]
    if before[1] is None:
        assert after[1] is None
    else:
        np.testing.assert_array_equal(before[1], after[1])
    np.testing.assert_array_equal(before[2], after[2])


@pytest.mark.parametrize("bad, error, words", BAD_DOCUMENTS)
@pytest.mark.parametrize("cls", [textsim.CountVectorizer, textsim.TfidfVectorizer])
def test_a_bad_document_in_a_refit_names_it_and_keeps_the_fitted_state(cls, bad, error, words):
    vectorizer = cls().fit(GOOD)
    before = fitted_state(vectorizer)
    docs = [*GOOD, "fine", bad, "also fine"]
    with pytest.raises(error) as raised:
        vectorizer.fit(docs)
    message = str(raised.value)
    assert "document 4" in message and words in message
    assert_same_state(before, fitted_state(vectorizer))
    with pytest.raises(error, match="document 4"):
        vectorizer.transform(docs)
    assert_same_state(before, fitted_state(vectorizer))


@pytest.mark.parametrize("bad, error, words", BAD_DOCUMENTS)
def test_a_bad_document_for_the_tokenizer_and_hashing_names_it(bad, error, words):
    docs = ["fine", bad]
    for call in (
        textsim.Tokenizer().tokenize_many,
        textsim.Tokenizer().count_tokens,
        textsim.HashingVectorizer().transform,
    ):
        with pytest.raises(error, match="document 1") as raised:
            call(docs)
        assert words in str(raised.value)


@pytest.mark.parametrize("bad, error, words", BAD_DOCUMENTS)
def test_a_bad_document_from_a_generator_names_its_place_in_the_whole_input(bad, error, words):
    vectorizer = textsim.TfidfVectorizer().fit(GOOD)
    before = fitted_state(vectorizer)
    # Generators are read in batches (of 8192): the document's number is still its place in
    # the whole input, not in its batch.
    docs = [*GOOD * 5000, bad]
    where = f"document {len(docs) - 1}"
    for call in (vectorizer.fit, vectorizer.transform, textsim.HashingVectorizer().transform):
        with pytest.raises(error, match=where) as raised:
            call(d for d in docs)
        assert words in str(raised.value)
    assert_same_state(before, fitted_state(vectorizer))


@pytest.mark.parametrize(
    "encoding, good, bad",
    [
        ("ascii", b"abc def", b"ok \x81\xff bad"),
        ("cp1252", b"caf\xe9 ok", b"ok \x81 bad"),
        ("shift_jis", b"abc def", b"ok \x81\xff bad"),
        ("utf-16-le", "ab cd".encode("utf-16-le"), b"\x00\xd8a\x00b\x00"),
    ],
)
def test_bytes_invalid_in_the_given_encoding_name_the_document(encoding, good, bad):
    docs = [good, bad, good]
    vectorizer = textsim.CountVectorizer().fit(GOOD)
    before = fitted_state(vectorizer)
    vectorizer.set_params(encoding=encoding)
    with pytest.raises(DocumentDecodeError, match="document 1") as raised:
        vectorizer.fit(docs)
    assert isinstance(raised.value, UnicodeDecodeError)
    vectorizer.set_params(encoding="utf-8")
    assert_same_state(before, fitted_state(vectorizer))


def test_a_fixed_vocabulary_refit_that_fails_keeps_the_old_vocabulary():
    vectorizer = textsim.CountVectorizer().fit(GOOD)
    before = fitted_state(vectorizer)
    vectorizer.set_params(vocabulary=["zebra", "yak"])
    with pytest.raises(DocumentTypeError):
        vectorizer.fit(["zebra", None])
    vectorizer.set_params(vocabulary=None)
    assert_same_state(before, fitted_state(vectorizer))


def test_bytes_in_another_encoding_decode_with_that_encoding():
    vectorizer = textsim.CountVectorizer(encoding="latin-1").fit([b"caf\xe9 au lait"])
    assert sorted(vectorizer.vocabulary_) == ["au", "café", "lait"]
    replaced = textsim.CountVectorizer(decode_error="replace").fit([b"caf\xe9 au lait"])
    # U+FFFD is not a word character: the token is cut there, as in scikit-learn.
    assert sorted(replaced.vocabulary_) == ["au", "caf", "lait"]


@pytest.mark.parametrize(
    "docs, params",
    [
        pytest.param(["", "", ""], {}, id="empty-strings"),
        pytest.param([], {}, id="no-documents"),
        pytest.param(["!!! ... ,,, ;-) ???", "— – …"], {}, id="only-punctuation"),
        pytest.param(["the and of a", "is it to"], {"stop_words": "english"}, id="only-stop-words"),
        pytest.param(["a b c d"], {}, id="only-one-letter-words"),
    ],
)
def test_documents_without_features_give_a_vocabulary_error_and_keep_the_state(docs, params):
    vectorizer = textsim.TfidfVectorizer(**params).fit([*GOOD, "stop words aside"])
    before = fitted_state(vectorizer)
    with pytest.raises(VocabularyError, match="empty vocabulary"):
        vectorizer.fit(docs)
    assert_same_state(before, fitted_state(vectorizer))


def test_empty_and_featureless_documents_among_others_are_zero_rows():
    vectorizer = textsim.TfidfVectorizer()
    X = vectorizer.fit_transform(["", "!!!", *GOOD, "\x00\x01"])
    assert X.shape[0] == 6
    assert X[0].nnz == X[1].nnz == X[5].nnz == 0
    np.testing.assert_allclose(np.asarray(X[2:5].multiply(X[2:5]).sum(axis=1)).ravel(), 1.0)


def test_nul_and_control_characters_separate_tokens():
    tokens = textsim.Tokenizer().tokenize("ab\x00cd \x01\x02ef\tgh\x7fij\x1bkl\u2028mn")
    assert tokens == ["ab", "cd", "ef", "gh", "ij", "kl", "mn"]


def test_every_unicode_plane_and_mixed_scripts():
    # One character from each of the 17 planes (the letters of the supplementary ones, and
    # private-use and unassigned code points), and mixed scripts in one word.
    planes = "".join(chr(plane * 0x10000 + 0x100) for plane in range(17))
    text = f"{planes} abcαβγабв১২৩ রাশিয়ার 𝒜𝒷𝒸 日本語 עברית العربية 😀😀"
    tokens = textsim.Tokenizer().tokenize(text)
    normalized = textsim.Tokenizer().normalize(text)
    assert all(token in normalized for token in tokens)
    assert "রাশিয়ার" in tokens and "日本語" in tokens and "العربية" in tokens
    vectorizer = textsim.CountVectorizer().fit([text, text + " extra"])
    assert set(vectorizer.vocabulary_) == set(tokens) | {"extra"}


def test_invalid_token_patterns_are_refused_when_fitting():
    for pattern, words in [
        ("(", "unclosed group"),
        (r"(?<=a)b", "look-around"),
        (r"(?!a)\w+", "look-around"),
        (r"(a)\1", "backreferences"),
        (r"(a)(b)", "More than 1 capturing group"),
    ]:
        with pytest.raises(TokenPatternError, match=words):
            textsim.CountVectorizer(token_pattern=pattern).fit(GOOD)


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(a|aa)+$", r"(?:a+)+!", r"(\w+\s?)+$"])
def test_catastrophic_backtracking_patterns_finish_fast_with_the_right_tokens(pattern):
    import re

    text = "a" * 20_000 + "!"
    start = time.monotonic()
    tokens = textsim.Tokenizer(token_pattern=pattern).tokenize(text)
    elapsed = time.monotonic() - start
    # A backtracking engine needs 2^20000 steps here; the linear engine a few milliseconds.
    # (Generous, so that a loaded machine cannot fail it; the point is "not forever".)
    assert elapsed < 10
    # The same matches as Python's re on an input small enough for it.
    small = "aaaa!aa b"
    assert textsim.Tokenizer(token_pattern=pattern, lowercase=False).tokenize(small) == [
        m.group(1) if m.groups() else m.group(0) for m in re.finditer(pattern, small)
    ]
    assert isinstance(tokens, list)


@pytest.mark.parametrize(
    "vocabulary, message",
    [
        ({"a": 0, "b": 2}, "doesn't contain index 1"),
        ({"ab": 0, "cd": 0}, "repeated indices"),
        (["ab", "cd", "ab"], "Duplicate term"),
        ([], "empty vocabulary"),
        ({}, "empty vocabulary"),
    ],
)
def test_bad_vocabularies_are_refused_and_keep_the_state(vocabulary, message):
    vectorizer = textsim.TfidfVectorizer().fit(GOOD)
    before = fitted_state(vectorizer)
    vectorizer.set_params(vocabulary=vocabulary)
    with pytest.raises(ValueError, match=message):
        vectorizer.fit(GOOD)
    vectorizer.set_params(vocabulary=None)
    assert_same_state(before, fitted_state(vectorizer))


# -- matrices and similarity parameters -------------------------------------------------------

X = sp.random(20, 8, density=0.4, format="csr", random_state=0)


def test_mismatched_matrix_widths_are_refused():
    Y = sp.random(5, 9, density=0.4, format="csr", random_state=1)
    for call in (
        lambda: textsim.most_similar(X, Y),
        lambda: textsim.similar_pairs(X, Y, min_score=0.5),
        lambda: textsim.cosine_similarity(X, Y),
    ):
        with pytest.raises(ValueError, match="Incompatible dimension"):
            call()
    vectorizer = textsim.TfidfVectorizer().fit(GOOD)
    with pytest.raises(ValueError):
        textsim.TfidfTransformer().fit(X).transform(Y)
    with pytest.raises(ValueError, match="must be equal to vocabulary size"):
        vectorizer.idf_ = np.ones(3)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_nan_and_infinity_in_a_matrix_are_refused_naming_the_entry(bad, dtype):
    Xb = X.astype(dtype)
    row, position = 3, X.indptr[3] + 1
    Xb.data[position] = bad
    column = Xb.indices[position]
    where = f"row {row}, column {column}"
    for call in (
        lambda: textsim.most_similar(Xb),
        lambda: textsim.most_similar(X.astype(dtype), Xb),
        lambda: textsim.similar_pairs(Xb, min_score=0.5),
        lambda: textsim.near_duplicates(Xb),
        lambda: textsim.cosine_similarity(Xb),
        lambda: textsim.cosine_similarity(Xb.toarray()),
        lambda: textsim.TfidfTransformer().fit(Xb),
        lambda: textsim.TfidfTransformer().fit(X).transform(Xb),
    ):
        with pytest.raises(ParameterError, match=where):
            call()


@pytest.mark.parametrize("k", [0, -1, -10, 1.5, True, "3", None])
def test_k_below_one_or_not_an_int_is_refused(k):
    with pytest.raises(ParameterError, match="k: expected an int"):
        textsim.most_similar(X, k=k)


@pytest.mark.parametrize("min_score", [1.0001, 2, -1.0001, -5, np.nan, np.inf, -np.inf, "0.5"])
def test_min_score_outside_minus_one_to_one_is_refused(min_score):
    with pytest.raises(ParameterError, match="min_score"):
        textsim.most_similar(X, min_score=min_score)
    with pytest.raises(ParameterError, match="min_score"):
        textsim.similar_pairs(X, min_score=min_score)


def test_min_score_at_the_ends_of_the_range_is_accepted():
    indices, _ = textsim.most_similar(X, k=3, min_score=-1)
    assert (indices >= 0).all()
    textsim.most_similar(X, k=3, min_score=1)
    textsim.similar_pairs(X, min_score=1)


# -- save files --------------------------------------------------------------------------------


def saved(estimator) -> bytes:
    buffer = io.BytesIO()
    textsim.save(estimator, buffer)
    return buffer.getvalue()


class Boom:
    def __reduce__(self):  # pragma: no cover - must never be called
        return (exec, ("raise SystemExit('code from a model file ran')",))


def foreign_files() -> list[tuple[str, bytes]]:
    good = saved(textsim.TfidfVectorizer().fit(GOOD))
    zipped_pickle = io.BytesIO()
    with zipfile.ZipFile(zipped_pickle, "w") as archive:
        archive.writestr("textsim-model.json", b'{"format": "textsim-model"')
        archive.writestr("idf.npy", pickle.dumps(Boom()))
    npy_pickle = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(npy_pickle, "w") as archive:
        for name in source.namelist():
            data = source.read(name)
            if name.endswith(".npy"):
                buffer = io.BytesIO()
                np.save(buffer, np.array([Boom()], dtype=object), allow_pickle=True)
                data = buffer.getvalue()
            archive.writestr(name, data)
    flipped = bytearray(good)
    flipped[len(flipped) // 2] ^= 0xFF
    return [
        ("empty", b""),
        ("garbage", b"not a model at all"),
        ("pickle", pickle.dumps(Boom())),
        ("truncated", good[: len(good) // 2]),
        ("truncated-end", good[:-10]),
        ("corrupted", bytes(flipped)),
        ("zip-with-pickle", zipped_pickle.getvalue()),
        ("object-npy", npy_pickle.getvalue()),
    ]


@pytest.mark.parametrize("name, data", foreign_files(), ids=[n for n, _ in foreign_files()])
def test_corrupted_truncated_and_foreign_model_files_are_refused_without_running_code(name, data):
    with pytest.raises(ValueError) as raised:
        textsim.load(io.BytesIO(data))
    assert str(raised.value)
    with pytest.raises(ValueError):
        textsim.SimilarityIndex.load(io.BytesIO(data))


def index_files() -> list[tuple[str, bytes]]:
    buffer = io.BytesIO()
    textsim.SimilarityIndex().fit(GOOD).save(buffer)
    good = buffer.getvalue()
    flipped = bytearray(good)
    flipped[len(flipped) // 3] ^= 0xFF
    wrong_manifest = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(wrong_manifest, "w") as out:
        for name in source.namelist():
            data = b"[1, 2]" if name.endswith(".json") else source.read(name)
            out.writestr(name, data)
    return [
        ("truncated", good[: len(good) // 2]),
        ("corrupted", bytes(flipped)),
        ("manifest-not-an-object", wrong_manifest.getvalue()),
        ("garbage", b"\x00" * 100),
    ]


@pytest.mark.parametrize("name, data", index_files(), ids=[n for n, _ in index_files()])
def test_damaged_similarity_index_files_are_refused(name, data):
    with pytest.raises(ValueError):
        textsim.SimilarityIndex.load(io.BytesIO(data))


def test_k_larger_than_the_candidates_pads_and_a_huge_k_is_an_exception_not_an_abort():
    indices, scores = textsim.most_similar(X, k=25)
    expected, expected_scores = textsim.most_similar(X, k=19)
    np.testing.assert_array_equal(indices[:, :19], expected)
    np.testing.assert_array_equal(scores[:, :19], expected_scores)
    assert (indices[:, 19:] == -1).all() and (scores[:, 19:] == 0).all()
    for k in (10**12, 2**62, 2**64):
        # Was: Rust's allocation failure aborted the interpreter.
        with pytest.raises((MemoryError, ValueError)):
            textsim.most_similar(X, k=k)
    from textsim import _core

    parts = (X.data, X.indices, X.indptr, X.shape)
    with pytest.raises(MemoryError, match="do not fit"):
        _core.most_similar(parts, parts, k=2**62, min_score=None, exclude_self=True, n_jobs=None)


def test_an_absurd_n_jobs_is_capped_not_a_hang():
    # Was: n_jobs=10_000 started 10,000 threads, which took minutes on two cores.
    expected = textsim.TfidfVectorizer(n_jobs=1).fit_transform(GOOD).toarray()
    for n_jobs in (10_000, 2**40):
        got = textsim.TfidfVectorizer(n_jobs=n_jobs).fit_transform(GOOD).toarray()
        np.testing.assert_array_equal(got, expected)
