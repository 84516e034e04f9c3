"""textsim's model files (``textsim.save``/``textsim.load``, ``textsim._persist``).

Every estimator comes back with the same parameters, the same fitted state (bit for bit) and
the same output; files hold JSON and plain ``.npy`` arrays only, and anything else (another
format, a newer version, an extra or pickled member, a callable parameter) is refused with a
message that says why.
"""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp
import textsim
from numpy.testing import assert_array_equal
from textsim._persist import FORMAT_NAME, FORMAT_VERSION, MANIFEST_NAME, load, save

VECTORIZER_CASES = [
    ("CountVectorizer", {}),
    ("CountVectorizer", {"ngram_range": (1, 2), "min_df": 1, "max_df": 0.9, "binary": True}),
    ("CountVectorizer", {"stop_words": ["the", "and", "of", "এবং"], "dtype": np.float32}),
    ("CountVectorizer", {"analyzer": "char_wb", "ngram_range": (2, 3), "max_features": 200}),
    ("CountVectorizer", {"stop_words": "english", "dtype": np.int32, "lowercase": False}),
    ("TfidfVectorizer", {}),
    ("TfidfVectorizer", {"dtype": np.float32}),
    ("TfidfVectorizer", {"dtype": np.float32, "sublinear_tf": True, "norm": "l1"}),
    ("TfidfVectorizer", {"smooth_idf": False, "norm": None, "ngram_range": (1, 3), "min_df": 2}),
    ("TfidfVectorizer", {"use_idf": False}),
    ("TfidfVectorizer", {"stop_words": "bengali", "fold_digits": True, "n_jobs": 1}),
]


def case_id(case) -> str:
    name, params = case
    shown = ",".join(
        f"{k}={np.dtype(v).name if k == 'dtype' else v}" for k, v in params.items()
    )
    return f"{name}({shown})"


@pytest.fixture(scope="module")
def docs(sample_docs) -> list[str]:
    return [d["text"] for d in sample_docs]


@pytest.fixture(scope="module")
def new_docs(sample_docs) -> list[str]:
    return [d["title"] for d in sample_docs] + ["", "unseen words only", "the THE the"]


def round_trip(estimator, tmp_path, name: str = "model.textsim"):
    path = tmp_path / name
    save(estimator, path)
    return load(path)


def assert_same_matrix(got, expected) -> None:
    """Exactly the same sparse (or dense) matrix: shape, dtype, structure, values."""
    if sp.issparse(expected):
        assert sp.issparse(got)
        assert type(got) is type(expected)
        assert got.shape == expected.shape
        assert got.dtype == expected.dtype
        got, expected = sp.csr_matrix(got), sp.csr_matrix(expected)
        assert_array_equal(got.indptr, expected.indptr)
        assert_array_equal(got.indices, expected.indices)
        assert_array_equal(got.data, expected.data)
    else:
        assert got.dtype == expected.dtype
        assert_array_equal(got, expected)


def assert_same_params(got, expected) -> None:
    got_params, expected_params = got.get_params(), expected.get_params()
    assert got_params.keys() == expected_params.keys()
    for key, value in expected_params.items():
        assert got_params[key] == value, key
        assert type(got_params[key]) is type(value), (key, got_params[key], value)


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def manifest_of(path) -> dict:
    return json.loads(members(path)[MANIFEST_NAME].decode("utf-8"))


def rewrite(path, out, *, manifest=None, replace=None, add=None, drop=()) -> None:
    """Copy the model at ``path`` to ``out`` with a changed manifest or members."""
    contents = members(path)
    if manifest is not None:
        contents[MANIFEST_NAME] = json.dumps(manifest).encode("utf-8")
    contents.update(replace or {})
    for name in drop:
        del contents[name]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in contents.items():
            zf.writestr(name, data)
        for name, data in (add or {}).items():
            zf.writestr(name, data)


def npy_bytes(array, *, allow_pickle=False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# round trips
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", VECTORIZER_CASES, ids=case_id)
def test_vectorizer_round_trip(case, docs, new_docs, tmp_path):
    name, params = case
    fitted = getattr(textsim, name)(**params)
    fitted.fit(docs)
    loaded = round_trip(fitted, tmp_path)

    assert type(loaded) is type(fitted)
    assert_same_params(loaded, fitted)
    assert isinstance(loaded.vocabulary_, dict)
    assert loaded.vocabulary_ == fitted.vocabulary_
    assert loaded.fixed_vocabulary_ is fitted.fixed_vocabulary_ is False
    assert_array_equal(loaded.get_feature_names_out(), fitted.get_feature_names_out())
    if name == "TfidfVectorizer" and params.get("use_idf", True):
        assert loaded.idf_.dtype == fitted.idf_.dtype
        assert_array_equal(loaded.idf_, fitted.idf_)  # exact
    assert_same_matrix(loaded.transform(docs), fitted.transform(docs))
    assert_same_matrix(loaded.transform(new_docs), fitted.transform(new_docs))


@pytest.mark.parametrize("name", ["CountVectorizer", "TfidfVectorizer"])
@pytest.mark.parametrize(
    "vocabulary",
    [
        ["the", "পুতিন", "bank", "রাষ্ট্রপতি", "zzz-not-in-docs"],
        {"bank": 2, "the": 0, "বৈঠক": 1},
    ],
    ids=["list", "dict"],
)
def test_fixed_vocabulary_round_trip(name, vocabulary, docs, new_docs, tmp_path):
    fitted = getattr(textsim, name)(vocabulary=vocabulary).fit(docs)
    loaded = round_trip(fitted, tmp_path)
    assert_same_params(loaded, fitted)
    assert loaded.vocabulary_ == fitted.vocabulary_
    assert loaded.fixed_vocabulary_ is True
    assert_same_matrix(loaded.transform(new_docs), fitted.transform(new_docs))


def test_terms_with_unusual_characters_round_trip(tmp_path):
    # terms are whatever the vocabulary says: non-BMP, controls, quotes, the JSON escapes
    vocabulary = ["a\nb", 'quote"d', "back\\slash", "\x00nul", "emoji😀", "tab\tx", "\u2028", "ৎ"]
    fitted = textsim.CountVectorizer(vocabulary=vocabulary, analyzer="char", ngram_range=(1, 8))
    fitted.fit(["x"])
    loaded = round_trip(fitted, tmp_path)
    assert loaded.vocabulary_ == fitted.vocabulary_
    assert loaded.get_params()["vocabulary"] == vocabulary


def test_large_vocabulary_round_trip(tmp_path):
    docs = [" ".join(f"w{i}x{j}" for j in range(500)) for i in range(200)]  # 100,000 terms
    fitted = textsim.TfidfVectorizer().fit(docs)
    assert len(fitted.vocabulary_) == 100_000
    loaded = round_trip(fitted, tmp_path)
    assert loaded.vocabulary_ == fitted.vocabulary_
    assert_array_equal(loaded.idf_, fitted.idf_)
    assert_same_matrix(loaded.transform(docs[:20]), fitted.transform(docs[:20]))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"norm": "l1", "sublinear_tf": True},
        {"use_idf": False},
        {"smooth_idf": False, "norm": None},
    ],
    ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) or "default",
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tfidf_transformer_round_trip(params, dtype, docs, tmp_path):
    counts = textsim.CountVectorizer().fit_transform(docs).astype(dtype)
    fitted = textsim.TfidfTransformer(**params).fit(counts)
    loaded = round_trip(fitted, tmp_path)
    assert_same_params(loaded, fitted)
    assert loaded.n_features_in_ == fitted.n_features_in_ == counts.shape[1]
    if params.get("use_idf", True):
        assert loaded.idf_.dtype == fitted.idf_.dtype == dtype
        assert_array_equal(loaded.idf_, fitted.idf_)
    else:
        assert not hasattr(loaded, "idf_")
    assert_same_matrix(loaded.transform(counts), fitted.transform(counts))


@pytest.mark.parametrize(
    "params",
    [{}, {"n_features": 2**12, "alternate_sign": False, "norm": "l1"},
     {"analyzer": "char_wb", "ngram_range": (2, 4), "dtype": np.float32}],
    ids=["default", "no-sign", "char_wb"],
)
def test_hashing_vectorizer_round_trip(params, docs, tmp_path):
    original = textsim.HashingVectorizer(**params)
    loaded = round_trip(original, tmp_path)
    assert_same_params(loaded, original)
    assert manifest_of(tmp_path / "model.textsim")["fitted"] is None
    assert_same_matrix(loaded.transform(docs), original.transform(docs))


@pytest.mark.parametrize(
    "params",
    [{}, {"tokenizer": "unicode", "stop_words": "bengali", "fold_digits": True, "n_jobs": 1},
     {"stop_words": frozenset({"the", "and"}), "unicode_normalization": None, "lowercase": False}],
    ids=["default", "unicode", "frozenset"],
)
def test_tokenizer_round_trip(params, docs, tmp_path):
    original = textsim.Tokenizer(**params)
    loaded = round_trip(original, tmp_path)
    expected = original.get_params()
    if isinstance(expected["stop_words"], frozenset):
        # stored as a sorted list (documented), loaded as that list
        expected["stop_words"] = sorted(expected["stop_words"])
    assert loaded.get_params() == expected
    assert loaded.tokenize_many(docs) == original.tokenize_many(docs)


def test_float32_is_stored_as_float32(docs, tmp_path):
    fitted = textsim.TfidfVectorizer(dtype=np.float32).fit(docs)
    save(fitted, tmp_path / "m")
    manifest = manifest_of(tmp_path / "m")
    assert manifest["params"]["dtype"] == {"dtype": "float32"}
    assert manifest["fitted"]["idf_"] == {
        "array": "idf.npy", "dtype": "float32", "shape": [len(fitted.vocabulary_)]
    }
    idf = np.load(io.BytesIO(members(tmp_path / "m")["idf.npy"]), allow_pickle=False)
    assert idf.dtype == np.float32
    loaded = load(tmp_path / "m")
    assert loaded.dtype is np.float32
    assert loaded.idf_.dtype == np.float32
    assert loaded.transform(docs).dtype == np.float32


@pytest.mark.parametrize(
    "make",
    [
        lambda: textsim.CountVectorizer(ngram_range=(1, 2), stop_words={"a", "the"}),
        lambda: textsim.TfidfVectorizer(dtype=np.float32, min_df=2),
        lambda: textsim.TfidfTransformer(norm="l1"),
        lambda: textsim.CountVectorizer(vocabulary=["the", "bank"]),
    ],
    ids=["count", "tfidf", "transformer", "fixed-vocabulary"],
)
def test_unfitted_round_trip(make, docs, tmp_path):
    original = make()
    loaded = round_trip(original, tmp_path)
    assert manifest_of(tmp_path / "model.textsim")["fitted"] is None
    for attribute in ("vocabulary_", "idf_", "n_features_in_"):
        assert not hasattr(loaded, attribute)
    expected = original.get_params()
    if isinstance(expected.get("stop_words"), (set, frozenset)):
        expected["stop_words"] = sorted(expected["stop_words"])
    assert loaded.get_params() == expected
    if isinstance(original, textsim.TfidfTransformer):
        counts = textsim.CountVectorizer().fit_transform(docs)
        assert_same_matrix(loaded.fit_transform(counts), original.fit_transform(counts))
    else:
        assert_same_matrix(loaded.fit_transform(docs), original.fit_transform(docs))


def test_save_method_and_package_functions(docs, tmp_path):
    fitted = textsim.TfidfVectorizer().fit(docs)
    fitted.save(tmp_path / "method.textsim")
    textsim.save(fitted, str(tmp_path / "function.textsim"))
    method, function = tmp_path / "method.textsim", tmp_path / "function.textsim"
    assert method.read_bytes() == function.read_bytes()
    for name in ("method.textsim", "function.textsim"):
        loaded = textsim.load(tmp_path / name)
        assert_array_equal(loaded.idf_, fitted.idf_)


def test_file_objects(docs):
    fitted = textsim.CountVectorizer().fit(docs)
    buffer = io.BytesIO()
    save(fitted, buffer)
    buffer.seek(0)
    loaded = load(buffer)
    assert loaded.vocabulary_ == fitted.vocabulary_


def test_files_are_reproducible(docs, tmp_path):
    fitted = textsim.TfidfVectorizer().fit(docs)
    save(fitted, tmp_path / "a")
    save(load(tmp_path / "a"), tmp_path / "b")
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()


def test_manifest_fields(docs, tmp_path):
    fitted = textsim.TfidfVectorizer(ngram_range=(1, 2)).fit(docs)
    save(fitted, tmp_path / "m")
    manifest = manifest_of(tmp_path / "m")
    assert list(manifest) == [
        "format", "format_version", "textsim_version", "class", "params", "fitted"
    ]
    assert manifest["format"] == FORMAT_NAME == "textsim-model"
    assert manifest["format_version"] == FORMAT_VERSION == 1
    assert manifest["textsim_version"] == textsim.__version__
    assert manifest["class"] == "TfidfVectorizer"
    assert manifest["params"]["ngram_range"] == [1, 2]
    assert manifest["params"]["dtype"] == {"dtype": "float64"}
    terms = manifest["fitted"]["vocabulary_"]
    assert [fitted.vocabulary_[t] for t in terms] == list(range(len(terms)))  # column order
    assert manifest["fitted"]["fixed_vocabulary_"] is False


# ---------------------------------------------------------------------------------------------
# what cannot be saved
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, parameter",
    [
        (lambda: textsim.CountVectorizer(preprocessor=str.lower), "preprocessor"),
        (lambda: textsim.TfidfVectorizer(tokenizer=str.split), "tokenizer"),
        (lambda: textsim.CountVectorizer(analyzer=lambda doc: doc.split()), "analyzer"),
        (lambda: textsim.HashingVectorizer(strip_accents=lambda s: s), "strip_accents"),
        (lambda: textsim.Tokenizer(tokenizer=str.split), "tokenizer"),
    ],
    ids=["preprocessor", "tokenizer", "analyzer", "strip_accents", "Tokenizer.tokenizer"],
)
def test_callable_parameters_cannot_be_saved(make, parameter, tmp_path):
    estimator = make()
    with pytest.raises(ValueError, match=rf"'{parameter}'.*callable.*non-executable.*pickle"):
        save(estimator, tmp_path / "m")
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_only_textsim_estimators_can_be_saved(tmp_path):
    class Mine(textsim.CountVectorizer):
        pass

    for estimator in (Mine(), object(), {"vocabulary_": {}}):
        with pytest.raises(TypeError, match="textsim"):
            save(estimator, tmp_path / "m")


# ---------------------------------------------------------------------------------------------
# files that must be refused
# ---------------------------------------------------------------------------------------------


@pytest.fixture()
def model_file(docs, tmp_path):
    path = tmp_path / "good.textsim"
    textsim.TfidfVectorizer().fit(docs).save(path)
    return path


def test_wrong_format_name(model_file, tmp_path):
    manifest = manifest_of(model_file)
    manifest["format"] = "something-else"
    rewrite(model_file, tmp_path / "bad", manifest=manifest)
    with pytest.raises(ValueError, match="not a textsim model file"):
        load(tmp_path / "bad")


def test_future_format_version(model_file, tmp_path):
    manifest = manifest_of(model_file)
    manifest["format_version"] = FORMAT_VERSION + 1
    manifest["textsim_version"] = "9.4.0"
    rewrite(model_file, tmp_path / "bad", manifest=manifest)
    with pytest.raises(ValueError, match=r"format version 2.*textsim 9\.4\.0 or newer to load it"):
        load(tmp_path / "bad")


@pytest.mark.parametrize("version", [0, "1", 1.0, None, True])
def test_invalid_format_version(model_file, tmp_path, version):
    manifest = manifest_of(model_file)
    manifest["format_version"] = version
    rewrite(model_file, tmp_path / "bad", manifest=manifest)
    with pytest.raises(ValueError, match="format_version"):
        load(tmp_path / "bad")


@pytest.mark.parametrize("name", ["os.system", "Pipeline", "textsim.CountVectorizer", "__class__"])
def test_unknown_class(model_file, tmp_path, name):
    manifest = manifest_of(model_file)
    manifest["class"] = name
    rewrite(model_file, tmp_path / "bad", manifest=manifest)
    with pytest.raises(ValueError, match="unknown class"):
        load(tmp_path / "bad")


@pytest.mark.parametrize(
    "extra",
    ["payload.pkl", "extra.npy", "../escape.npy", "textsim-model.json/x", "terms.npy"],
)
def test_extra_member(model_file, tmp_path, extra):
    rewrite(model_file, tmp_path / "bad", add={extra: npy_bytes(np.zeros(3))})
    with pytest.raises(ValueError, match="unexpected ZIP member"):
        load(tmp_path / "bad")


def test_duplicate_member(model_file, tmp_path):
    with pytest.warns(UserWarning, match="Duplicate name"):
        rewrite(model_file, tmp_path / "bad", add={"idf.npy": npy_bytes(np.zeros(3))})
    with pytest.raises(ValueError, match="more than once"):
        load(tmp_path / "bad")


def test_missing_member(model_file, tmp_path):
    rewrite(model_file, tmp_path / "bad", drop=["idf.npy"])
    with pytest.raises(ValueError, match=r"missing ZIP member.*idf\.npy"):
        load(tmp_path / "bad")


def test_pickled_npy_is_refused(model_file, tmp_path):
    n = len(manifest_of(model_file)["fitted"]["vocabulary_"])
    evil = np.empty(n, dtype=object)
    evil[:] = [print] * n
    rewrite(model_file, tmp_path / "bad", replace={"idf.npy": npy_bytes(evil, allow_pickle=True)})
    with pytest.raises(ValueError, match="pickle"):
        load(tmp_path / "bad")


def test_raw_pickle_in_place_of_npy_is_refused(model_file, tmp_path):
    rewrite(model_file, tmp_path / "bad", replace={"idf.npy": pickle.dumps(np.zeros(3))})
    with pytest.raises(ValueError, match="pickle"):
        load(tmp_path / "bad")


@pytest.mark.parametrize(
    "make",
    [lambda n: np.zeros(n + 1), lambda n: np.zeros(n, dtype=np.int64),
     lambda n: np.zeros((n, 1)), lambda n: np.array(["a"] * n)],
    ids=["wrong-shape", "wrong-dtype", "two-dimensional", "strings"],
)
def test_array_that_does_not_match_the_manifest(model_file, tmp_path, make):
    n = len(manifest_of(model_file)["fitted"]["vocabulary_"])
    rewrite(model_file, tmp_path / "bad", replace={"idf.npy": npy_bytes(make(n))})
    with pytest.raises(ValueError, match="idf"):
        load(tmp_path / "bad")


def test_manifest_that_names_another_member(model_file, tmp_path):
    manifest = manifest_of(model_file)
    manifest["fitted"]["idf_"]["array"] = "textsim-model.json"
    rewrite(model_file, tmp_path / "bad", manifest=manifest)
    with pytest.raises(ValueError, match="unexpected array member"):
        load(tmp_path / "bad")


def test_unknown_parameter(model_file, tmp_path):
    manifest = manifest_of(model_file)
    manifest["params"]["__init__"] = 1
    rewrite(model_file, tmp_path / "bad", manifest=manifest)
    with pytest.raises(ValueError, match="no parameter"):
        load(tmp_path / "bad")


def test_object_dtype_parameter_is_refused(model_file, tmp_path):
    manifest = manifest_of(model_file)
    manifest["params"]["dtype"] = {"dtype": "object"}
    rewrite(model_file, tmp_path / "bad", manifest=manifest)
    with pytest.raises(ValueError, match="dtype"):
        load(tmp_path / "bad")


@pytest.mark.parametrize("content", [b"", b"not a zip", pickle.dumps({"a": 1})])
def test_not_a_zip(tmp_path, content):
    (tmp_path / "bad").write_bytes(content)
    with pytest.raises(ValueError, match="not a textsim model file"):
        load(tmp_path / "bad")


def test_zip_without_manifest(tmp_path):
    with zipfile.ZipFile(tmp_path / "bad", "w") as zf:
        zf.writestr("idf.npy", npy_bytes(np.zeros(3)))
    with pytest.raises(ValueError, match="not a textsim model file"):
        load(tmp_path / "bad")


# ---------------------------------------------------------------------------------------------
# no pickle in the file
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", VECTORIZER_CASES, ids=case_id)
def test_file_holds_json_and_plain_arrays_only(case, docs, tmp_path):
    name, params = case
    path = tmp_path / "m"
    save(getattr(textsim, name)(**params).fit(docs), path)
    contents = members(path)
    assert MANIFEST_NAME in contents
    json.loads(contents.pop(MANIFEST_NAME).decode("utf-8"))  # strict UTF-8 JSON
    assert set(contents) <= {"idf.npy"}
    for member, data in contents.items():
        array = np.load(io.BytesIO(data), allow_pickle=False)  # raises on pickled data
        assert array.dtype.kind == "f", member
        assert not data.startswith(b"\x80")  # no pickle protocol header
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            assert info.compress_type == zipfile.ZIP_DEFLATED
