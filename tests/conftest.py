"""Shared fixtures for the textsim test suite.

* ``sample_docs``: the six short real documents in ``tests/data/sample_docs.jsonl``
  (three Bengali news items, three BBC articles; provenance in ``tests/data/README.md``).
* ``corpora_dir``: the shared real corpora (``../shared/corpora`` next to the repository, or
  ``$TEXTSIM_CORPORA``). Tests using it are marked ``corpus`` and skip when it is absent.
* ``reference_tokens``: a small pure-Python model of the default tokenizer (UTS#18 ``\\w``,
  NFC, Bengali folding, lowercase, ``\\b\\w\\w+\\b``), used as an oracle on real Bengali text.
"""

from __future__ import annotations

import gzip
import json
import os
import unicodedata
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).parent / "data"
SAMPLE_DOCS_PATH = DATA_DIR / "sample_docs.jsonl"

ZWNJ = "\u200c"
ZWJ = "\u200d"
VIRAMA = "\u09cd"
KHANDA_TA = "\u09ce"


def corpora_path() -> Path:
    """Where the shared corpora live (may not exist)."""
    env = os.environ.get("TEXTSIM_CORPORA")
    if env:
        return Path(env)
    # tests/conftest.py -> parents[0] = tests, [1] = repo (main), [2] = its parent
    return Path(__file__).resolve().parents[2] / "shared" / "corpora"


def load_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    path = corpora_path()
    if not path.is_dir():
        pytest.skip(
            f"real corpora not available at {path} "
            "(set TEXTSIM_CORPORA or put them in ../shared/corpora)"
        )
    return path


@pytest.fixture(scope="session")
def load_corpus(corpora_dir):
    """load_corpus("english_bbc_news") -> list of records; skips if that file is missing."""
    cache: dict[str, list[dict]] = {}

    def _load(name: str) -> list[dict]:
        if name not in cache:
            path = corpora_dir / f"{name}.jsonl.gz"
            if not path.is_file():
                pytest.skip(f"corpus file {path} not available")
            cache[name] = load_jsonl(path)
        return cache[name]

    return _load


@pytest.fixture(scope="session")
def sample_docs() -> list[dict]:
    docs = load_jsonl(SAMPLE_DOCS_PATH)
    assert len(docs) >= 3
    return docs


@pytest.fixture(scope="session")
def bengali_docs(sample_docs) -> list[dict]:
    return [d for d in sample_docs if d["lang"] == "bn"]


@pytest.fixture(scope="session")
def english_docs(sample_docs) -> list[dict]:
    return [d for d in sample_docs if d["lang"] == "en"]


# ---------------------------------------------------------------------------
# Reference model of the default analyzer (for Bengali + ASCII text)
# ---------------------------------------------------------------------------


def is_bengali(ch: str) -> bool:
    return "\u0980" <= ch <= "\u09ff"


def is_uts18_word_char(ch: str) -> bool:
    """UTS#18 \\w: Alphabetic, Mark, Decimal_Number, Connector_Punctuation, Join_Control.

    Approximated with general categories (exact for the Bengali block and ASCII; Python
    has no Alphabetic property, so letter numbers / Other_Alphabetic symbols are ignored).
    """
    if ch in (ZWNJ, ZWJ):
        return True
    cat = unicodedata.category(ch)
    return cat[0] in "LM" or cat in ("Nd", "Nl", "Pc")


def fold_bengali(text: str) -> str:
    """Khanda-ta U+09A4 U+09CD U+200D -> U+09CE; ZWJ/ZWNJ between Bengali characters dropped."""
    text = text.replace("\u09a4\u09cd\u200d", KHANDA_TA)
    out = []
    for i, ch in enumerate(text):
        if ch in (ZWNJ, ZWJ) and 0 < i < len(text) - 1:
            if is_bengali(text[i - 1]) and is_bengali(text[i + 1]):
                continue
        out.append(ch)
    return "".join(out)


def ambiguous_joiners(text: str) -> bool:
    """True if a ZWJ/ZWNJ touches a Bengali character on one side only (folding unspecified)."""
    for i, ch in enumerate(text):
        if ch in (ZWNJ, ZWJ):
            left = is_bengali(text[i - 1]) if i > 0 else False
            right = is_bengali(text[i + 1]) if i + 1 < len(text) else False
            if left != right:
                return True
    return False


def reference_tokens(text: str) -> list[str]:
    """Default tokens modelled in Python: NFC, Bengali folding, lowercase, \\b\\w\\w+\\b."""
    text = unicodedata.normalize("NFC", text)
    text = fold_bengali(text)
    text = text.lower()
    tokens: list[str] = []
    run: list[str] = []
    for ch in text + " ":
        if is_uts18_word_char(ch):
            run.append(ch)
        else:
            if len(run) >= 2:
                tokens.append("".join(run))
            run = []
    return tokens


@pytest.fixture(scope="session")
def reference_tokenizer():
    return reference_tokens


# ---------------------------------------------------------------------------
# Vectorizer tests: scikit-learn's toy corpora, sparse-matrix checks, corpus subsets
# ---------------------------------------------------------------------------

# scikit-learn's own toy corpora (sklearn/feature_extraction/tests/test_text.py)
JUNK_FOOD_DOCS = (
    "the pizza pizza beer copyright",
    "the pizza burger beer copyright",
    "the the pizza beer beer copyright",
    "the burger beer beer copyright",
    "the coke burger coke copyright",
    "the coke burger burger",
)
NOTJUNK_FOOD_DOCS = (
    "the salad celeri copyright",
    "the salad salad sparkling water copyright",
    "the the celeri celeri copyright",
    "the tomato tomato salad water",
    "the tomato salad water copyright",
)
ALL_FOOD_DOCS = JUNK_FOOD_DOCS + NOTJUNK_FOOD_DOCS


def rows_have_sorted_indices(X) -> bool:
    """True if every row's column indices strictly increase (checked, not the cached flag)."""
    import numpy as np

    indptr = np.asarray(X.indptr)
    indices = np.asarray(X.indices)
    if indices.size < 2:
        return True
    increasing = np.diff(indices) > 0
    # positions where a new row starts are exempt
    starts = indptr[1:-1]
    starts = starts[(starts > 0) & (starts < indices.size)]
    exempt = np.zeros(indices.size - 1, dtype=bool)
    exempt[starts - 1] = True
    return bool(np.all(increasing | exempt))


def assert_textsim_csr(X) -> None:
    """textsim's output contract: csr_matrix, sorted indices, int32 indices at this size."""
    import numpy as np
    import scipy.sparse as sp

    assert isinstance(X, sp.csr_matrix), type(X)
    assert X.has_sorted_indices
    assert rows_have_sorted_indices(X)
    assert X.indices.dtype == np.int32, X.indices.dtype
    assert X.indptr.dtype == np.int32, X.indptr.dtype


def assert_csr_equal(got, expected, *, rtol: float = 0.0, atol: float = 0.0, zeros=False) -> None:
    """Same shape, dtype, sparsity structure and values (exact for integers).

    ``zeros=True`` drops explicit zeros on both sides first (scikit-learn's hashing keeps the
    zeros that alternate_sign collisions produce).
    """
    import numpy as np
    import scipy.sparse as sp

    assert_textsim_csr(got)
    expected = sp.csr_matrix(expected)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    got = got.copy()
    expected = expected.copy()
    expected.sort_indices()
    if zeros:
        got.eliminate_zeros()
        expected.eliminate_zeros()
    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    if np.issubdtype(got.dtype, np.integer) or (rtol == 0 and atol == 0):
        np.testing.assert_array_equal(got.data, expected.data)
    else:
        np.testing.assert_allclose(got.data, expected.data, rtol=rtol, atol=atol)


@pytest.fixture(scope="session")
def bbc_records(load_corpus) -> list[dict]:
    """All 2,225 BBC articles (skips when the corpus is absent)."""
    return load_corpus("english_bbc_news")


@pytest.fixture(scope="session")
def bbc_subset(bbc_records) -> list[str]:
    """500 BBC articles, every fourth one (all five categories)."""
    return [r["text"] for r in bbc_records[::4][:500]]


# -- the slow suite -----------------------------------------------------------------------------
# Tests marked `slow` (big inputs, long soaks: minutes, gigabytes) run with --run-slow, as
# .ci/run does; a plain `pytest` skips them.


def pytest_addoption(parser):
    parser.addoption(
        "--run-slow", action="store_true", default=False, help="also run tests marked slow"
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (.ci/run does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
