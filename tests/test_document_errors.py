"""An error about one document carries the document's number as ``document``: its place in the
whole input, across the batches a generator or ``batch_size`` cuts it into (the core is told
where each batch starts), and None for a document given on its own."""

from __future__ import annotations

import pickle

import pytest

import textsim
from textsim import DocumentDecodeError, DocumentError, DocumentTypeError

FINE = ["the market rose", "পুতিন উত্তর কোরিয়ায়", "markets fell on Tuesday"]

BAD = [
    pytest.param(None, DocumentTypeError, id="None"),
    pytest.param(float("nan"), DocumentError, id="NaN"),
    pytest.param(3, DocumentTypeError, id="a number"),
    pytest.param("lone \ud800 surrogate", DocumentError, id="lone surrogate"),
    pytest.param(b"not \xff utf-8", DocumentDecodeError, id="invalid UTF-8"),
]


def documents(bad, at: int) -> list:
    docs = [FINE[i % len(FINE)] for i in range(at + 5)]
    docs[at] = bad
    return docs


@pytest.mark.parametrize("bad, error", BAD)
def test_the_number_is_the_documents_place_in_the_whole_input(bad, error):
    docs = documents(bad, 23)
    vectorizer = textsim.TfidfVectorizer().fit(FINE)
    calls = {
        "fit": lambda d, **kw: textsim.TfidfVectorizer().fit(d, **kw),
        "fit_transform": lambda d, **kw: textsim.CountVectorizer().fit_transform(d, **kw),
        "transform": vectorizer.transform,
        "hashing": textsim.HashingVectorizer().transform,
        "partial_fit": lambda d, **kw: textsim.CountVectorizer().partial_fit(d, **kw),
        "CorpusStats.update": lambda d, **kw: textsim.CorpusStats().update(d, **kw),
    }
    for name, call in calls.items():
        for batch_size in (None, 1, 4, 10):
            with pytest.raises(error) as raised:
                call(iter(docs), batch_size=batch_size)
            assert raised.value.document == 23, (name, batch_size)
            assert str(raised.value).count("document 23") == 1, (name, str(raised.value))
    for call in (textsim.Tokenizer().tokenize_many, textsim.Tokenizer().count_tokens):
        with pytest.raises(error) as raised:
            call(docs)
        assert raised.value.document == 23


@pytest.mark.parametrize("bad, error", BAD)
def test_a_document_on_its_own_has_no_number(bad, error):
    for call in (textsim.Tokenizer().tokenize, textsim.Tokenizer().normalize):
        with pytest.raises(error) as raised:
            call(bad)
        assert raised.value.document is None


def test_bytes_decoded_in_python_carry_the_number_too():
    docs = [b"caf\xe9 ok"] * 9 + [b"ok \x81 bad"]
    with pytest.raises(DocumentDecodeError) as raised:
        textsim.CountVectorizer(encoding="cp1252").fit(iter(docs), batch_size=4)
    assert raised.value.document == 9
    assert isinstance(raised.value, UnicodeDecodeError)
    assert str(raised.value).startswith("document 9 is not valid ")


def test_a_null_in_an_arrow_column_carries_its_number():
    pyarrow = pytest.importorskip("pyarrow")
    column = pyarrow.chunked_array([["a b", "c d"], ["e f", None]])
    with pytest.raises(DocumentTypeError) as raised:
        textsim.CountVectorizer().fit(column)
    assert raised.value.document == 3


@pytest.mark.parametrize("bad, error", BAD)
def test_the_number_survives_pickling(bad, error):
    with pytest.raises(error) as raised:
        textsim.CountVectorizer().fit(documents(bad, 2))
    copy = pickle.loads(pickle.dumps(raised.value))
    assert type(copy) is type(raised.value)
    assert (copy.document, str(copy)) == (2, str(raised.value))
