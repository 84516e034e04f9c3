"""Issue 13's smaller points (item 13), and its memory items by number (items 1, 3 and 4 are
tested in depth elsewhere; these name them): complex matrices are refused as scikit-learn
refuses them, a ``k`` no memory holds is a ``MemoryError`` as documented, and a missing
document in pandas 3's default strings is a ``ValueError`` as in scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import textsim
from memory_cap import GIB, assert_survived, run_capped

DOCS = ["the cat sat on the mat", "a dog sat on a log", "the cat and the dog", "cats and dogs"]


@pytest.mark.parametrize(
    "call",
    [
        lambda X: textsim.most_similar(X, k=2),
        lambda X: textsim.cosine_similarity(X),
        lambda X: textsim.similar_pairs(X, min_score=0.5),
        lambda X: textsim.near_duplicates(X, min_score=0.5),
        lambda X: textsim.TfidfTransformer().fit(X),
    ],
    ids=["most_similar", "cosine_similarity", "similar_pairs", "near_duplicates", "tfidf"],
)
@pytest.mark.parametrize("sparse", [True, False], ids=["sparse", "dense"])
def test_item13_complex_matrices_are_refused(call, sparse):
    X = np.array([[1 + 2j, 0, 1], [0, 1j, 1], [1, 1, 0]])
    with pytest.raises(ValueError, match="Complex data not supported"):
        call(sp.csr_matrix(X) if sparse else X)


@pytest.mark.parametrize("k", [10**18, 2**62, 2**64])
def test_item13_a_k_no_memory_holds_is_a_memory_error(k):
    X = textsim.TfidfVectorizer().fit_transform(DOCS)
    with pytest.raises(MemoryError):
        textsim.most_similar(X, k=k)
    index = textsim.SimilarityIndex().fit(DOCS)
    with pytest.raises(MemoryError):
        index.query(["cat"], k=k)
    with pytest.raises(MemoryError):
        index.similar_to(0, k=k)


def test_item13_a_missing_document_in_pandas_default_strings_is_a_value_error():
    pd = pytest.importorskip("pandas")
    series = pd.Series([DOCS[0], None, DOCS[1]], dtype="string")
    for make in (textsim.CountVectorizer, textsim.TfidfVectorizer, textsim.HashingVectorizer):
        with pytest.raises(ValueError, match="document 1"):
            make().fit_transform(series)


# -- the memory items, by number (in depth: test_similarity_pruned.py, test_memory.py) ---------


def test_item1_most_similar_on_a_matrix_of_10_to_the_11_columns_survives_a_cap():
    code = (
        "import numpy as np, scipy.sparse as sp, textsim\n"
        "X = sp.csr_matrix((np.ones(2), np.array([5, 10**11 - 1]), np.array([0, 1, 2])),"
        " shape=(2, 10**11))\n"
        "i, s = textsim.most_similar(X, k=1)\n"
        "print(int(i[0, 0]), float(s[0, 0]))\n"
    )
    assert_survived(run_capped(code, cap_bytes=2 * GIB), "-1 0.0")


def test_item3_near_duplicates_of_30000_copies_is_one_group_under_a_cap():
    code = (
        "import textsim\n"
        "docs = ['the same boilerplate article about the weather today'] * 30_000\n"
        "X = textsim.TfidfVectorizer().fit_transform(docs)\n"
        "labels = textsim.near_duplicates(X, min_score=0.9)\n"
        "print(len(set(labels.tolist())))\n"
    )
    assert_survived(run_capped(code, cap_bytes=2 * GIB), "1")
