"""Thread pools (issue 13, item 12): pools are cached only up to a budget of threads, so that
calls with every ``n_jobs`` from 1 to 64, from the main thread and from other threads, leave a
bounded number of threads behind (counted in ``/proc/self/task``), the next call still works
under a 3 GB address-space cap, and the answers are the same for every ``n_jobs``."""

from __future__ import annotations

import os
import sys

import pytest
from memory_cap import GIB, assert_survived, run_capped

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="threads are counted in /proc/self/task"
)

LOOP = r"""
import os, threading, time
import numpy as np
import scipy.sparse as sp
import textsim

docs = [f"word{i % 7} word{i % 11} word{i % 13} common" for i in range(300)]
X = textsim.TfidfVectorizer().fit_transform(docs)
expected = textsim.most_similar(X, k=3, n_jobs=1)
expected_matrix = textsim.TfidfVectorizer(n_jobs=1).fit_transform(docs)

def loop():
    for n_jobs in range(1, 65):
        got = textsim.most_similar(X, k=3, n_jobs=n_jobs)
        assert (got.indices == expected.indices).all() and (got.scores == expected.scores).all()
        matrix = textsim.TfidfVectorizer(n_jobs=n_jobs).fit_transform(docs)
        assert (matrix != expected_matrix).nnz == 0

loop()
workers = [threading.Thread(target=loop) for _ in range(3)]
for w in workers: w.start()
for w in workers: w.join()

cores = max(os.cpu_count() or 1, len(os.sched_getaffinity(0)))
budget = 2 * max(8 * cores, 64)
# Let go pools' threads exit once their last call is done: wait for them (not a timing test:
# the bound is checked whatever the time it takes, up to a minute).
deadline = time.monotonic() + 60
while len(os.listdir("/proc/self/task")) > budget + 8 and time.monotonic() < deadline:
    time.sleep(0.1)
threads = len(os.listdir("/proc/self/task"))
assert threads <= budget + 8, (threads, budget)
got = textsim.most_similar(X, k=3)
assert (got.indices == expected.indices).all()
print("bounded")
"""


def test_item12_n_jobs_1_to_64_leaves_a_bounded_number_of_threads_under_a_3gb_cap():
    result = run_capped(LOOP, cap_bytes=3 * GIB, timeout=900)
    assert_survived(result, "bounded")


def test_item12_the_thread_count_of_this_process_is_bounded_after_many_n_jobs():
    import textsim

    docs = ["a b c", "b c d", "c d e", "d e f"] * 20
    X = textsim.TfidfVectorizer(token_pattern=r"\w").fit_transform(docs)
    for n_jobs in range(1, 65):
        textsim.most_similar(X, k=2, n_jobs=n_jobs)
    cores = max(os.cpu_count() or 1, len(os.sched_getaffinity(0)))
    import time

    deadline = time.monotonic() + 60
    budget = 2 * max(8 * cores, 64) + 8 + 40  # the test process's own threads (Dask, ...)
    while len(os.listdir("/proc/self/task")) > budget and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(os.listdir("/proc/self/task")) <= budget
