"""Ctrl-C during a long fit, transform or most_similar raises KeyboardInterrupt promptly (the
core stops at its next checkpoint) and leaves the object as it was, still usable."""

from __future__ import annotations

import signal
import threading
import time

import numpy as np
import pytest
import scipy.sparse as sp

import textsim

# The promise is "about a second"; the bound is generous for a loaded 2-core CI machine.
PROMPT = 5.0
SIGNAL_AFTER = 0.5

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "pthread_kill"), reason="needs signal.pthread_kill (POSIX)"
)


@pytest.fixture(autouse=True)
def ctrl_c_raises_keyboard_interrupt():
    """Python's own SIGINT handler, as a terminal user has it. A process started in the
    background by a non-interactive shell inherits SIGINT ignored, and Python then installs no
    handler, so without this the signal would be dropped before textsim could see it."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def interrupted_after(call, delay: float = SIGNAL_AFTER) -> float:
    """Runs ``call`` on the main thread, sends SIGINT to it ``delay`` seconds in, and returns
    how long after the signal KeyboardInterrupt arrived."""
    assert threading.current_thread() is threading.main_thread()
    sent_at: list[float] = []

    def interrupt() -> None:
        sent_at.append(time.monotonic())
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    timer = threading.Timer(delay, interrupt)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            call()
            # The call finished before the signal: wait for it so that it is raised here.
            time.sleep(delay + 10)
    finally:
        timer.cancel()
        timer.join()
    assert sent_at, "the call ended before the interrupt was sent"
    return time.monotonic() - sent_at[0]


def long_documents() -> list[str]:
    """About 2 GB of text as references to one 100 kB document: many seconds of work for any
    vectorizer, almost no memory."""
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in rng.integers(0, 5000, size=20_000)]
    return [" ".join(words)] * 20_000


def big_matrix(seed: int) -> sp.csr_matrix:
    """30,000 rows of 100 terms among 2,000 (one in each run of 20 columns): about 4.5e9
    multiply-adds for all its cosines, many seconds; made directly, as sp.random is slow."""
    rng = np.random.default_rng(seed)
    n_rows, per_row, spread = 30_000, 100, 20
    indices = (np.arange(per_row) * spread + rng.integers(0, spread, (n_rows, per_row))).ravel()
    data = rng.random(n_rows * per_row) + 0.1
    indptr = np.arange(n_rows + 1) * per_row
    return sp.csr_matrix((data, indices, indptr), shape=(n_rows, per_row * spread))


SMALL = ["the cat sat on the mat", "the dog sat on the log", "cats and dogs", "a mat for a dog"]


def test_fit_is_interrupted_and_the_fitted_vectorizer_is_unchanged():
    vectorizer = textsim.TfidfVectorizer(n_jobs=2).fit(SMALL)
    vocabulary, idf = dict(vectorizer.vocabulary_), vectorizer.idf_.copy()
    before = vectorizer.transform(SMALL).toarray()
    docs = long_documents()
    assert interrupted_after(lambda: vectorizer.fit(docs)) < PROMPT
    assert vectorizer.vocabulary_ == vocabulary
    np.testing.assert_array_equal(vectorizer.idf_, idf)
    np.testing.assert_array_equal(vectorizer.transform(SMALL).toarray(), before)


def test_transform_is_interrupted_and_the_vectorizer_still_works():
    vectorizer = textsim.TfidfVectorizer(n_jobs=2).fit(SMALL)
    before = vectorizer.transform(SMALL).toarray()
    docs = long_documents()
    assert interrupted_after(lambda: vectorizer.transform(docs)) < PROMPT
    np.testing.assert_array_equal(vectorizer.transform(SMALL).toarray(), before)


def test_tokenize_many_is_interrupted():
    tokenizer = textsim.Tokenizer(n_jobs=2)
    docs = long_documents()
    assert interrupted_after(lambda: tokenizer.count_tokens(docs)) < PROMPT
    assert tokenizer.tokenize("Hello, World!") == ["hello", "world"]


def test_most_similar_is_interrupted_and_gives_the_same_result_afterwards():
    X = big_matrix(1)
    head = X[:50]
    expected = textsim.most_similar(head, X, k=5, n_jobs=2)
    assert interrupted_after(lambda: textsim.most_similar(X, k=5, n_jobs=2)) < PROMPT
    again = textsim.most_similar(head, X, k=5, n_jobs=2)
    np.testing.assert_array_equal(again[0], expected[0])
    np.testing.assert_array_equal(again[1], expected[1])


def test_calls_from_other_threads_are_not_cancelled_by_the_main_threads_interrupt():
    X = sp.random(3_000, 500, density=0.05, format="csr", random_state=2)
    expected = textsim.most_similar(X, k=3, n_jobs=2)
    results: list[object] = []

    def worker() -> None:
        for _ in range(20):
            results.append(textsim.most_similar(X, k=3, n_jobs=2))

    thread = threading.Thread(target=worker)
    thread.start()
    docs = long_documents()
    try:
        interrupted_after(lambda: textsim.Tokenizer(n_jobs=2).count_tokens(docs))
    finally:
        thread.join()
    assert len(results) == 20
    for indices, scores in results:  # type: ignore[misc]
        np.testing.assert_array_equal(indices, expected[0])
        np.testing.assert_array_equal(scores, expected[1])


def test_hashing_and_similar_pairs_are_interrupted():
    docs = long_documents()
    hashing = textsim.HashingVectorizer(n_jobs=2)
    assert interrupted_after(lambda: hashing.transform(docs)) < PROMPT
    X = big_matrix(4)
    assert interrupted_after(lambda: textsim.similar_pairs(X, min_score=0.99, n_jobs=2)) < PROMPT
    assert hashing.transform(["a b c", "b c d"]).shape == (2, 2**20)


@pytest.mark.parametrize("algorithm", ["pruned", "full"])
def test_the_pruned_search_and_the_groups_are_interrupted(algorithm):
    X = big_matrix(5)
    head = X[:300]
    expected = textsim.similar_pairs(head, min_score=0.3, algorithm=algorithm)
    for call in (
        lambda: textsim.similar_pairs(X, min_score=0.3, algorithm=algorithm, n_jobs=2),
        lambda: textsim.near_duplicates(X, min_score=0.3, algorithm=algorithm, n_jobs=2),
        lambda: textsim.most_similar(X, k=3, min_score=0.3, algorithm=algorithm, n_jobs=2),
    ):
        assert interrupted_after(call) < PROMPT
    again = textsim.similar_pairs(head, min_score=0.3, algorithm=algorithm)
    assert (again != expected).nnz == 0


def test_item13_tokenize_many_is_interrupted_promptly():
    # A pattern that scans all 2 GB of text but matches almost nothing: the answer would be
    # small, the work is long.
    tokenizer = textsim.Tokenizer(n_jobs=2, token_pattern=r"\d{9}")
    docs = long_documents()
    assert interrupted_after(lambda: tokenizer.tokenize_many(docs)) < PROMPT
    assert textsim.Tokenizer().tokenize_many(["Hello, World!"]) == [["hello", "world"]]
