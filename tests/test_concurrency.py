"""The same fitted objects used from many Python threads at once give the results of serial
use, and really run at the same time (the interpreter lock is released); a process forked after
textsim used its thread pools can use them too (multiprocessing's "fork", as joblib and dask
use it)."""

from __future__ import annotations

import multiprocessing
import os
import sys
import sysconfig
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp

import textsim

WORDS = [f"w{i}" for i in range(400)] + ["রাশিয়ার", "পুতিন", "café", "naïve"]


def corpus(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(WORDS, size=rng.integers(5, 60))) for _ in range(n)]


DOCS = corpus(3000, 0)


def same_matrix(a: sp.csr_matrix, b: sp.csr_matrix) -> None:
    assert a.shape == b.shape
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.data, b.data)


def test_one_vectorizer_and_index_from_many_threads_give_the_serial_results():
    vectorizer = textsim.TfidfVectorizer(ngram_range=(1, 2), n_jobs=2).fit(DOCS)
    index = textsim.SimilarityIndex(vectorizer=vectorizer)
    index.matrix_ = vectorizer.transform(DOCS)
    queries = [corpus(200, seed) for seed in range(1, 9)]
    tokenizer = textsim.Tokenizer(n_jobs=2)
    serial = [
        (vectorizer.transform(q), index.query(q, k=5), tokenizer.tokenize_many(q)) for q in queries
    ]

    def work(i: int):
        q = queries[i % len(queries)]
        return i, (vectorizer.transform(q), index.query(q, k=5), tokenizer.tokenize_many(q))

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(32)))
    for i, (matrix, (indices, scores), tokens) in results:
        expected = serial[i % len(queries)]
        same_matrix(matrix, expected[0])
        np.testing.assert_array_equal(indices, expected[1][0])
        np.testing.assert_array_equal(scores, expected[1][1])
        assert tokens == expected[2]


def test_fitting_from_many_threads_at_once_gives_the_serial_result():
    expected = textsim.TfidfVectorizer(n_jobs=2).fit_transform(DOCS)

    def fit(_: int) -> sp.csr_matrix:
        return textsim.TfidfVectorizer(n_jobs=2).fit_transform(DOCS)

    with ThreadPoolExecutor(max_workers=4) as pool:
        for matrix in pool.map(fit, range(8)):
            same_matrix(matrix, expected)


def test_the_interpreter_lock_is_released_while_textsim_works():
    """While another thread is inside one long textsim call, this thread runs a fixed amount of
    Python code to the end, and the call is still going: with the lock held, this thread could
    not have run until the call was over."""
    rng = np.random.default_rng(3)
    n_rows, per_row, spread = 6_000, 100, 20  # about 2e8 multiply-adds on one thread
    indices = (np.arange(per_row) * spread + rng.integers(0, spread, (n_rows, per_row))).ravel()
    X = sp.csr_matrix(
        (rng.random(n_rows * per_row) + 0.1, indices, np.arange(n_rows + 1) * per_row),
        shape=(n_rows, per_row * spread),
    )
    inside = threading.Event()
    done = threading.Event()

    def call() -> None:
        inside.set()
        try:
            textsim.most_similar(X, k=5, n_jobs=1)
        finally:
            done.set()

    thread = threading.Thread(target=call)
    thread.start()
    inside.wait()
    total = 0
    for i in range(300_000):  # a few tens of milliseconds of Python
        total += i
    still_running = not done.is_set()
    thread.join()
    assert total == 300_000 * 299_999 // 2
    assert still_running, "this thread could only run Python code after the call ended"


# sys._is_gil_enabled exists on every 3.13, GIL or not; only this says the build is free-threaded.
@pytest.mark.skipif(
    not sysconfig.get_config_var("Py_GIL_DISABLED"), reason="not a free-threaded Python build (3.13t+)"
)
def test_importing_textsim_keeps_free_threaded_python_free_threaded():
    # The extension declares that it does not need the GIL (pyo3 0.30 modules default to
    # gil_used=false); importing it must not turn the GIL back on.
    assert not sys._is_gil_enabled() or os.environ.get("PYTHON_GIL") == "1"


def _child_job(queue) -> None:  # runs in the forked child
    vectorizer = textsim.TfidfVectorizer(n_jobs=2).fit(DOCS)
    indices, _ = textsim.most_similar(vectorizer.transform(DOCS[:50]), k=3, n_jobs=2)
    tokens = textsim.Tokenizer(n_jobs=2).tokenize_many(DOCS[:10])
    queue.put((len(vectorizer.vocabulary_), indices.tolist(), tokens))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")
def test_a_process_forked_after_parallel_work_can_do_parallel_work():
    # The parent uses its pools (both lanes: main thread and another thread) first.
    vectorizer = textsim.TfidfVectorizer(n_jobs=2).fit(DOCS)
    expected_indices, _ = textsim.most_similar(vectorizer.transform(DOCS[:50]), k=3, n_jobs=2)
    side = threading.Thread(target=lambda: textsim.Tokenizer(n_jobs=2).tokenize_many(DOCS))
    side.start()
    side.join()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    with pytest.warns(DeprecationWarning) if sys.version_info >= (3, 12) else _nothing():
        # Python 3.12+ warns that forking a process with threads may deadlock: exactly what
        # this test checks textsim does not do.
        child = context.Process(target=_child_job, args=(queue,))
        child.start()
    child.join(timeout=120)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail("the forked child deadlocked in textsim")
    assert child.exitcode == 0
    n_terms, indices, tokens = queue.get(timeout=10)
    assert n_terms == len(vectorizer.vocabulary_)
    assert indices == expected_indices.tolist()
    assert tokens == textsim.Tokenizer().tokenize_many(DOCS[:10])


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
