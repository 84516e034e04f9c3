"""No leak: the resident memory stays flat over 10,000 repeated fit, transform and most_similar
calls (and the error paths, which hand buffers back early)."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import textsim
from textsim._exceptions import DocumentTypeError

psutil = pytest.importorskip("psutil")

DOCS = [
    "the cat sat on the mat",
    "রাশিয়ার রাষ্ট্রপতি ভ্লাদিমির পুতিন",
    "the dog ate my homework",
    "cats and dogs and mats",
] * 4
CALLS = 10_000


def rss() -> int:
    gc.collect()
    return psutil.Process().memory_info().rss


def one_round(i: int) -> None:
    vectorizer = textsim.TfidfVectorizer(n_jobs=2).fit(DOCS)
    X = vectorizer.transform(DOCS)
    textsim.most_similar(X, k=3, n_jobs=2)
    textsim.Tokenizer(n_jobs=2).tokenize_many(DOCS[:4])
    if i % 10 == 0:
        with pytest.raises(DocumentTypeError):
            vectorizer.transform(["fine", None])


@pytest.mark.slow
def test_resident_memory_is_flat_over_ten_thousand_rounds():
    for i in range(1_000):  # warm up: pools, caches, allocator arenas
        one_round(i)
    before = rss()
    for i in range(CALLS):
        one_round(i)
    grown = rss() - before
    # A leak of a single small buffer per call (the smallest, ~100 bytes, times 4 calls a
    # round) would be 4 MB; of one matrix per call, far more. Allow allocator noise.
    assert grown < 8 * 2**20, f"RSS grew by {grown / 2**20:.1f} MiB over {CALLS} rounds"
