"""Running out of memory inside a fit or a transform raises ``MemoryError`` and the interpreter
lives on, as with scikit-learn (issue 13, item 4): word n-grams up to 1000 long of one 12 KB
document are about 4 GB of distinct terms, and every table that grows with the input (the
interned terms, the n-gram buffers, the counts, the merged vocabulary, the matrix) fails with an
error instead of aborting. Each call runs in a child process under a 1 GiB address-space cap
(the child needs about 0.3 GiB to start)."""

from __future__ import annotations

import pytest

from memory_cap import GIB, assert_survived, run_capped

# A 12 KB document of 3,000 distinct made-up words: nearly every n-gram of it is distinct.
DOCUMENT = """
import random
rng = random.Random(0)
words = ["".join(rng.choice("abcdefghij") for _ in range(rng.randint(2, 8))) for _ in range(3000)]
doc = " ".join(rng.choice(words) for _ in range(2000))[:12000]
"""

CAP = GIB


def run(body: str, cap: int = CAP) -> None:
    result = run_capped(DOCUMENT + body, cap_bytes=cap)
    assert_survived(result, "ok")


def expect_memory_error(call: str) -> str:
    """Code that runs ``call``, requires a MemoryError naming what ran out, then checks that
    the interpreter still works (a small fit succeeds) and prints ``ok``."""
    return f"""
import textsim
try:
    {call}
except MemoryError as error:
    message = str(error)
    assert "more memory than there is" in message, message
else:
    raise AssertionError("no MemoryError")
X = textsim.CountVectorizer(ngram_range=(1, 2)).fit_transform(["the cat sat", "the dog sat"])
assert X.shape == (2, 8), X.shape
print("ok")
"""


@pytest.mark.parametrize(
    "call",
    [
        "textsim.CountVectorizer(ngram_range=(1, 1000)).fit([doc])",
        "textsim.CountVectorizer(ngram_range=(1, 1000)).fit_transform([doc])",
        "textsim.TfidfVectorizer(ngram_range=(1, 1000)).fit([doc])",
        "textsim.TfidfVectorizer(ngram_range=(1, 1000)).fit_transform([doc])",
        "textsim.CountVectorizer(ngram_range=(1, 1000)).build_analyzer()(doc)",
    ],
    ids=["count-fit", "count-fit_transform", "tfidf-fit", "tfidf-fit_transform", "analyzer"],
)
def test_a_fit_that_runs_out_of_memory_raises_memory_error(call):
    run(expect_memory_error(call))


def test_a_vectorizer_whose_fit_ran_out_of_memory_is_left_as_it_was():
    run(
        """
import textsim
vectorizer = textsim.CountVectorizer(ngram_range=(1, 2)).fit(["the cat sat"])
before = vectorizer.get_feature_names_out().tolist()
vectorizer.set_params(ngram_range=(1, 1000))
try:
    vectorizer.fit_transform([doc])
except MemoryError:
    pass
else:
    raise AssertionError("no MemoryError")
assert vectorizer.get_feature_names_out().tolist() == before
print("ok")
"""
    )


def test_corpus_statistics_that_run_out_of_memory_stay_as_they_were():
    run(
        """
import textsim
stats = textsim.CorpusStats(textsim.CountVectorizer(ngram_range=(1, 1000)))
stats.update(["the cat sat"])
before = stats.to_dict()
try:
    stats.update([doc])
except MemoryError:
    pass
else:
    raise AssertionError("no MemoryError")
assert stats.n_documents == 1 and stats.to_dict() == before
print("ok")
"""
    )


def test_hashing_a_document_whose_row_outgrows_the_memory_raises_memory_error():
    # 2 MB of random letters has about 16 million distinct character 5- to 12-grams: the row's
    # table of hashed columns outgrows a 768 MiB cap before the document ends.
    run(
        expect_memory_error(
            "textsim.HashingVectorizer(analyzer='char', ngram_range=(5, 12), "
            "n_features=2**31 - 1).transform([big])"
        ).replace(
            "import textsim",
            "import textsim\nbig = bytes(97 + b % 26 for b in rng.randbytes(2_000_000)).decode()",
        ),
        cap=768 << 20,
    )


# A transform's matrix grows with the documents: 1,500 copies of the document, with all its
# character n-grams up to 8 long, are about 90 million stored entries (over 1 GB).
@pytest.mark.slow
@pytest.mark.parametrize(
    "call",
    [
        "textsim.HashingVectorizer(analyzer='char', ngram_range=(1, 8), n_features=2**31 - 1)"
        ".transform([doc] * 1500)",
        "textsim.CountVectorizer(analyzer='char', ngram_range=(1, 8)).fit([doc])"
        ".transform([doc] * 1500)",
        "textsim.TfidfVectorizer(analyzer='char', ngram_range=(1, 8)).fit([doc])"
        ".transform([doc] * 1500)",
    ],
    ids=["hashing", "count", "tfidf"],
)
def test_a_transform_that_runs_out_of_memory_raises_memory_error(call):
    run(expect_memory_error(call))
