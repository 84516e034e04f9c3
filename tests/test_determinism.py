"""Results are bit-identical for any number of threads, any batch size and every run."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import textsim
import textsim._analysis as analysis

WORDS = [f"t{i}" for i in range(300)] + ["বাংলা", "ভাষা", "Ελλάδα", "日本", "ok"]


def corpus(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    # Zipf-like word choice: many ties in counts and document frequencies.
    p = 1.0 / np.arange(1, len(WORDS) + 1)
    p /= p.sum()
    return [" ".join(rng.choice(WORDS, size=rng.integers(0, 40), p=p)) for _ in range(n)]


DOCS = corpus(2500, 7)
THREADS = [1, 2, 3, 8]


def fingerprint(matrix: sp.csr_matrix) -> tuple[bytes, bytes, bytes, tuple[int, int], str]:
    return (
        matrix.indptr.tobytes(),
        matrix.indices.tobytes(),
        matrix.data.tobytes(),
        matrix.shape,
        matrix.dtype.str,
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ngram_range": (1, 3), "sublinear_tf": True},
        {"analyzer": "char_wb", "ngram_range": (2, 4), "dtype": np.float32},
        {"max_features": 50, "min_df": 2, "max_df": 0.9},
    ],
    ids=["default", "ngrams", "char-float32", "pruned"],
)
def test_tfidf_is_bit_identical_for_any_thread_count(params):
    results = []
    for n_jobs in THREADS:
        vectorizer = textsim.TfidfVectorizer(n_jobs=n_jobs, **params)
        fitted = vectorizer.fit_transform(DOCS)
        results.append(
            (
                fingerprint(fitted),
                fingerprint(vectorizer.transform(DOCS[::3])),
                vectorizer.idf_.tobytes(),
                tuple(vectorizer.get_feature_names_out()),
            )
        )
    assert all(r == results[0] for r in results)


@pytest.mark.parametrize("batch", [1, 7, 1000])
def test_fitting_in_batches_is_bit_identical_to_one_go(monkeypatch, batch):
    whole = textsim.TfidfVectorizer(ngram_range=(1, 2))
    expected = fingerprint(whole.fit_transform(DOCS))
    monkeypatch.setattr(analysis, "_BATCH", batch)
    batched = textsim.TfidfVectorizer(ngram_range=(1, 2))
    # A generator is read in batches of _BATCH documents.
    assert fingerprint(batched.fit_transform(d for d in DOCS)) == expected
    assert fingerprint(batched.transform(d for d in DOCS)) == expected
    assert batched.idf_.tobytes() == whole.idf_.tobytes()


def test_hashing_and_counting_are_bit_identical_for_any_thread_count():
    hashed = {fingerprint(textsim.HashingVectorizer(n_jobs=n).transform(DOCS)) for n in THREADS}
    counted = {fingerprint(textsim.CountVectorizer(n_jobs=n).fit_transform(DOCS)) for n in THREADS}
    tokens = {
        tuple(map(tuple, textsim.Tokenizer(n_jobs=n).tokenize_many(DOCS))) for n in THREADS
    }
    assert len(hashed) == len(counted) == len(tokens) == 1


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_similarity_is_bit_identical_for_any_thread_count_and_run(dtype):
    X = textsim.TfidfVectorizer(dtype=dtype).fit_transform(DOCS)
    results = set()
    for n_jobs in THREADS:
        for _ in range(2):
            indices, scores = textsim.most_similar(X, k=7, n_jobs=n_jobs)
            low, low_scores = textsim.most_similar(X[:300], X, k=4, min_score=-0.5, n_jobs=n_jobs)
            pairs = textsim.similar_pairs(X, min_score=0.3, n_jobs=n_jobs)
            groups = textsim.near_duplicates(X, min_score=0.8, n_jobs=n_jobs)
            results.add(
                (
                    indices.tobytes(),
                    scores.tobytes(),
                    low.tobytes(),
                    low_scores.tobytes(),
                    fingerprint(pairs),
                    groups.tobytes(),
                )
            )
    assert len(results) == 1


def test_the_thread_count_from_the_environment_gives_the_same_result(monkeypatch):
    expected = fingerprint(textsim.TfidfVectorizer(n_jobs=1).fit_transform(DOCS))
    for threads in ("1", "2", "5"):
        monkeypatch.setenv("TEXTSIM_NUM_THREADS", threads)
        assert fingerprint(textsim.TfidfVectorizer().fit_transform(DOCS)) == expected
