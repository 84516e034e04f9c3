"""The one writer of textsim's files and the command's output (issue 13, items 9 and 11): a save
is written beside its target, flushed, fsynced and renamed over it, so that a save that fails or
is interrupted leaves the previous file as it was; everything is encoded before the first byte
is written; ids and titles that UTF-8 cannot hold (lone surrogates, what Python makes of a
file name's undecodable bytes) are saved and read back as they were, and printed as valid
UTF-8."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import textsim
from textsim import _archive

DOCS = ["the cat sat on the mat", "a dog sat on a log", "the cat and the dog", "cats and dogs"]


def interrupt_halfway(monkeypatch) -> None:
    """The next archive write raises KeyboardInterrupt after its first member (Ctrl-C)."""
    original = _archive._write_zip

    def write_zip(target, members):
        def first_then_interrupt():
            for number, member in enumerate(members):
                if number == 1:
                    raise KeyboardInterrupt
                yield member

        original(target, first_then_interrupt())

    monkeypatch.setattr(_archive, "_write_zip", write_zip)


@pytest.mark.parametrize("what", ["index", "model"])
def test_item9_an_interrupted_save_keeps_the_previous_file(what, tmp_path, monkeypatch):
    path = tmp_path / "saved"
    if what == "index":
        first = textsim.SimilarityIndex().fit(DOCS, ids=list("abcd"))
        second = textsim.SimilarityIndex().fit(DOCS[:2] * 50)
        load = textsim.SimilarityIndex.load
    else:
        first = textsim.TfidfVectorizer().fit(DOCS)
        second = textsim.TfidfVectorizer(ngram_range=(1, 2)).fit(DOCS * 10)
        load = textsim.load
    first.save(path)
    before = path.read_bytes()
    interrupt_halfway(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        second.save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["saved"]  # no temporary left
    load(path)


def test_item9_a_save_is_fsynced_before_it_replaces_the_target(tmp_path, monkeypatch):
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(
        os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1]
    )
    textsim.SimilarityIndex().fit(DOCS).save(tmp_path / "index")
    assert events[:2] == ["fsync", "replace"], events


def test_item9_ids_and_titles_with_lone_surrogates_are_saved_and_read_back(tmp_path):
    ids = ["caf\udce9.txt", "b", "\ud800", "d"]  # a latin-1 file name, as Python reads it
    titles = ["t\udcff", "", "x", "y"]
    index = textsim.SimilarityIndex().fit(DOCS, ids=ids, titles=titles)
    path = tmp_path / "index"
    index.save(path)
    loaded = textsim.SimilarityIndex.load(path)
    assert loaded.ids_ == ids and loaded.titles_ == titles


def test_item9_a_failed_save_names_the_file_and_keeps_the_old_one(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for number, doc in enumerate(DOCS):
        (folder / f"{number}.txt").write_text(doc)
    target = tmp_path / "missing-folder" / "index"
    result = subprocess.run(
        [sys.executable, "-m", "textsim", "similar", str(folder), "--save-index", str(target)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(target) in lines[0], lines


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux")
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "table"])
def test_item11_output_is_valid_utf8_for_a_latin1_file_name(fmt, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    names = [b"caf\xe9.txt", b"na\xefve.txt", b"plain.txt"]
    for name, doc in zip(names, DOCS):
        with open(os.path.join(os.fsencode(folder), name), "w") as fh:
            fh.write(doc)
    result = subprocess.run(
        [sys.executable, "-m", "textsim", "similar", str(folder), "--format", fmt],
        capture_output=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("utf-8")  # strict: raises on any byte that is not UTF-8
    if fmt == "jsonl":
        ids = {json.loads(line)["id"] for line in text.splitlines()}
        assert "caf\\xe9.txt" in ids, ids
    else:
        assert "caf\\xe9.txt" in text or fmt == "table", text


def test_item11_printable_escapes_surrogates_only():
    from textsim._output import printable

    assert printable("plain €") == "plain €"
    assert printable("caf\udce9") == "caf\\xe9"
    assert printable("\ud800!") == "\\ud800!"


# -- item 13: standard input honours --encoding ----------------------------------------------------


def test_item13_tokenize_reads_stdin_in_the_given_encoding():
    result = subprocess.run(
        [sys.executable, "-m", "textsim", "tokenize", "--encoding", "latin-1"],
        input="café naïve\n".encode("latin-1"), capture_output=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8").split() == ["café", "naïve"]


def test_item13_tokenize_says_which_byte_is_not_in_the_encoding():
    result = subprocess.run(
        [sys.executable, "-m", "textsim", "tokenize"],
        input="café\n".encode("latin-1"), capture_output=True, timeout=120,
    )
    assert result.returncode == 1
    assert b"--encoding" in result.stderr and len(result.stderr.splitlines()) == 1


def test_item13_query_dash_reads_stdin_in_the_given_encoding(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    docs = ["café au lait", "thé vert", "café noir"]
    for number, doc in enumerate(docs):
        (folder / f"{number}.txt").write_text(doc, encoding="latin-1")
    result = subprocess.run(
        [sys.executable, "-m", "textsim", "query", "-", str(folder), "--encoding", "latin-1",
         "--format", "jsonl"],
        input="café".encode("latin-1"), capture_output=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = [json.loads(line)["id"] for line in result.stdout.decode().splitlines()]
    assert set(found[:2]) == {"0.txt", "2.txt"}, found
