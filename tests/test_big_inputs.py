"""Big inputs give correct results, checked against simple references: a single 200 MB document,
a million tiny documents, a vocabulary of tens of millions of distinct tokens. Slow (minutes,
a few GB): run with --run-slow."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import textsim

pytestmark = pytest.mark.slow


def test_a_single_200_mb_document():
    # 10,000 distinct words, word i repeated (i % 97) + 1 times per block, blocks repeated.
    words = [f"word{i}" for i in range(10_000)]
    block = " ".join(w for i, w in enumerate(words) for _ in range(i % 97 + 1))
    repeats = 200 * 2**20 // len(block) + 1
    document = "\n".join([block] * repeats)
    assert len(document) >= 200 * 2**20
    vectorizer = textsim.CountVectorizer(dtype=np.int64)
    X = vectorizer.fit_transform([document, "word1 extra"])
    expected = {w: (i % 97 + 1) * repeats for i, w in enumerate(words)}
    columns = vectorizer.vocabulary_
    assert set(columns) == set(words) | {"extra"}
    row = X[0].toarray().ravel()
    for word, count in expected.items():
        assert row[columns[word]] == count
    assert X[1, columns["word1"]] == 1 and X[1, columns["extra"]] == 1
    assert textsim.Tokenizer().count_tokens([document])[0] == sum(expected.values())


def test_a_million_tiny_documents():
    n = 1_000_000
    docs = [f"t{i % 1000} u{i % 7} v{i}" if i % 11 else "" for i in range(n)]
    vectorizer = textsim.TfidfVectorizer(min_df=2)
    X = vectorizer.fit_transform(docs)
    assert X.shape == (n, 1000 + 7)  # every v{i} is in one document only: pruned
    df = collections.Counter(
        token for doc in docs for token in set(doc.split()) if not token.startswith("v")
    )
    columns = vectorizer.vocabulary_
    idf = vectorizer.idf_
    for term, frequency in df.items():
        assert idf[columns[term]] == pytest.approx(np.log((n + 1) / (frequency + 1)) + 1, rel=1e-12)
    nonzero_rows = np.diff(X.indptr)
    assert (nonzero_rows[:: 11] == 0).all()
    assert (np.delete(nonzero_rows, np.arange(0, n, 11)) == 2).all()
    indices, scores = textsim.most_similar(X[:1000], X, k=3)
    has_terms = np.arange(1000) % 11 != 0
    assert (scores[has_terms] > 0).all() and (indices[~has_terms] == -1).all()


def test_tens_of_millions_of_distinct_tokens():
    # 10 million distinct pseudo-random 10-letter tokens, each once, in 2,000 documents. Token
    # i spells, in base 26, p(i) = i * A mod 26**10: a bijection (A is prime to 26), so the
    # tokens are distinct, and their code point order is the order of p.
    n_tokens, n_docs = 10_000_000, 2_000
    modulus, multiplier = np.int64(26**10), np.int64(42_424_242_421)
    assert multiplier % 2 and multiplier % 13
    p = (np.arange(n_tokens, dtype=np.int64) * multiplier) % modulus
    letters = np.empty((n_tokens, 11), dtype=np.uint8)
    digits = p.copy()
    for position in range(9, -1, -1):
        letters[:, position] = ord("a") + digits % 26
        digits //= 26
    letters[:, 10] = ord(" ")
    text = letters.tobytes()
    del letters, digits
    per_doc = n_tokens // n_docs
    width = 11 * per_doc
    docs = [text[i * width : (i + 1) * width].decode("ascii") for i in range(n_docs)]
    del text
    vectorizer = textsim.CountVectorizer(dtype=np.int32)
    X = vectorizer.fit_transform(docs)
    assert X.shape == (n_docs, n_tokens)
    assert X.nnz == n_tokens and (X.data == 1).all()
    # Columns are the tokens in code point order: token i's column is the rank of p(i).
    rank = np.empty(n_tokens, dtype=np.int64)
    rank[np.argsort(p)] = np.arange(n_tokens)
    np.testing.assert_array_equal(X.indices, np.sort(rank.reshape(n_docs, per_doc), axis=1).ravel())
