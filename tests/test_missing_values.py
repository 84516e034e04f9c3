"""Missing documents are handled one way everywhere: an error naming the document (and its index
label in a pandas Series) by default, ``missing="empty"`` to read them as empty documents; ids
and titles that are missing are refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import scipy.sparse as sp
import textsim
from textsim import MissingDocumentError

GOOD = ["gold prices fell", "gold prices rose again"]


def containers(missing_value):
    docs = [GOOD[0], missing_value, GOOD[1]]
    return {
        "list": docs,
        "tuple": tuple(docs),
        "numpy": np.array(docs, dtype=object),
        "pandas object": pd.Series(docs, index=["a", "b", "c"], dtype=object),
        "pandas default strings": pd.Series([GOOD[0], None, GOOD[1]], index=["a", "b", "c"]),
        "pandas arrow strings": pd.Series(docs, index=["a", "b", "c"], dtype="string[pyarrow]"),
    }


MISSING = [None, float("nan"), np.float64("nan"), pd.NA]


@pytest.mark.parametrize("missing_value", MISSING, ids=repr)
@pytest.mark.parametrize("kind", list(containers(None)))
def test_a_missing_document_is_an_error_naming_it(kind, missing_value):
    docs = containers(missing_value)[kind]
    for call in (
        textsim.TfidfVectorizer().fit,
        textsim.CountVectorizer().fit_transform,
        textsim.HashingVectorizer().transform,
        textsim.Tokenizer().tokenize_many,
    ):
        with pytest.raises(MissingDocumentError, match="document 1") as raised:
            call(docs)
        error = raised.value
        # scikit-learn raises ValueError for NaN; textsim's None used to be a TypeError: both.
        assert isinstance(error, ValueError) and isinstance(error, TypeError)
        assert error.document == 1
        if kind.startswith("pandas"):
            assert "index label 'b'" in str(error) and "fillna" in str(error)
            assert "fill_null" not in str(error)
        assert "missing='empty'" in str(error)


def test_pandas_3_default_strings_are_a_value_error_as_in_scikit_learn():
    docs = pd.Series(["gold prices fell", None])
    with pytest.raises(ValueError, match="np.nan is an invalid document|missing"):
        textsim.TfidfVectorizer().fit(docs)


@pytest.mark.parametrize("missing_value", MISSING, ids=repr)
@pytest.mark.parametrize("kind", list(containers(None)))
def test_missing_empty_reads_them_as_empty_documents(kind, missing_value):
    docs = containers(missing_value)[kind]
    X = textsim.TfidfVectorizer(missing="empty").fit_transform(docs)
    expected = textsim.TfidfVectorizer().fit_transform([GOOD[0], "", GOOD[1]])
    assert X.shape == (3, expected.shape[1]) and X[1].nnz == 0
    assert abs(X - expected).max() == 0
    assert textsim.Tokenizer(missing="empty").tokenize_many(docs)[1] == []


def test_arrow_columns_with_nulls():
    column = pa.array([GOOD[0], None, GOOD[1]])
    with pytest.raises(textsim.DocumentTypeError, match="document 1"):
        textsim.TfidfVectorizer().fit(column)
    assert textsim.TfidfVectorizer(missing="empty").fit_transform(column)[1].nnz == 0


def test_the_users_list_is_not_changed():
    docs = [GOOD[0], None]
    textsim.CountVectorizer(missing="empty").fit(docs)
    assert docs == [GOOD[0], None]


def test_missing_counts_from_the_whole_input_across_batches():
    docs = (d for d in [*GOOD * 5000, None])
    with pytest.raises(MissingDocumentError, match="document 10000"):
        textsim.TfidfVectorizer().fit(docs, batch_size=512)


def test_the_option_is_checked_and_kept():
    with pytest.raises(textsim.ParameterError, match="missing"):
        textsim.TfidfVectorizer(missing="skip").fit(GOOD)
    with pytest.raises(textsim.ParameterError, match="missing"):
        textsim.Tokenizer(missing="drop")
    assert textsim.TfidfVectorizer(missing="empty").get_params()["missing"] == "empty"


@pytest.mark.parametrize("bad", [None, float("nan"), np.nan, pd.NA])
def test_missing_ids_and_titles_are_refused(bad):
    X = sp.identity(2, format="csr")
    with pytest.raises(textsim.ParameterError, match="row 1"):
        textsim.group_articles(X, ids=["a", bad])
    with pytest.raises(textsim.ParameterError, match="row 1"):
        textsim.group_articles(X, titles=pd.Series(["a", bad], dtype=object))
