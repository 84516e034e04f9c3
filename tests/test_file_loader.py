"""The one loader of textsim's files (issue 13, items 2 and 5-8): model files and similarity
indexes are read whole and checked before anything is built from them. Only regular files are
read; every member within the size its manifest implies; JSON with a depth limit; every array's
dtype and shape against the manifest and the other arrays; every value one a fit could make;
parameters checked as ``fit`` checks them; and every failure a ``ValueError`` that names the
file and the member. The memory cases run in a child process under an address-space cap."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
import textsim
from memory_cap import GIB, assert_survived, run_capped

DOCS = [
    "the cat sat on the mat",
    "a dog sat on a log",
    "the cat and the dog",
    "cats and dogs and logs",
]


def model_bytes(estimator) -> bytes:
    buffer = io.BytesIO()
    textsim.save(estimator, buffer)
    return buffer.getvalue()


def index_bytes(index) -> bytes:
    buffer = io.BytesIO()
    index.save(buffer)
    return buffer.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_manifest(data: bytes, name: str, edit) -> bytes:
    parts = members(data)
    manifest = json.loads(parts[name])
    edit(manifest)
    parts[name] = json.dumps(manifest).encode()
    return rezip(parts)


def refused(load, data: bytes, tmp_path: Path, *fragments: str) -> str:
    """``load`` of ``data`` (written to a file) raises a ValueError naming the file and each of
    ``fragments`` (the member, what is wrong)."""
    path = tmp_path / "bad.textsim"
    path.write_bytes(data)
    with pytest.raises(ValueError) as raised:
        load(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: "), message
    for fragment in fragments:
        assert fragment in message, message
    return message


@pytest.fixture(scope="module")
def tfidf_file() -> bytes:
    return model_bytes(textsim.TfidfVectorizer().fit(DOCS))


@pytest.fixture(scope="module")
def index_file() -> bytes:
    return index_bytes(textsim.SimilarityIndex().fit(DOCS, ids=list("abcd")))


# -- item 2: a widened index shape ---------------------------------------------------------------


def test_item2_an_index_whose_shape_is_widened_is_refused_naming_the_manifest(index_file, tmp_path):
    def widen(manifest):
        manifest["shape"] = [4, 10**11]

    bad = with_manifest(index_file, "textsim-index.json", widen)
    refused(textsim.SimilarityIndex.load, bad, tmp_path, "textsim-index.json", "columns")


def test_item2_the_cli_refuses_a_widened_index_in_one_line_without_aborting(index_file, tmp_path):
    def widen(manifest):
        manifest["shape"] = [4, 10**11]

    path = tmp_path / "wide.textsim-index"
    path.write_bytes(with_manifest(index_file, "textsim-index.json", widen))
    result = subprocess.run(
        [sys.executable, "-m", "textsim", "similar", "--index", str(path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "textsim-index.json" in lines[0], lines


@pytest.mark.parametrize(
    "edit, fragment",
    [
        (lambda m: m.update(shape=[5, m["shape"][1]]), "indptr"),
        (lambda m: m.update(shape=[4]), "'shape'"),
        (lambda m: m.update(shape=[-1, 3]), "'shape'"),
        (lambda m: m.update(shape=[True, 3]), "'shape'"),
        (lambda m: m.update(dtype="complex128"), "'dtype'"),
        (lambda m: m.update(dtype="float32"), "data"),
    ],
)
def test_an_index_shape_or_dtype_that_disagrees_with_the_arrays_is_refused(
    index_file, tmp_path, edit, fragment
):
    refused(
        textsim.SimilarityIndex.load,
        with_manifest(index_file, "textsim-index.json", edit),
        tmp_path,
        fragment,
    )


@pytest.mark.parametrize(
    "member, array",
    [
        ("indices.npy", lambda a: a.astype("U8")),
        ("indices.npy", lambda a: a.astype(bool)),
        ("indices.npy", lambda a: a.astype(np.float64)),
        ("data.npy", lambda a: a.astype("U8")),
        ("data.npy", lambda a: a.astype(bool)),
        ("data.npy", lambda a: np.full_like(a, np.nan)),
        ("data.npy", lambda a: a[:-1]),
        ("indptr.npy", lambda a: a[::-1].copy()),
        ("indices.npy", lambda a: a + 1000),
    ],
    ids=["indices-str", "indices-bool", "indices-float", "data-str", "data-bool", "data-nan",
         "data-short", "indptr-decreasing", "indices-out-of-range"],
)
def test_item6_index_arrays_of_another_dtype_or_impossible_values_are_refused(
    index_file, tmp_path, member, array
):
    parts = members(index_file)
    buffer = io.BytesIO()
    np.save(buffer, array(np.load(io.BytesIO(parts[member]))))
    parts[member] = buffer.getvalue()
    refused(textsim.SimilarityIndex.load, rezip(parts), tmp_path, member)


# -- item 5: zip bombs and members larger than the manifest implies --------------------------------


def test_item5_a_manifest_inflated_with_whitespace_is_refused_before_it_is_read(tfidf_file, tmp_path):
    parts = members(tfidf_file)
    parts["textsim-model.json"] = parts["textsim-model.json"][:-1] + b" " * (64 << 20) + b"}"
    bomb = rezip(parts)
    assert len(bomb) < (1 << 20)
    refused(textsim.load, bomb, tmp_path, "textsim-model.json", "bytes")


def test_item5_an_idf_larger_than_its_manifest_says_is_refused(tfidf_file, tmp_path):
    parts = members(tfidf_file)
    idf = np.load(io.BytesIO(parts["idf.npy"]))
    buffer = io.BytesIO()
    np.save(buffer, np.concatenate([idf, np.ones(10**6)]))
    parts["idf.npy"] = buffer.getvalue()
    refused(textsim.load, rezip(parts), tmp_path, "idf.npy", "expected float64")


def test_item5_a_zip_bomb_under_a_memory_cap_is_a_value_error_not_an_abort(tmp_path):
    # 2 GiB of whitespace in the manifest, about 2 MB on disk
    path = tmp_path / "bomb.textsim"
    parts = members(model_bytes(textsim.CountVectorizer().fit(DOCS)))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("textsim-model.json", "w", force_zip64=True) as out:
            out.write(parts["textsim-model.json"][:-1])
            block = b" " * (64 << 20)
            for _ in range(32):
                out.write(block)
            out.write(b"}")
    assert path.stat().st_size < 8 << 20
    result = run_capped(
        "import textsim\n"
        "try:\n"
        f"    textsim.load({str(path)!r})\n"
        "except ValueError as e:\n"
        "    print('ValueError' if 'textsim-model.json' in str(e) else e)\n",
        cap_bytes=1 * GIB,
    )
    assert_survived(result, "ValueError")


def test_item5_a_declared_huge_transformer_under_a_memory_cap_survives(tmp_path):
    # 2.5e8 features of idf 1.0: 2 GB that compress to a few MB. Under a 1 GiB cap the one
    # buffer the array needs cannot be had: MemoryError, and the process lives.
    n = 250_000_000
    path = tmp_path / "huge.textsim"
    manifest = {
        "format": "textsim-model", "format_version": 1, "textsim_version": "0.1.0",
        "class": "TfidfTransformer", "params": {},
        "fitted": {"n_features_in_": n,
                   "idf_": {"array": "idf.npy", "dtype": "float64", "shape": [n]}},
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("textsim-model.json", json.dumps(manifest))
        with archive.open("idf.npy", "w", force_zip64=True) as out:
            header = io.BytesIO()
            np.lib.format.write_array_header_1_0(
                header, {"descr": "<f8", "fortran_order": False, "shape": (n,)}
            )
            out.write(header.getvalue())
            block = np.ones(1 << 22).tobytes()
            for _ in range(n // (1 << 22)):
                out.write(block)
            out.write(np.ones(n % (1 << 22)).tobytes())
    result = run_capped(
        "import textsim\n"
        "try:\n"
        f"    textsim.load({str(path)!r})\n"
        "except (MemoryError, ValueError) as e:\n"
        "    print(type(e).__name__)\n",
        cap_bytes=1 * GIB,
    )
    assert_survived(result, "MemoryError")


# -- item 6: values no fit makes, parameters as fit checks them ----------------------------------


@pytest.mark.parametrize("value", [np.nan, np.inf, -1.0, 0.5])
def test_item6_an_idf_no_fit_makes_is_refused_on_load(tfidf_file, tmp_path, value):
    parts = members(tfidf_file)
    idf = np.load(io.BytesIO(parts["idf.npy"]))
    idf[1] = value
    buffer = io.BytesIO()
    np.save(buffer, idf)
    parts["idf.npy"] = buffer.getvalue()
    refused(textsim.load, rezip(parts), tmp_path, "idf.npy", "idf_")


def test_item6_an_infinite_idf_loads_when_a_fit_makes_one():
    # a fixed vocabulary's term in no document, without smoothing: scikit-learn's idf is inf
    vectorizer = textsim.TfidfVectorizer(vocabulary=["zebra", "cat"], smooth_idf=False)
    with np.errstate(divide="ignore"):
        vectorizer.fit(DOCS)
    assert np.isinf(vectorizer.idf_[0])
    loaded = textsim.load(io.BytesIO(model_bytes(vectorizer)))
    np.testing.assert_array_equal(loaded.idf_, vectorizer.idf_)


def test_item6_saving_an_idf_no_fit_makes_is_refused_before_writing(tmp_path):
    vectorizer = textsim.TfidfVectorizer().fit(DOCS)
    vectorizer.idf_ = np.full(len(vectorizer.vocabulary_), -2.0)
    path = tmp_path / "model.textsim"
    with pytest.raises(ValueError, match="idf_"):
        vectorizer.save(path)
    assert not path.exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "cls, params, fragment",
    [
        ("CountVectorizer", {"ngram_range": [-1, 2]}, "ngram_range"),
        ("CountVectorizer", {"ngram_range": [3, 2]}, "ngram_range"),
        ("CountVectorizer", {"n_jobs": "8"}, "n_jobs"),
        ("CountVectorizer", {"token_pattern": "("}, "token_pattern"),
        ("CountVectorizer", {"min_df": -3}, "min_df"),
        ("CountVectorizer", {"max_features": 0}, "max_features"),
        ("CountVectorizer", {"analyzer": "letters"}, "analyzer"),
        ("CountVectorizer", {"input": "filename"}, "input"),
        ("CountVectorizer", {"input": "file"}, "input"),
        ("CountVectorizer", {"decode_error": "shout"}, "decode_error"),
        ("CountVectorizer", {"stop_words": "klingon"}, "stop_words"),
        ("TfidfVectorizer", {"norm": "l3"}, "norm"),
        ("TfidfTransformer", {"norm": "l3"}, "norm"),
        ("HashingVectorizer", {"n_features": 0}, "n_features"),
        ("HashingVectorizer", {"n_features": 2**40}, "n_features"),
        ("Tokenizer", {"n_jobs": 0}, "n_jobs"),
        ("Tokenizer", {"token_pattern": "("}, "token_pattern"),
        ("Tokenizer", {"unicode_normalization": "NFD"}, "unicode_normalization"),
    ],
)
def test_item6_parameters_are_checked_on_load_as_fit_checks_them(cls, params, fragment, tmp_path):
    estimator = getattr(textsim, cls)()
    data = model_bytes(estimator)
    bad = with_manifest(data, "textsim-model.json", lambda m: m["params"].update(params))
    refused(textsim.load, bad, tmp_path, "textsim-model.json", fragment)


def test_item6_a_model_that_reads_files_is_refused_on_save_and_loading_never_opens_documents(
    tmp_path,
):
    path = tmp_path / "model.textsim"
    with pytest.raises(ValueError, match="input='filename'"):
        textsim.CountVectorizer(input="filename").save(path)
    assert not path.exists()


# -- item 7: deep JSON, bit flips, bad manifests -------------------------------------------------


def test_item7_json_nested_100000_deep_is_a_value_error(tfidf_file, tmp_path):
    parts = members(tfidf_file)
    parts["textsim-model.json"] = b"[" * 100_000 + b"]" * 100_000
    refused(textsim.load, rezip(parts), tmp_path, "textsim-model.json", "deep")


def test_item7_the_cli_reports_deep_json_in_one_line(index_file, tmp_path):
    parts = members(index_file)
    parts["textsim-index.json"] = b"[" * 100_000 + b"]" * 100_000
    path = tmp_path / "deep.textsim-index"
    path.write_bytes(rezip(parts))
    result = subprocess.run(
        [sys.executable, "-m", "textsim", "query", "cat", "--index", str(path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "deep" in lines[0] and str(path) in lines[0], lines


def test_brackets_inside_strings_do_not_count_as_depth():
    from textsim._archive_reader import json_depth

    assert json_depth(b'{"a": ["[[[[", "\\"[[["]}') == 2
    assert json_depth(b"[[[]]]") == 3
    assert json_depth(b'"just a string"') == 0


@pytest.mark.parametrize(
    "manifest",
    [b"\xff\xfe not utf-8", b"{not json", b'{"format": NaN}', b""],
    ids=["not-utf8", "not-json", "nan", "empty"],
)
def test_item7_an_index_manifest_that_is_not_utf8_json_names_the_file_and_member(
    index_file, tmp_path, manifest
):
    parts = members(index_file)
    parts["textsim-index.json"] = manifest
    refused(textsim.SimilarityIndex.load, rezip(parts), tmp_path, "textsim-index.json")


def test_item7_every_single_bit_flip_of_a_model_is_a_value_error_or_loads_equal(tmp_path):
    original = textsim.TfidfVectorizer(ngram_range=(1, 2)).fit(DOCS)
    data = model_bytes(original)
    expected = original.transform(DOCS).toarray()
    rng = np.random.default_rng(13)
    flips = rng.choice(len(data) * 8, size=min(len(data) * 8, 3000), replace=False)
    loaded = 0
    for bit in flips:
        damaged = bytearray(data)
        damaged[bit // 8] ^= 1 << (bit % 8)
        try:
            model = textsim.load(io.BytesIO(bytes(damaged)))
        except ValueError:
            continue
        loaded += 1
        # a flip zipfile cannot see (a name's case in the central directory, a time): the
        # model is still the same
        np.testing.assert_array_equal(model.transform(DOCS).toarray(), expected)
    assert loaded < len(flips)


def test_item7_an_encrypted_member_is_a_value_error(tfidf_file, tmp_path):
    data = bytearray(tfidf_file)
    # set the "encrypted" flag of every header (local and central)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            data[found + offset] |= 1
            start = found + 4
    refused(textsim.load, bytes(data), tmp_path, "encrypted")


def test_item7_another_compression_method_is_a_value_error(tfidf_file, tmp_path):
    bad = rezip(members(tfidf_file), compression=zipfile.ZIP_BZIP2)
    refused(textsim.load, bad, tmp_path, "method")


# -- item 8: only regular files --------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("load", [textsim.load, textsim.SimilarityIndex.load], ids=["model", "index"])
def test_item8_a_device_is_refused_at_once(load):
    with pytest.raises(ValueError, match="/dev/zero: not a regular file"):
        load("/dev/zero")
    with open("/dev/zero", "rb") as fh, pytest.raises(ValueError, match="not a regular file"):
        load(fh)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("load", [textsim.load, textsim.SimilarityIndex.load], ids=["model", "index"])
def test_item8_a_fifo_is_refused_without_blocking(load, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    worker = threading.Thread(target=lambda: _capture(outcome, load, fifo), daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "loading a FIFO blocked"
    assert isinstance(outcome[0], ValueError) and "a FIFO" in str(outcome[0])


def test_item8_the_cli_refuses_a_fifo_index_in_one_line(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "textsim", "similar", "--index", str(fifo)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == f"textsim: {fifo}: not a regular file (a FIFO); a textsim index is one"


@pytest.mark.parametrize("load", [textsim.load, textsim.SimilarityIndex.load], ids=["model", "index"])
def test_item8_a_directory_is_refused(load, tmp_path):
    with pytest.raises(ValueError, match="a directory"):
        load(tmp_path)


def _capture(outcome: list, load, path) -> None:
    try:
        load(path)
    except BaseException as error:  # noqa: BLE001 - the test looks at it
        outcome.append(error)


# -- the index's members ---------------------------------------------------------------------------


def test_an_index_whose_vectorizer_member_is_damaged_names_both_files(index_file, tmp_path):
    parts = members(index_file)
    parts["vectorizer.textsim"] = parts["vectorizer.textsim"][:40]
    message = refused(textsim.SimilarityIndex.load, rezip(parts), tmp_path, "vectorizer.textsim")
    assert message.count(": ") >= 2


@pytest.mark.parametrize(
    "articles",
    [b'{"ids": ["a", "b"]}', b'{"ids": [1, 2, 3, 4]}', b'{"names": []}', b"[]"],
)
def test_an_index_whose_articles_disagree_with_its_rows_is_refused(index_file, tmp_path, articles):
    parts = members(index_file)
    parts["articles.json"] = articles
    refused(textsim.SimilarityIndex.load, rezip(parts), tmp_path, "articles.json")


def test_a_loaded_index_is_the_saved_one(tmp_path):
    index = textsim.SimilarityIndex().fit(DOCS, ids=list("abcd"), titles=["w", "x", "y", "z"])
    path = tmp_path / "index.textsim-index"
    index.save(path)
    loaded = textsim.SimilarityIndex.load(path)
    assert (loaded.matrix_ != index.matrix_).nnz == 0
    assert loaded.matrix_.dtype == index.matrix_.dtype
    assert loaded.ids_ == index.ids_ and loaded.titles_ == index.titles_
    np.testing.assert_array_equal(loaded.query(["cat"]).indices, index.query(["cat"]).indices)


@pytest.mark.parametrize(
    "vectorizer",
    [textsim.CountVectorizer(), textsim.HashingVectorizer(n_features=64),
     textsim.TfidfVectorizer(dtype=np.float32)],
    ids=["count", "hashing", "tfidf32"],
)
def test_indexes_of_every_vectorizer_load(vectorizer):
    index = textsim.SimilarityIndex(vectorizer=vectorizer).fit(DOCS)
    loaded = textsim.SimilarityIndex.load(io.BytesIO(index_bytes(index)))
    assert (loaded.matrix_ != index.matrix_).nnz == 0
    assert loaded.matrix_.dtype == index.matrix_.dtype
