"""CorpusStats, partial_fit, fit_from_stats and the streaming fit: statistics merged from any
split of a corpus give exactly the vocabulary and idf of one fit over all of it."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest

import textsim
from generated import WORDS, generated_corpus
from textsim import CorpusStats, CountVectorizer, ParameterError, TfidfVectorizer, VocabularyError


def random_split(docs: list[str], rng: random.Random) -> list[list[str]]:
    cuts = sorted(rng.sample(range(1, len(docs)), rng.randint(1, 6)))
    bounds = [0, *cuts, len(docs)]
    return [docs[a:b] for a, b in zip(bounds, bounds[1:])]


PARAMS = [
    {},
    {"min_df": 2, "max_df": 0.9},
    {"max_features": 7},
    {"max_features": 7, "binary": True},
    {"min_df": 0.01, "max_df": 40, "ngram_range": (1, 2)},
    {"analyzer": "char_wb", "ngram_range": (2, 3), "max_features": 50},
    {"stop_words": ["the", "of"], "sublinear_tf": True, "smooth_idf": False},
    {"use_idf": False},
    {"tokenizer": str.split, "token_pattern": None},
]


def assert_same_fit(fitted: TfidfVectorizer, expected: TfidfVectorizer) -> None:
    assert fitted.vocabulary_ == expected.vocabulary_
    if expected.use_idf:
        assert fitted.idf_.dtype == expected.idf_.dtype
        np.testing.assert_array_equal(fitted.idf_, expected.idf_)
    else:
        assert not hasattr(fitted._tfidf, "idf_")


@pytest.mark.parametrize("params", PARAMS, ids=str)
def test_fit_from_statistics_equals_the_counting_fit(params):
    docs = generated_corpus(300)
    by_stats = TfidfVectorizer(**params).fit(docs)
    by_counting = TfidfVectorizer(**params)
    matrix = by_counting.fit_transform(docs)
    assert_same_fit(by_stats, by_counting)
    assert (by_stats.transform(docs) != matrix).nnz == 0


@pytest.mark.parametrize("params", PARAMS[:5], ids=str)
def test_fit_equals_scikit_learn(params):
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    # ASCII text: there textsim's tokens are scikit-learn's.
    docs = generated_corpus(300, words=[w for w in WORDS if w.isascii()])
    ours = TfidfVectorizer(**params).fit(docs)
    theirs = sklearn_text.TfidfVectorizer(**params).fit(docs)
    if "max_features" not in params:
        assert ours.vocabulary_ == theirs.vocabulary_
    else:
        # scikit-learn leaves ties at the cut to an unstable sort; only compare when untied.
        counts = sklearn_text.CountVectorizer(**{**params, "max_features": None}).fit_transform(docs)
        totals = np.sort(np.asarray((counts > 0 if params.get("binary") else counts).sum(0)).ravel())[::-1]
        if totals[params["max_features"] - 1] != totals[params["max_features"]]:
            assert ours.vocabulary_ == theirs.vocabulary_
    if ours.vocabulary_ == theirs.vocabulary_:
        np.testing.assert_allclose(ours.idf_, theirs.idf_, rtol=0, atol=1e-15)


@pytest.mark.parametrize("seed", range(8))
def test_partial_fit_over_random_splits_equals_one_fit(seed):
    rng = random.Random(seed)
    docs = generated_corpus(rng.randint(50, 400), seed=seed)
    params = PARAMS[seed % len(PARAMS)]
    expected = TfidfVectorizer(**params).fit(docs)
    vectorizer = TfidfVectorizer(**params)
    for part in random_split(docs, rng):
        assert vectorizer.partial_fit(part, batch_size=rng.randint(1, 64)) is vectorizer
    assert vectorizer.corpus_stats_.n_documents == len(docs)
    assert vectorizer.fit_from_stats() is vectorizer
    assert_same_fit(vectorizer, expected)


@pytest.mark.parametrize("seed", range(6))
def test_merge_is_associative_and_commutative(seed):
    rng = random.Random(seed)
    docs = generated_corpus(250, seed=seed)
    vectorizer = CountVectorizer(ngram_range=(1, 2))
    whole = CorpusStats(vectorizer).update(docs)
    parts = [CorpusStats(vectorizer).update(part) for part in random_split(docs, rng)]

    forwards = CorpusStats(vectorizer)
    for part in parts:
        forwards.merge(part)
    shuffled = parts[:]
    rng.shuffle(shuffled)
    backwards = shuffled[0].copy()
    for part in shuffled[1:]:
        backwards.merge(part)
    # A tree: pairs merged, then the pairs' results.
    level = [p.copy() for p in parts]
    while len(level) > 1:
        level = [
            level[i].copy().merge(level[i + 1]) if i + 1 < len(level) else level[i]
            for i in range(0, len(level), 2)
        ]
    for merged in (forwards, backwards, level[0]):
        assert merged == whole
        assert merged.to_dict() == whole.to_dict()
        assert pickle.dumps(merged) == pickle.dumps(whole)
    # Merging did not change the parts.
    assert sum(p.n_documents for p in parts) == len(docs)
    fitted = CountVectorizer(ngram_range=(1, 2)).fit_from_stats(backwards)
    assert fitted.vocabulary_ == CountVectorizer(ngram_range=(1, 2)).fit(docs).vocabulary_


def test_statistics_hold_document_frequencies_and_totals():
    stats = CorpusStats().update(["the cat and the hat", "the dog", ""])
    assert stats.n_documents == 3
    assert len(stats) == 5
    assert stats.to_dict() == {
        "and": (1, 1), "cat": (1, 1), "dog": (1, 1), "hat": (1, 1), "the": (2, 3),
    }
    assert repr(stats) == "CorpusStats(5 terms, 3 documents)"
    stats.merge(stats)
    assert stats.to_dict()["the"] == (4, 6)
    assert stats.n_documents == 6


def test_pickle_is_small_checked_and_round_trips():
    docs = generated_corpus(500)
    stats = CorpusStats(TfidfVectorizer(min_df=2)).update(docs)
    blob = pickle.dumps(stats)
    restored = pickle.loads(blob)
    assert restored == stats
    assert restored.settings == stats.settings
    # The state is the settings, the terms' bytes and 24 bytes per term.
    terms_bytes = sum(len(t.encode()) for t in stats.to_dict())
    assert len(blob) < terms_bytes + 24 * len(stats) + 1500
    # Documents can still be added after unpickling.
    assert restored.update(["নতুন শব্দ"]).n_documents == 501

    _restore, state = stats.__reduce__()
    settings, n_jobs, text, ends, df, total, n = state
    with pytest.raises(ParameterError, match="document frequency"):
        _restore(settings, n_jobs, text, ends, df, total, 1)
    with pytest.raises(ParameterError, match="twice"):
        _restore(settings, n_jobs, text[:2] * 2, np.array([2, 4], "<i8").tobytes(),
                 np.array([1, 1], "<u8").tobytes(), np.array([1, 1], "<u8").tobytes(), 5)
    with pytest.raises(ParameterError, match="settings"):
        _restore({"lowercase": True}, n_jobs, text, ends, df, total, n)


def test_different_analyzer_settings_do_not_merge():
    a = CorpusStats(CountVectorizer()).update(["a b c"])
    b = CorpusStats(CountVectorizer(lowercase=False, ngram_range=(1, 2))).update(["a b c"])
    with pytest.raises(ParameterError, match=r"lowercase=True vs False.*ngram_range"):
        a.merge(b)
    with pytest.raises(TypeError):
        a.merge({"a": 1})  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="different analyzer settings"):
        CountVectorizer(lowercase=False).fit_from_stats(a)
    # Settings that only prune or weigh do not matter; stop word lists are sets.
    c = CorpusStats(TfidfVectorizer(min_df=3, sublinear_tf=True, stop_words=["b", "a"]))
    c.merge(CorpusStats(CountVectorizer(stop_words=("a", "b"))))


def test_partial_fit_refuses_changed_settings_and_fit_starts_over():
    vectorizer = CountVectorizer()
    vectorizer.partial_fit(["a b", "b c"])
    vectorizer.set_params(analyzer="char")
    with pytest.raises(ParameterError, match="analyzer"):
        vectorizer.partial_fit(["x"])
    vectorizer.set_params(analyzer="word")
    vectorizer.fit(["only this"])
    assert not hasattr(vectorizer, "corpus_stats_")
    with pytest.raises(textsim.NotFittedError, match="partial_fit"):
        vectorizer.fit_from_stats()
    assert vectorizer.vocabulary_ == {"only": 0, "this": 1}


def test_errors_are_the_fits_errors():
    for docs in ([], ["", "a"]):
        with pytest.raises(VocabularyError) as by_stats:
            CountVectorizer().fit(docs)
        with pytest.raises(VocabularyError) as by_counting:
            CountVectorizer().fit_transform(docs)
        assert str(by_stats.value) == str(by_counting.value)
    with pytest.raises(ValueError, match="max_df corresponds to < documents than min_df"):
        CountVectorizer(min_df=5).fit(["aa bb", "bb cc"])
    with pytest.raises(VocabularyError):
        CountVectorizer(min_df=3, max_df=4).fit(["aa bb", "bb cc"])
    with pytest.raises(ParameterError, match="batch_size"):
        CountVectorizer().fit(iter(["a"]), batch_size=0)
    with pytest.raises(ValueError, match="string object received"):
        CountVectorizer().partial_fit("a b")
    assert CountVectorizer(vocabulary=["a"]).fit_from_stats(CorpusStats()).vocabulary_ == {"a": 0}


@pytest.mark.parametrize(
    "params",
    [{}, {"smooth_idf": False}, {"dtype": np.float32, "sublinear_tf": True}, {"use_idf": False}],
    ids=str,
)
def test_a_fixed_vocabularys_idf_from_statistics_equals_the_counting_fit(params):
    docs = generated_corpus(200)
    seen = sorted(CountVectorizer().fit(docs).vocabulary_)
    # Terms in many documents, in few, and one in none (its idf is the largest, or inf
    # without smoothing, as scikit-learn gives it).
    vocabulary = [*seen[::7], "neverseen"]
    counting = TfidfVectorizer(vocabulary=vocabulary, **params)
    with np.errstate(divide="ignore"):
        expected = counting.fit_transform(docs)
        by_stats = TfidfVectorizer(vocabulary=vocabulary, **params).fit_from_stats(
            CorpusStats(TfidfVectorizer()).update(docs)
        )
        streamed = TfidfVectorizer(vocabulary=vocabulary, **params)
        for start in range(0, len(docs), 64):
            streamed.partial_fit(docs[start : start + 64])
        streamed.fit_from_stats()
    for fitted in (by_stats, streamed):
        assert_same_fit(fitted, counting)
        assert (fitted.transform(docs) != expected).nnz == 0
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    if params.get("smooth_idf", True) and params.get("use_idf", True):
        ascii_docs = generated_corpus(200, words=[w for w in WORDS if w.isascii()])
        ours = TfidfVectorizer(vocabulary=vocabulary, **params).fit_from_stats(
            CorpusStats(TfidfVectorizer()).update(ascii_docs)
        )
        theirs = sklearn_text.TfidfVectorizer(vocabulary=vocabulary, **params).fit(ascii_docs)
        np.testing.assert_allclose(ours.idf_, theirs.idf_, rtol=1e-6 if "dtype" in params else 1e-12)


@pytest.mark.parametrize("batch_size", [None, 1, 7, 100_000])
def test_generators_in_batches_give_the_same_fit_and_matrix(batch_size):
    docs = generated_corpus(200, seed=3)
    expected = TfidfVectorizer(min_df=2)
    matrix = expected.fit_transform(docs)
    streamed = TfidfVectorizer(min_df=2).fit((d for d in docs), batch_size=batch_size)
    assert_same_fit(streamed, expected)
    for source in ((d for d in docs), docs, tuple(docs), np.array(docs, dtype=object)):
        got = streamed.transform(source, batch_size=batch_size)
        assert got.has_sorted_indices
        assert (got != matrix).nnz == 0
    listed = TfidfVectorizer(min_df=2).fit(docs, batch_size=batch_size)
    assert_same_fit(listed, expected)
    counts = CountVectorizer().fit_transform(iter(docs), batch_size=batch_size)
    assert (counts != CountVectorizer().fit_transform(docs)).nnz == 0


def test_batch_size_is_not_a_constructor_parameter():
    assert "batch_size" not in TfidfVectorizer().get_params()
    assert "batch_size" not in CountVectorizer().get_params()


def test_parameters_are_checked_before_any_document_is_read():
    def unread():
        raise AssertionError("a document was read")
        yield "never"

    with pytest.raises(ParameterError, match="min_df"):
        TfidfVectorizer(min_df=-1).fit(unread())
    with pytest.raises(ParameterError, match="max_features"):
        CountVectorizer(max_features=0).fit(unread())


def test_each_warning_once():
    import warnings

    for vectorizer in (
        CountVectorizer(vocabulary=["aa"], tokenizer=str.split),
        CountVectorizer(tokenizer=str.split),
        TfidfVectorizer(tokenizer=str.split),
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            vectorizer.fit(["aa bb"])
        assert [str(w.message) for w in caught] == [
            "The parameter 'token_pattern' will not be used since 'tokenizer' is not None'"
        ]


def test_statistics_without_a_vectorizer_are_for_every_vectorizers_default_analysis():
    defaults = CorpusStats().settings
    for cls in (CountVectorizer, TfidfVectorizer, textsim.HashingVectorizer):
        vectorizer = cls()
        assert {name: getattr(vectorizer, name) for name in defaults} == defaults, cls.__name__
