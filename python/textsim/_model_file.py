"""textsim's model file: a documented, versioned, non-executable format for estimators.

``save(estimator, path)`` writes a textsim estimator to a file, ``load(path, classes)`` reads it
back as one of ``classes`` (``textsim._persist`` names textsim's; this module imports no
estimator, so that the estimators' own ``save`` can use it).
Unlike pickle, loading runs no code from the file: the file holds JSON and plain numeric arrays
only, and ``load`` rebuilds the estimator from a fixed list of textsim classes. A model file can
therefore be shared and loaded without trusting whoever wrote it, read by other tools, and
loaded by later textsim versions.

The format: ``textsim-model``, version 1
=========================================

A model file is a ZIP archive (members compressed with DEFLATE) with exactly these members:

- ``textsim-model.json``: the manifest (below), UTF-8 JSON (strict: no NaN or Infinity);
- the ``.npy`` arrays the manifest names, and no others. Version 1 has one:
  ``idf.npy``. Arrays are numpy's ``.npy`` format (a documented header plus raw little- or
  big-endian numbers); numeric dtypes only, never object arrays, so no pickled data. textsim
  writes them with ``np.save(..., allow_pickle=False)``; ``load`` reads the header, checks it,
  then exactly the bytes it implies (``textsim._archive_reader``), never a pickle.

``load`` refuses an archive with a member that the manifest does not name (or a name twice),
with a missing member, with an array of the wrong dtype or shape, and anything pickled; a file
that is not a regular file; a member larger than the manifest implies (JSON: see
``textsim._archive_reader``); JSON nested deeper than 32; parameters that ``fit`` would refuse;
``input`` other than ``"content"``; an idf no fit makes (NaN, below 1, or infinite where a fit
cannot make it so). Each is a ``ValueError`` naming the file and the member.

The manifest is a JSON object with these fields, in this order:

``"format"``
    Always ``"textsim-model"``.
``"format_version"``
    The integer ``1``. A reader refuses versions it does not know; version 1 readers refuse
    ``2`` and up, saying which textsim version wrote the file.
``"textsim_version"``
    The version of textsim that wrote the file (informational; e.g. ``"0.1.0"``).
``"class"``
    One of ``"Tokenizer"``, ``"CountVectorizer"``, ``"TfidfVectorizer"``,
    ``"TfidfTransformer"``, ``"HashingVectorizer"``: the textsim class of the estimator.
    ``load`` maps these names to textsim's own classes through a fixed table; no other name
    is accepted and nothing is imported by name.
``"params"``
    The estimator's constructor arguments (``get_params()``), a JSON object from parameter
    name to value:

    - ``None``, booleans, integers, floats and strings are themselves;
    - tuples and lists are JSON arrays; ``ngram_range`` is turned back into a tuple on
      loading, every other array stays a list;
    - sets and frozensets (of stop words) are arrays sorted by code point, loaded as lists;
    - dicts (a ``vocabulary`` given as ``{term: column}``) are JSON objects;
    - numpy scalar types and dtypes (``dtype=np.float32``) are ``{"dtype": "float32"}``
      (the numpy dtype name; booleans, integers and floats only), loaded as the numpy type
      (``np.float32``);
    - numpy scalars are the equal JSON number or boolean, numpy arrays are JSON arrays.

    Python callables (a ``preprocessor``, ``tokenizer`` or ``analyzer`` function, a callable
    ``strip_accents``) cannot be stored: ``save`` raises ``ValueError`` naming the parameter.
    Such models can only be saved with pickle, which is executable.
``"fitted"``
    ``null`` for an estimator that has not been fitted (or has no fitted state:
    ``Tokenizer`` and ``HashingVectorizer`` are always ``null``). Otherwise an object:

    - ``CountVectorizer``: ``{"vocabulary_": [...], "fixed_vocabulary_": bool}``, where
      ``"vocabulary_"`` lists the terms in column order (the term of column ``i`` is item
      ``i``). It is loaded as the dict ``{term: column}``. A JSON list is what loads
      fastest from Python (about 0.1 s per million terms, faster than a UTF-8 blob with an
      offsets array), has no padding (a numpy ``'U'`` array pads every term to the longest),
      and is readable by anything.
    - ``TfidfVectorizer``: the same, plus ``"idf_"``: an array reference (below), or ``null``
      when ``use_idf=False``. Its length is the number of terms, its dtype ``float64`` or
      ``float32`` as fitted (it is restored exactly, bit for bit).
    - Either vectorizer, optionally: ``"n_documents"``, the number of documents the fit saw
      (a non-negative integer; what the repr shows as "from N documents"). Files without it
      load as before.
    - ``TfidfTransformer``: ``{"n_features_in_": int, "idf_": array reference or null}``.

    An array reference is ``{"array": "idf.npy", "dtype": "float64", "shape": [n]}``: the
    member that holds the array and what it must contain.

``load`` rebuilds the estimator as ``cls(**params)``, then sets the fitted attributes with
``setattr`` in this order: ``vocabulary_``, ``idf_``, ``fixed_vocabulary_`` for the
vectorizers; ``n_features_in_``, ``idf_`` for ``TfidfTransformer``.

Files are reproducible: the same estimator gives the same bytes (member times are fixed).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from textsim import _archive
from textsim._archive import PathOrFile
from textsim._archive_reader import ArchiveReader
from textsim._version import __version__

__all__ = ["CLASS_NAMES", "FORMAT_NAME", "FORMAT_VERSION", "MANIFEST_NAME", "load", "save"]

FORMAT_NAME = "textsim-model"
FORMAT_VERSION = 1
MANIFEST_NAME = "textsim-model.json"

#: The classes a model file may name. Each of textsim's classes says which it is in its own
#: ``_model_name`` (a subclass does not inherit the name, so it is refused).
CLASS_NAMES = (
    "Tokenizer",
    "CountVectorizer",
    "TfidfVectorizer",
    "TfidfTransformer",
    "HashingVectorizer",
)
_VECTORIZERS = ("CountVectorizer", "TfidfVectorizer")
#: Every array member a version 1 file may hold.
_ARRAY_NAMES = ("idf.npy",)
_IDF_DTYPES = ("float32", "float64")
_TUPLE_PARAMS = ("ngram_range",)
_CALLABLE_MESSAGE = (
    "parameter {name!r} is a Python callable ({value!r}); models with Python callables "
    "cannot be saved in textsim's non-executable model format. Use pickle (or joblib) "
    "for such models, or give the parameter a non-callable value."
)


# ---------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------


def _is_numpy_type(value: Any) -> bool:
    return isinstance(value, np.dtype) or (
        isinstance(value, type) and issubclass(value, np.generic)
    )


def _dtype_name(name: str, value: Any) -> str:
    dtype = np.dtype(value)
    if dtype.kind not in "biuf" or dtype.fields is not None or dtype.subdtype is not None:
        raise ValueError(
            f"parameter {name!r}: numpy dtype {dtype} cannot be saved in a textsim model "
            "(booleans, integers and floats only)"
        )
    return dtype.name


def _encode_scalar(name: str, value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"parameter {name!r}: {value} cannot be saved (JSON has no NaN/inf)")
        return value
    if isinstance(value, np.str_):
        return str(value)
    if _is_numpy_type(value):
        return {"dtype": _dtype_name(name, value)}
    if callable(value):
        raise ValueError(_CALLABLE_MESSAGE.format(name=name, value=value))
    raise ValueError(
        f"parameter {name!r} has a value of type {type(value).__name__} ({value!r}), "
        "which textsim's model format cannot store"
    )


def _encode_param(name: str, value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        items = [_encode_scalar(name, v) for v in value]
        if not all(isinstance(v, str) for v in items):
            raise ValueError(f"parameter {name!r}: only sets of strings can be saved")
        return sorted(items)
    if isinstance(value, (list, tuple, np.ndarray)):
        if isinstance(value, np.ndarray) and value.ndim != 1:
            raise ValueError(f"parameter {name!r}: only one-dimensional arrays can be saved")
        return [_encode_scalar(name, v) for v in value]
    if isinstance(value, Mapping):
        encoded = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"parameter {name!r}: only dicts with str keys can be saved")
            encoded[key] = _encode_scalar(name, item)
        if _is_dtype_tag(encoded):
            raise ValueError(
                f"parameter {name!r}: the dict {value!r} cannot be told apart from a saved dtype"
            )
        return encoded
    return _encode_scalar(name, value)


def _is_dtype_tag(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get("dtype"), str)


def _decode_param(name: str, value: Any) -> Any:
    if _is_dtype_tag(value):
        try:
            dtype = np.dtype(value["dtype"])
        except TypeError:
            raise ValueError(
                f"parameter {name!r}: unknown numpy dtype {value['dtype']!r}"
            ) from None
        _dtype_name(name, dtype)  # booleans, integers and floats only
        return dtype.type
    if isinstance(value, list) and name in _TUPLE_PARAMS:
        return tuple(value)
    return value


def _encode_params(estimator: Any) -> dict[str, Any]:
    params = estimator.get_params(deep=False)
    return {str(name): _encode_param(name, value) for name, value in params.items()}


# ---------------------------------------------------------------------------------------------
# fitted state
# ---------------------------------------------------------------------------------------------


def _attribute(estimator: Any, name: str) -> Any:
    try:
        return getattr(estimator, name)
    except (AttributeError, ValueError):  # scikit-learn's NotFittedError is both
        return None


def _terms_in_column_order(vocabulary: Mapping[str, Any]) -> list[str]:
    n = len(vocabulary)
    if list(vocabulary.values()) == list(range(n)):  # fast path: a fit's dict is in column order
        terms = list(vocabulary)
        if all(type(t) is str for t in terms):
            return terms
    terms: list[Any] = [None] * n
    for term, column in vocabulary.items():
        if not isinstance(term, str):
            raise ValueError(f"vocabulary_: term {term!r} is not a str")
        if isinstance(column, bool) or not isinstance(column, (int, np.integer)):
            raise ValueError(f"vocabulary_: column {column!r} of {term!r} is not an int")
        column = int(column)
        if not 0 <= column < n or terms[column] is not None:
            raise ValueError(
                f"vocabulary_: the columns are not 0..{n - 1}, each once ({term!r} -> {column})"
            )
        terms[column] = term
    return terms


def _array_ref(member: str, array: np.ndarray) -> dict[str, Any]:
    return {"array": member, "dtype": array.dtype.name, "shape": list(array.shape)}


def _encode_idf(
    idf: Any, n: int, arrays: dict[str, np.ndarray], may_be_infinite: bool
) -> dict[str, Any] | None:
    if idf is None:
        return None
    idf = np.asarray(idf)
    if idf.dtype.name not in _IDF_DTYPES or idf.shape != (n,):
        raise ValueError(
            f"idf_: expected float32 or float64 of shape ({n},), got {idf.dtype} {idf.shape}"
        )
    why = check_idf(idf, may_be_infinite)
    if why is not None:
        raise ValueError(f"idf_ {why}: no fit makes it, so textsim.load would refuse the file")
    arrays["idf.npy"] = idf
    return _array_ref("idf.npy", idf)


def _encode_fitted(class_name: str, estimator: Any, arrays: dict[str, np.ndarray]) -> Any:
    if class_name in _VECTORIZERS:
        vocabulary = _attribute(estimator, "vocabulary_")
        if vocabulary is None:
            return None
        terms = _terms_in_column_order(vocabulary)
        fitted: dict[str, Any] = {
            "vocabulary_": terms,
            "fixed_vocabulary_": bool(_attribute(estimator, "fixed_vocabulary_")),
        }
        if class_name == "TfidfVectorizer":
            fitted["idf_"] = _encode_idf(
                _attribute(estimator, "idf_"), len(terms), arrays,
                _idf_may_be_infinite(
                    class_name, estimator.smooth_idf, fitted["fixed_vocabulary_"]
                ),
            )
        n_documents = estimator.__dict__.get("_n_documents")
        if n_documents is not None:
            fitted["n_documents"] = int(n_documents)
        return fitted
    if class_name == "TfidfTransformer":
        n_features = _attribute(estimator, "n_features_in_")
        idf = _attribute(estimator, "idf_")
        if n_features is None and idf is None:
            return None
        if n_features is None:
            n_features = len(idf)
        return {
            "n_features_in_": int(n_features),
            "idf_": _encode_idf(
                idf, int(n_features), arrays,
                _idf_may_be_infinite(class_name, estimator.smooth_idf, None),
            ),
        }
    return None  # Tokenizer, HashingVectorizer: no fitted state


# ---------------------------------------------------------------------------------------------
# save
# ---------------------------------------------------------------------------------------------


def _class_name(estimator: Any) -> str:
    name = vars(type(estimator)).get("_model_name")
    if name in CLASS_NAMES:
        return str(name)
    raise TypeError(
        f"cannot save a {type(estimator).__module__}.{type(estimator).__qualname__}: "
        f"textsim's model format holds textsim's own {', '.join(CLASS_NAMES)} only "
        "(not subclasses)"
    )


def save(estimator: Any, path: PathOrFile) -> None:
    """Save a textsim estimator to ``path`` (a file name or a binary file open for writing).

    The file is a ZIP archive of JSON and ``.npy`` arrays that loads without running code
    (the format is described in :mod:`textsim._model_file`). Raises ``ValueError`` if a parameter
    is a Python callable (save such models with pickle) and ``TypeError`` if ``estimator`` is
    not a textsim estimator. Nothing is written when it raises.
    """
    class_name = _class_name(estimator)
    arrays: dict[str, np.ndarray] = {}
    params = _encode_params(estimator)
    if params.get("input", "content") != "content":
        raise ValueError(
            f"input={params['input']!r}: a textsim model file always reads documents as text, "
            "so that loading a model never makes it open files; save with input='content' "
            "and set input again after loading"
        )
    fitted = _encode_fitted(class_name, estimator, arrays)
    manifest = _archive.json_bytes(
        {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "textsim_version": __version__,
            "class": class_name,
            "params": params,
            "fitted": fitted,
        }
    )
    _archive.write(
        path,
        [(MANIFEST_NAME, manifest), *((member, _archive.npy(a)) for member, a in arrays.items())],
    )


# ---------------------------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------------------------


def _idf_ref(reader: ArchiveReader, ref: Any, n: int) -> dict[str, Any] | None:
    """The manifest's reference to the idf array of ``n`` values, checked before it is read."""
    if ref is None:
        return None
    reader.require(
        isinstance(ref, dict) and set(ref) == {"array", "dtype", "shape"},
        f"idf_: malformed array reference {ref!r}",
        MANIFEST_NAME,
    )
    reader.require(
        ref["array"] in _ARRAY_NAMES,
        f"idf_: unexpected array member {ref['array']!r}",
        MANIFEST_NAME,
    )
    reader.require(
        ref["dtype"] in _IDF_DTYPES and ref["shape"] == [n],
        f"idf_: expected dtype {' or '.join(_IDF_DTYPES)} and shape {[n]}, "
        f"the manifest says {ref['dtype']!r} {ref['shape']!r}",
        MANIFEST_NAME,
    )
    return ref


def check_idf(idf: np.ndarray, may_be_infinite: bool) -> str | None:
    """Why ``idf`` is not one a fit could make (None when it is): every value is at least 1
    (ln of a ratio of at least 1, plus 1), and infinite only where ``may_be_infinite`` (no
    ``smooth_idf``, and a term that can be in no document: a fixed vocabulary's, a count
    matrix's empty column)."""
    values = np.asarray(idf)
    if np.isnan(values).any():
        return "holds NaN"
    if (values < 1).any():
        return f"holds {float(values.min())!r}; a fitted idf is 1 or more"
    if not may_be_infinite and np.isinf(values).any():
        return (
            "holds infinity, which a fit makes only without smooth_idf, for a term in no "
            "document (of a fixed vocabulary, or an empty column)"
        )
    return None


def _idf_may_be_infinite(class_name: str, smooth_idf: Any, fixed_vocabulary: Any) -> bool:
    if smooth_idf:
        return False
    return class_name == "TfidfTransformer" or bool(fixed_vocabulary)


def load(path: PathOrFile, classes: Mapping[str, type], source: str | None = None) -> Any:
    """Load an estimator saved by :func:`save` from ``path`` (a file name or binary file), as
    the class ``classes`` maps its class name to.

    Runs no code from the file: the manifest is JSON, the arrays are read with
    ``np.load(allow_pickle=False)``, and the class comes from a fixed table of textsim
    classes. Raises ``ValueError`` (naming the file) for anything that is not a valid
    ``textsim-model`` file, including files written by a newer textsim in a format version
    this one does not read. Only regular files are read, every member within the size its
    manifest implies (see ``textsim._archive_reader``); parameters are checked as ``fit``
    checks them, and fitted values must be ones a fit makes.
    """
    with ArchiveReader(path, "textsim model file", source) as reader:
        return _load_from(reader, classes)


def _load_from(reader: ArchiveReader, classes: Mapping[str, type]) -> Any:
    names = reader.names
    reader.require(
        MANIFEST_NAME in names,
        f"not a textsim model file (the ZIP archive has no {MANIFEST_NAME})",
    )
    reader.check_names({MANIFEST_NAME, *_ARRAY_NAMES}, {MANIFEST_NAME})
    manifest = reader.json(MANIFEST_NAME)

    def require(condition: bool, message: str) -> None:
        reader.require(condition, message, MANIFEST_NAME)

    require(isinstance(manifest, dict), "not a JSON object")
    require(
        manifest.get("format") == FORMAT_NAME,
        f"not a textsim model file (format {manifest.get('format')!r}, "
        f"expected {FORMAT_NAME!r})",
    )
    version = manifest.get("format_version")
    written_by = manifest.get("textsim_version", "unknown")
    require(
        isinstance(version, int) and not isinstance(version, bool) and version >= 1,
        f"invalid format_version {version!r}",
    )
    reader.require(
        version <= FORMAT_VERSION,
        f"this model was written by textsim {written_by} in {FORMAT_NAME} format version "
        f"{version}; textsim {__version__} reads format version {FORMAT_VERSION} only. "
        f"Install textsim {written_by} or newer to load it.",
    )
    class_name = manifest.get("class")
    require(
        isinstance(class_name, str) and class_name in CLASS_NAMES,
        f"unknown class {class_name!r} (a textsim model is one of {', '.join(CLASS_NAMES)})",
    )
    cls = classes.get(class_name)
    if cls is None:
        raise reader.error(f"textsim {__version__} has no {class_name}")
    params = manifest.get("params")
    require(isinstance(params, dict), "'params' is not a JSON object")
    fitted = manifest.get("fitted")

    # which array members the manifest names, checked before anything is read
    idf_ref = None
    vocabulary: dict[str, int] = {}
    if fitted is not None:
        require(isinstance(fitted, dict), "'fitted' is not a JSON object or null")
        if class_name in _VECTORIZERS:
            expected = {"vocabulary_", "fixed_vocabulary_"}
            if class_name == "TfidfVectorizer":
                expected.add("idf_")
            require(
                expected <= set(fitted) <= expected | {"n_documents"},
                f"'fitted' must have the fields {sorted(expected)} (and may have "
                "'n_documents')",
            )
            n_documents = fitted.get("n_documents")
            require(
                n_documents is None
                or (isinstance(n_documents, int) and not isinstance(n_documents, bool)
                    and n_documents >= 0),
                "'fitted.n_documents' is not a non-negative integer",
            )
            terms = fitted["vocabulary_"]
            require(
                isinstance(terms, list) and all(isinstance(t, str) for t in terms),
                "'fitted.vocabulary_' is not a list of strings",
            )
            require(
                isinstance(fitted["fixed_vocabulary_"], bool),
                "'fitted.fixed_vocabulary_' is not a boolean",
            )
            n = len(terms)
            vocabulary = {term: column for column, term in enumerate(terms)}
            require(len(vocabulary) == n, "'fitted.vocabulary_' lists a term twice")
        elif class_name == "TfidfTransformer":
            require(
                set(fitted) == {"n_features_in_", "idf_"},
                "'fitted' must have the fields ['idf_', 'n_features_in_']",
            )
            n = fitted["n_features_in_"]
            require(
                isinstance(n, int) and not isinstance(n, bool) and n >= 0,
                "'fitted.n_features_in_' is not a non-negative integer",
            )
        else:
            raise reader.error(
                f"a {class_name} has no fitted state, but 'fitted' is not null", MANIFEST_NAME
            )
        if "idf_" in fitted:
            idf_ref = _idf_ref(reader, fitted["idf_"], n)
    wanted = {MANIFEST_NAME} | ({idf_ref["array"]} if idf_ref is not None else set())
    reader.check_names(wanted, wanted)

    known = set(cls().get_params())
    unknown = sorted(set(params) - known)
    require(
        not unknown,
        f"{class_name} of textsim {__version__} has no parameter(s) {unknown} "
        f"(the model was written by textsim {written_by})",
    )
    require(
        params.get("input", "content") == "content",
        f"'params': input={params.get('input')!r} would make transform open each document "
        "string as a file; a model file always reads documents as text (input='content'). "
        "Set input after loading, if you trust the file.",
    )
    try:
        estimator = cls(**{name: _decode_param(name, value) for name, value in params.items()})
        estimator._check_saved_params()
    except (ValueError, TypeError, LookupError, OverflowError) as error:
        raise reader.error(f"'params': {error}", MANIFEST_NAME) from None

    idf = None
    if idf_ref is not None:
        idf = reader.array(idf_ref["array"], (idf_ref["dtype"],), (n,), "idf_")
        why = check_idf(
            idf,
            _idf_may_be_infinite(
                class_name, params.get("smooth_idf", True), fitted.get("fixed_vocabulary_")
            ),
        )
        reader.require(why is None, f"idf_: {why}", idf_ref["array"])

    try:
        _set_fitted(estimator, class_name, fitted, vocabulary, idf)
    except (ValueError, TypeError) as error:
        raise reader.error(f"'fitted': {error}", MANIFEST_NAME) from None
    return estimator


def _set_fitted(
    estimator: Any, class_name: str, fitted: Any, vocabulary: dict[str, int], idf: Any
) -> None:
    if fitted is not None:
        if class_name in _VECTORIZERS:
            estimator.vocabulary_ = vocabulary
            if idf is not None:
                estimator.idf_ = idf
            estimator.fixed_vocabulary_ = fitted["fixed_vocabulary_"]
            if fitted.get("n_documents") is not None:
                estimator._n_documents = fitted["n_documents"]
        else:  # TfidfTransformer
            estimator.n_features_in_ = fitted["n_features_in_"]
            if idf is not None:
                estimator.idf_ = idf
