"""Progress bars: per batch, the same results with and without, shown on a terminal (a real
pseudo-terminal) and not when output is piped or under pytest."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import textsim
from textsim import _progress

from conftest import assert_csr_equal

pytest.importorskip("tqdm", reason="tqdm is in the test extra")

# More than two batches of documents: a bar has three steps to show.
N_DOCS = 2 * _progress.STEP + 1000


def documents(n: int = N_DOCS) -> list[str]:
    """Short documents with shared and rare words, Bengali and English."""
    rng = np.random.default_rng(5)
    words = [f"শব্দ{i}" for i in range(300)] + [f"word{i}" for i in range(3000)]
    picks = rng.integers(0, len(words), size=(n, 8))
    return [" ".join(words[j] for j in row) for row in picks]


def test_fit_with_a_bar_gives_the_same_result(capsys):
    docs = documents()
    plain = textsim.TfidfVectorizer(min_df=2)
    expected = plain.fit_transform(docs, progress=False)
    assert capsys.readouterr().err == ""
    shown = textsim.TfidfVectorizer(min_df=2)
    got = shown.fit_transform(docs, progress=True)
    err = capsys.readouterr().err
    assert "TfidfVectorizer.fit" in err
    assert f"{N_DOCS / 1000:.1f}k" in err or str(N_DOCS) in err
    assert_csr_equal(got, expected)
    np.testing.assert_array_equal(shown.idf_, plain.idf_)
    assert shown.vocabulary_ == plain.vocabulary_
    assert_csr_equal(shown.transform(docs, progress=True), plain.transform(docs))
    assert "TfidfVectorizer.transform" in capsys.readouterr().err


def test_count_vectorizer_on_a_generator_with_a_bar(capsys):
    docs = documents()
    expected = textsim.CountVectorizer().fit_transform(docs)
    got = textsim.CountVectorizer().fit_transform((d for d in docs), progress=True)
    assert "CountVectorizer.fit" in capsys.readouterr().err
    assert_csr_equal(got, expected)


def test_default_is_silent_under_pytest(capsys):
    docs = documents()
    textsim.TfidfVectorizer().fit_transform(docs)
    textsim.most_similar(textsim.TfidfVectorizer().fit_transform(docs), k=3)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("min_score", [None, 0.0, 0.2])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_most_similar_with_a_bar_gives_the_same_result(capsys, min_score, dtype):
    # Duplicated rows (ties with the row itself) and empty rows (zero scores) included.
    docs = documents(5000)
    docs[10:20] = [docs[3]] * 10
    docs[30:40] = ["..."] * 10
    X = textsim.TfidfVectorizer(dtype=dtype).fit_transform(docs)
    expected = textsim.most_similar(X, k=4, min_score=min_score, progress=False)
    got = textsim.most_similar(X, k=4, min_score=min_score, progress=True)
    assert "most_similar" in capsys.readouterr().err
    np.testing.assert_array_equal(got.indices, expected.indices)
    np.testing.assert_array_equal(got.scores, expected.scores)
    assert got.scores.dtype == expected.scores.dtype
    Y = X[:700]
    np.testing.assert_array_equal(
        textsim.most_similar(X, Y, k=3, progress=True).indices, textsim.most_similar(X, Y, k=3).indices
    )


def test_progress_true_without_tqdm_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(ImportError, match="pip install tqdm"):
        textsim.TfidfVectorizer().fit(documents(100), progress=True)
    # Left to decide, it quietly does without.
    textsim.TfidfVectorizer().fit(documents(100))


def test_progress_must_be_a_bool_or_none():
    with pytest.raises(TypeError, match="progress"):
        textsim.TfidfVectorizer().fit(documents(10), progress="yes")


# -- the command on a terminal and through a pipe -------------------------------------------


@pytest.fixture(scope="module")
def many_articles(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("many") / "articles.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(documents()):
            fh.write(json.dumps({"id": f"a{i}", "text": text}, ensure_ascii=False) + "\n")
    return path


def command_env() -> dict[str, str]:
    # A user's shell: not under pytest, a terminal wide enough for a bar.
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env.update(COLUMNS="100", TERM="xterm")
    return env


def textsim_command() -> list[str]:
    script = Path(sys.executable).with_name("textsim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "textsim"]


def run_in_terminal(args: list[str], size: tuple[int, int] | None = (24, 100)) -> tuple[int, str]:
    """Runs the command with its standard output and error on a pseudo-terminal; returns the
    exit status and everything the terminal received."""
    pty = pytest.importorskip("pty", reason="needs a POSIX pseudo-terminal")
    import fcntl
    import struct
    import termios

    main, child = pty.openpty()
    if size is not None:
        # A terminal window has a size; a bare pseudo-terminal's is 0 x 0.
        fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=child, stderr=child,
                               env=command_env(), close_fds=True)
    os.close(child)
    received = bytearray()
    while True:
        ready, _, _ = select.select([main], [], [], 120)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        received += chunk
    os.close(main)
    return process.wait(timeout=60), received.decode("utf-8", "replace")


def test_bar_appears_on_a_terminal(many_articles):
    status, screen = run_in_terminal(
        [*textsim_command(), "duplicates", str(many_articles), "--min-score", "0.99"]
    )
    assert status == 0, screen
    assert "fit" in screen and "%|" in screen, screen[-2000:]
    assert "No near-duplicates among" in screen


def test_bar_appears_on_an_unsized_terminal(many_articles):
    status, screen = run_in_terminal(
        [*textsim_command(), "duplicates", str(many_articles), "--min-score", "0.99"], size=None
    )
    assert status == 0, screen
    assert "fit" in screen and "%|" in screen, screen[-2000:]


def test_no_bar_when_piped(many_articles):
    result = subprocess.run(
        [*textsim_command(), "similar", str(many_articles), "--top", "1", "--format", "csv"],
        capture_output=True, text=True, encoding="utf-8", env=command_env(), timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.count("\n") == N_DOCS + 1


def test_no_progress_option_on_a_terminal(many_articles):
    status, screen = run_in_terminal(
        [*textsim_command(), "duplicates", str(many_articles), "--min-score", "0.99", "--no-progress"]
    )
    assert status == 0
    assert "%|" not in screen


def test_hashing_vectorizer_and_index_with_a_bar(capsys):
    docs = documents()
    expected = textsim.HashingVectorizer(n_features=2**12).fit_transform(docs)
    got = textsim.HashingVectorizer(n_features=2**12).fit_transform(docs, progress=True)
    assert "HashingVectorizer.transform" in capsys.readouterr().err
    assert_csr_equal(got, expected)
    hashed = textsim.SimilarityIndex(vectorizer=textsim.HashingVectorizer(n_features=2**12))
    np.testing.assert_array_equal(hashed.fit(docs[:50]).matrix_.toarray(), expected[:50].toarray())
    index = textsim.SimilarityIndex().fit(docs, progress=True)
    assert "TfidfVectorizer.fit" in capsys.readouterr().err
    assert_csr_equal(index.matrix_, textsim.TfidfVectorizer().fit_transform(docs))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_similar_pairs_and_near_duplicates_with_a_bar(capsys, dtype):
    docs = documents(5000)
    docs[10:20] = [docs[3]] * 10
    docs[30:40] = ["..."] * 10
    X = textsim.TfidfVectorizer(dtype=dtype).fit_transform(docs)
    for Y in (None, X[:900]):
        expected = textsim.similar_pairs(X, Y, min_score=0.3)
        got = textsim.similar_pairs(X, Y, min_score=0.3, progress=True)
        assert "similar_pairs" in capsys.readouterr().err
        assert_csr_equal(got, expected)
    np.testing.assert_array_equal(
        textsim.near_duplicates(X, min_score=0.5, progress=True), textsim.near_duplicates(X, min_score=0.5)
    )
