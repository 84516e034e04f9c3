"""Methods that fail leave their object as it was (issue 13, item 10): every public method of
``SimilarityIndex``, ``CorpusStats``, the vectorizers, ``TfidfTransformer`` and ``Tokenizer``
that raises (a bad document, a bad argument) leaves every attribute the very object it was,
and the answers afterwards are the ones before."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import textsim

DOCS = ["the cat sat on the mat", "a dog sat on a log", "the cat and the dog", "cats and dogs"]
OTHER = ["zebras graze", "lions hunt zebras", "giraffes eat leaves", "hippos wallow"]


def snapshot(*objects) -> list[dict[str, int]]:
    return [{name: id(value) for name, value in vars(obj).items()} for obj in objects]


def bad_generator():
    yield from OTHER
    yield None  # a missing document, after the good ones


def test_item10_a_failing_index_fit_does_not_refit_its_vectorizer():
    index = textsim.SimilarityIndex().fit(DOCS, ids=list("abcd"))
    vocabulary = dict(index.vectorizer.vocabulary_)
    before = index.query(["the cat"], k=2)
    state = snapshot(index, index.vectorizer)
    # ids of the wrong length, found only once the generator's documents are fitted
    with pytest.raises(ValueError, match="ids"):
        index.fit((d for d in OTHER), ids=["x", "y"])
    # and of a list, refused before fitting
    with pytest.raises(ValueError, match="ids"):
        index.fit(OTHER, ids=["x", "y"])
    assert snapshot(index, index.vectorizer) == state
    assert index.vectorizer.vocabulary_ == vocabulary
    after = index.query(["the cat"], k=2)
    np.testing.assert_array_equal(after.indices, before.indices)
    np.testing.assert_array_equal(after.scores, before.scores)
    assert after.ids == before.ids


@pytest.fixture
def index():
    return textsim.SimilarityIndex().fit(DOCS, ids=list("abcd"), titles=list("ABCD"))


INDEX_FAILURES = [
    ("fit", lambda i: i.fit(bad_generator())),
    ("fit-titles", lambda i: i.fit(OTHER, ids=list("wxyz"), titles=["t"])),
    ("add-missing-doc", lambda i: i.add(["fine", None], ids=["e", "f"], titles=["E", "F"])),
    ("add-without-ids", lambda i: i.add(["fine"])),
    ("add-wrong-ids", lambda i: i.add(["fine"], ids=["e", "f"], titles=["E"])),
    ("query", lambda i: i.query(["fine", None])),
    ("query-k", lambda i: i.query(["fine"], k=0)),
    ("similar_to", lambda i: i.similar_to("nope")),
    ("save", lambda i: i.save("/nonexistent-folder/index.textsim-index")),
]


@pytest.mark.parametrize("call", [c for _, c in INDEX_FAILURES], ids=[n for n, _ in INDEX_FAILURES])
def test_every_failing_similarity_index_method_leaves_it_as_it_was(index, call):
    state = snapshot(index, index.vectorizer)
    matrix = index.matrix_.copy()
    with pytest.raises((ValueError, TypeError, KeyError, OSError)):
        call(index)
    assert snapshot(index, index.vectorizer) == state
    assert (index.matrix_ != matrix).nnz == 0


def test_a_failing_corpus_stats_update_adds_nothing():
    stats = textsim.CorpusStats().update(DOCS)
    counts, n = stats.to_dict(), stats.n_documents
    with pytest.raises(ValueError):
        stats.update(bad_generator(), batch_size=1)  # fails in the fifth batch
    assert stats.to_dict() == counts and stats.n_documents == n
    other = textsim.CorpusStats(textsim.CountVectorizer(lowercase=False)).update(OTHER)
    state = snapshot(stats)
    with pytest.raises(ValueError):
        stats.merge(other)
    with pytest.raises(TypeError):
        stats.merge("not stats")
    assert snapshot(stats) == state and stats.to_dict() == counts


def vectorizer_failures(name: str):
    cases = [
        # HashingVectorizer's fit reads no document (scikit-learn's does not either)
        ("fit", lambda v: v.fit("one string" if name == "HashingVectorizer" else bad_generator())),
        ("fit_transform", lambda v: v.fit_transform(bad_generator())),
        ("transform", lambda v: v.transform(["fine", None])),
        ("set_params", lambda v: v.set_params(lowercase=False, no_such_parameter=1)),
        ("fit-bad-param", lambda v: v.set_params(ngram_range=(2, 1)).fit(DOCS)),
    ]
    if name != "HashingVectorizer":
        cases += [
            ("partial_fit", lambda v: v.partial_fit(bad_generator())),
            ("fit_from_stats", lambda v: v.fit_from_stats(
                textsim.CorpusStats(textsim.CountVectorizer(lowercase=False)))),
        ]
    return cases


@pytest.mark.parametrize(
    "name, label, call",
    [
        (name, label, call)
        for name in ("CountVectorizer", "TfidfVectorizer", "HashingVectorizer")
        for label, call in vectorizer_failures(name)
    ],
    ids=[
        f"{name}-{label}"
        for name in ("CountVectorizer", "TfidfVectorizer", "HashingVectorizer")
        for label, _ in vectorizer_failures(name)
    ],
)
def test_every_failing_vectorizer_method_leaves_it_as_it_was(name, label, call):
    vectorizer = getattr(textsim, name)()
    expected = vectorizer.fit_transform(DOCS)
    vectorizer.transform(DOCS)  # caches made
    params = vectorizer.get_params()
    state = snapshot(vectorizer)
    with pytest.raises((ValueError, TypeError)):
        call(vectorizer)
    if label == "fit-bad-param":  # set_params succeeded, then fit failed: fit restores all
        vectorizer.set_params(ngram_range=(1, 1))
    else:
        assert snapshot(vectorizer) == state
    assert vectorizer.get_params() == params
    got = vectorizer.transform(DOCS)
    assert (got != expected).nnz == 0


def test_failing_tfidf_transformer_methods_leave_it_as_it_was():
    counts = textsim.CountVectorizer().fit_transform(DOCS)
    transformer = textsim.TfidfTransformer().fit(counts)
    state = snapshot(transformer)
    for call in (
        lambda t: t.fit(sp.csr_matrix(np.full((2, 3), np.nan))),
        lambda t: t.transform(counts[:, :2]),
        lambda t: t.fit_transform("text"),
        lambda t: t.set_params(norm="l1", bogus=True),
    ):
        with pytest.raises((ValueError, TypeError)):
            call(transformer)
        assert snapshot(transformer) == state


def test_a_tokenizer_set_params_that_fails_sets_none_of_them():
    tokenizer = textsim.Tokenizer()
    state = snapshot(tokenizer)
    with pytest.raises(ValueError):
        tokenizer.set_params(lowercase=False, token_pattern="(")
    with pytest.raises(ValueError):
        tokenizer.set_params(lowercase=False, no_such_parameter=1)
    assert snapshot(tokenizer) == state
    assert tokenizer.tokenize("The Cat") == ["the", "cat"]
