"""Saved model files and similarity indexes, mutated by hypothesis (issue 13's "Done when"):
truncations, bit flips, byte edits, member swaps and removals, edited sizes and shapes in the
manifest, deep JSON.

A mutation of the file's bytes (the CRCs kept) only ever loads as an object equal to the saved
one (a mutation the format cannot see, such as a file time) or raises ``ValueError``. A mutant
re-zipped with fresh CRCs (an edited manifest, swapped or replaced members, other arrays) is a
new file, which may well be a valid one of another model (``"lowercase": false``): it raises
``ValueError``, or loads as an object that works, whose answers are finite and whose errors are
``ValueError`` (``NotFittedError`` for a model made unfitted). Never another exception, never a
crash. Slow: a few minutes (run with --run-slow)."""

from __future__ import annotations

import io
import json
import warnings
import zipfile

import numpy as np
import pytest
import textsim
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow

DOCS = [
    "the cat sat on the mat",
    "a dog sat on a log",
    "the cat and the dog",
    "cats and dogs and logs",
    "কলকাতা ও ঢাকার খবর",
]
EXAMPLES = 2000


def saved(obj) -> bytes:
    buffer = io.BytesIO()
    obj.save(buffer) if isinstance(obj, textsim.SimilarityIndex) else textsim.save(obj, buffer)
    return buffer.getvalue()


MODELS = {
    "tfidf": textsim.TfidfVectorizer(ngram_range=(1, 2)).fit(DOCS),
    "tfidf32": textsim.TfidfVectorizer(dtype=np.float32, smooth_idf=False).fit(DOCS),
    "count": textsim.CountVectorizer(stop_words=["the"]).fit(DOCS),
    "transformer": textsim.TfidfTransformer().fit(textsim.CountVectorizer().fit_transform(DOCS)),
    "hashing": textsim.HashingVectorizer(n_features=128),
    "tokenizer": textsim.Tokenizer(stemmer="bengali"),
}
INDEXES = {
    "index": textsim.SimilarityIndex().fit(DOCS, ids=list("abcde"), titles=list("ABCDE")),
    "index-count": textsim.SimilarityIndex(vectorizer=textsim.CountVectorizer()).fit(DOCS),
}
FILES = {name: saved(obj) for name, obj in {**MODELS, **INDEXES}.items()}


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate name is one of the mutations
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts:
                archive.writestr(name, data)
    return buffer.getvalue()


def transformed(obj):
    """What an object answers (to compare a loaded mutant with the original)."""
    if isinstance(obj, textsim.SimilarityIndex):
        return (obj.matrix_.toarray(), getattr(obj, "ids_", None), getattr(obj, "titles_", None),
                obj.query(DOCS[:2], k=2).indices)
    if isinstance(obj, textsim.Tokenizer):
        return obj.tokenize_many(DOCS), obj.get_params()
    if isinstance(obj, textsim.TfidfTransformer):
        return obj.transform(textsim.CountVectorizer().fit(DOCS).transform(DOCS)).toarray()
    return obj.transform(DOCS).toarray(), sorted(obj.get_params().items(), key=str)


EXPECTED = {name: transformed(obj) for name, obj in {**MODELS, **INDEXES}.items()}


def same(a, b) -> bool:
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b))
    return bool(a == b)


def load(name: str, data: bytes):
    """The loaded mutant, or None when it is refused with a ValueError."""
    loader = textsim.SimilarityIndex.load if name in INDEXES else textsim.load
    try:
        return loader(io.BytesIO(data))
    except ValueError:
        return None


def check(name: str, data: bytes) -> None:
    """A mutant of the bytes: refused, or the very object saved."""
    obj = load(name, data)
    if obj is not None:
        assert same(transformed(obj), EXPECTED[name]), f"{name}: a mutant loaded as another object"


def check_rezipped(name: str, data: bytes) -> None:
    """A new file: refused, or an object that works (answers finite, errors ValueError)."""
    obj = load(name, data)
    if obj is None:
        return
    try:
        answers = transformed(obj)
    except ValueError:
        return
    for answer in answers if isinstance(answers, tuple) else (answers,):
        if isinstance(answer, np.ndarray) and answer.dtype.kind == "f":
            assert np.isfinite(answer).all(), f"{name}: a loaded mutant answers NaN or infinity"


# -- the mutations ------------------------------------------------------------------------------

names = st.sampled_from(sorted(FILES))


@st.composite
def byte_mutants(draw):
    name = draw(names)
    data = bytearray(FILES[name])
    kind = draw(st.sampled_from(["truncate", "flip", "set", "insert", "delete"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "truncate":
        data = data[:at]
    elif kind == "flip":
        for _ in range(draw(st.integers(1, 4))):
            spot = draw(st.integers(0, len(data) - 1))
            data[spot] ^= 1 << draw(st.integers(0, 7))
    elif kind == "set":
        data[at] = draw(st.integers(0, 255))
    elif kind == "insert":
        data[at:at] = draw(st.binary(min_size=1, max_size=16))
    else:
        del data[at : at + draw(st.integers(1, 64))]
    return name, bytes(data)


def _json_edit(value, draw):
    """One edit somewhere in a JSON value: a number made bigger, smaller, negative, a float,
    a string, a list grown or cut, a key dropped, a deep value put in."""
    if isinstance(value, dict) and value:
        key = draw(st.sampled_from(sorted(value)))
        choice = draw(st.integers(0, 3))
        if choice == 0:
            del value[key]
        else:
            value[key] = _json_edit(value[key], draw)
        return value
    if isinstance(value, list) and value and draw(st.booleans()):
        spot = draw(st.integers(0, len(value) - 1))
        choice = draw(st.integers(0, 3))
        if choice == 0:
            del value[spot]
        elif choice == 1:
            value.append(value[spot])
        else:
            value[spot] = _json_edit(value[spot], draw)
        return value
    return draw(
        st.one_of(
            st.integers(-(2**63), 2**63),
            st.sampled_from([0, 1, -1, 10**11, 2**31, 2**40, 0.5, True, None, "", "x", [], {}]),
            st.text(max_size=8),
            st.integers(1, 60).map(lambda depth: json.loads("[" * depth + "]" * depth)),
        )
    )


@st.composite
def manifest_mutants(draw):
    name = draw(names)
    parts = members(FILES[name])
    manifests = [n for n in parts if n.endswith(".json")]
    member = draw(st.sampled_from(manifests))
    value = json.loads(parts[member])
    parts[member] = json.dumps(_json_edit(value, draw)).encode()
    return name, rezip(list(parts.items()))


@st.composite
def deep_json_mutants(draw):
    name = draw(names)
    parts = members(FILES[name])
    member = draw(st.sampled_from(sorted(parts)))
    depth = draw(st.integers(20, 200_000))
    opener = draw(st.sampled_from(["[", '{"a":']))
    closer = "]" if opener == "[" else "}"
    parts[member] = (opener * depth + "1" + closer * depth).encode()
    return name, rezip(list(parts.items()))


@st.composite
def member_mutants(draw):
    name = draw(names)
    parts = list(members(FILES[name]).items())
    other = members(FILES[draw(names)])
    kind = draw(st.sampled_from(["swap", "drop", "duplicate", "replace", "rename", "foreign"]))
    spot = draw(st.integers(0, len(parts) - 1))
    if kind == "swap" and len(parts) > 1:
        other_spot = draw(st.integers(0, len(parts) - 1))
        (a, da), (b, db) = parts[spot], parts[other_spot]
        parts[spot], parts[other_spot] = (a, db), (b, da)
    elif kind == "drop":
        del parts[spot]
    elif kind == "duplicate":
        parts.append(parts[spot])
    elif kind == "replace":
        member = parts[spot][0]
        parts[spot] = (member, other.get(member, draw(st.sampled_from(list(other.values())))))
    elif kind == "rename":
        parts[spot] = (draw(st.sampled_from(["idf.npy", "data.npy", "x.npy", "articles.json"])),
                       parts[spot][1])
    else:
        parts.append((draw(st.sampled_from(sorted(other))), b"\x93NUMPY junk"))
    return name, rezip(parts)


@st.composite
def array_mutants(draw):
    """An array member replaced by another array: another dtype, shape, length or values."""
    name = draw(names)
    parts = members(FILES[name])
    arrays = [n for n in parts if n.endswith(".npy")]
    if not arrays:
        return name, FILES[name]
    member = draw(st.sampled_from(arrays))
    array = np.load(io.BytesIO(parts[member]))
    kind = draw(st.sampled_from(["dtype", "shorter", "longer", "value", "2d", "byteorder"]))
    if kind == "dtype":
        array = array.astype(draw(st.sampled_from(["int8", "int32", "int64", "float16",
                                                    "float32", "float64", "bool", "U4"])))
    elif kind == "shorter":
        array = array[: draw(st.integers(0, max(0, len(array) - 1)))]
    elif kind == "longer":
        array = np.concatenate([array, array[: draw(st.integers(1, 5))]])
    elif kind == "value" and len(array):
        array = array.copy()
        spot = draw(st.integers(0, len(array) - 1))
        value = draw(st.sampled_from([np.nan, np.inf, -np.inf, -1, 0, 0.5, 10**9, -(10**9)]))
        if array.dtype.kind in "iu" and not np.isfinite(value):
            value = -1
        array[spot] = value
    elif kind == "2d":
        array = array.reshape(1, -1)
    else:
        array = array.astype(array.dtype.newbyteorder(">"))
    buffer = io.BytesIO()
    np.save(buffer, array)
    parts[member] = buffer.getvalue()
    return name, rezip(list(parts.items()))


SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow],
    database=None,
)


@SETTINGS
@given(byte_mutants())
def test_byte_mutants_load_equal_or_raise_value_error(mutant):
    check(*mutant)


@SETTINGS
@given(manifest_mutants())
def test_manifest_edits_load_a_working_object_or_raise_value_error(mutant):
    check_rezipped(*mutant)


@settings(max_examples=200, deadline=None, database=None)
@given(deep_json_mutants())
def test_deep_json_is_a_value_error(mutant):
    name, data = mutant
    load = textsim.SimilarityIndex.load if name in INDEXES else textsim.load
    with pytest.raises(ValueError):
        load(io.BytesIO(data))


@SETTINGS
@given(member_mutants())
def test_member_swaps_and_removals_load_a_working_object_or_raise_value_error(mutant):
    check_rezipped(*mutant)


@SETTINGS
@given(array_mutants())
def test_array_edits_load_a_working_object_or_raise_value_error(mutant):
    check_rezipped(*mutant)
