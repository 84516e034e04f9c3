"""Documents in whatever container they come in, as the core reads them.

The core reads ``str`` and ``bytes`` objects' own buffers (no conversion under the lock). A
list is passed through as it is; other iterables (tuples, generators, numpy object arrays,
pandas Series) are gathered into a list once. ``input="filename"``/``"file"`` read the bytes
here; bytes in an encoding other than UTF-8 are decoded here, as scikit-learn does.
"""

from __future__ import annotations

import codecs
from typing import Any

import numpy as np

from textsim._exceptions import DocumentDecodeError, MissingDocumentError

#: scikit-learn's message for a lone string where documents are expected (it is a mistake,
#: not a collection of one-letter documents).
NOT_ITERABLE = "Iterable over raw text documents expected, string object received."


def as_documents(
    raw: Any, input: str, encoding: str, decode_error: str, first_document: int = 0
) -> Any:
    """``raw`` as a list of ``str``/``bytes`` documents for the core; ``raw[0]`` is document
    ``first_document`` of the whole input (errors name documents by their number in it)."""
    if isinstance(raw, (str, bytes)):
        raise ValueError(NOT_ITERABLE)
    if input == "filename":
        docs: list[Any] = []
        for name in raw:
            with open(name, "rb") as fh:
                docs.append(fh.read())
    elif input == "file":
        docs = [fh.read() for fh in raw]
    elif isinstance(raw, list):
        docs = raw
    elif is_arrow_strings(raw):
        return raw  # read by the core without a copy
    else:
        tolist = getattr(raw, "tolist", None)
        docs = tolist() if callable(tolist) else list(raw)
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8") and any(
        isinstance(d, bytes) for d in docs
    ):
        if codecs.lookup(encoding).name != "utf-8":
            docs = [
                _decoded(first_document + i, d, encoding, decode_error) for i, d in enumerate(docs)
            ]
    return docs


#: scikit-learn's message for a NaN document.
SKLEARN_NAN = "np.nan is an invalid document, expected byte or unicode string."

#: What ``missing=`` may say: refuse a missing document (naming it), or read it as "".
MISSING_POLICIES = ("error", "empty")


def is_missing(value: Any) -> bool:
    """None, NaN (float or numpy), pandas' NA and NaT: the missing values of the containers
    documents come in."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    kind = type(value)
    return kind.__module__.startswith("pandas") and kind.__name__ in ("NAType", "NaTType")


def _refused(
    position: int | None, value: Any, label: Any = None, pandas: bool = False
) -> MissingDocumentError:
    if position is None:  # a document given on its own (``Tokenizer.tokenize(None)``)
        where, hint = "the document", "pass a str or bytes, or missing='empty' to read it as empty"
    else:
        where = f"document {position}" + (f" (index label {label!r})" if label is not None else "")
        fill = " (e.g. docs.fillna(''))" if pandas else ""
        hint = (
            f"drop or fill the missing documents first{fill}, or pass missing='empty' to read "
            "them as empty documents"
        )
    message = f"{where} is missing ({value!r}); {hint}"
    if isinstance(value, float):
        # scikit-learn's words for NaN first, so that code matching them keeps working.
        message = f"{SKLEARN_NAN} ({message})"
    return MissingDocumentError(message, position)


def refused_alone(value: Any) -> MissingDocumentError:
    """The error for a missing document given on its own: the same class as for one among
    many, without a number."""
    return _refused(None, value)


def without_missing(raw: Any, missing: str, first_document: int = 0) -> Any:
    """``raw`` with its missing documents refused (``missing="error"``: the first one named by
    its number and, in a pandas Series, its index label) or read as empty
    (``missing="empty"``). Containers that cannot be looked into without being consumed
    (iterators) are returned as they are, and Arrow columns outside pandas keep their nulls for
    the core, which refuses them by row number. A copy is made only to fill."""
    if isinstance(raw, (str, bytes)):
        return raw
    if type(raw).__module__.startswith("pandas") and callable(getattr(raw, "isna", None)):
        mask = np.asarray(raw.isna(), dtype=bool)
        if not mask.any():
            return raw
        if missing == "empty":
            return raw.fillna("")
        at = int(np.flatnonzero(mask)[0])
        raise _refused(first_document + at, raw.iloc[at], raw.index[at], pandas=True)
    if is_arrow_strings(raw):
        fill_null = getattr(raw, "fill_null", None)
        return fill_null("") if missing == "empty" and callable(fill_null) else raw
    if not isinstance(raw, (list, tuple, np.ndarray)):
        return raw
    # One pass at C speed over the types; the slow look only when something is not a string.
    if set(map(type, raw)) <= {str, bytes}:
        return raw
    gaps = [i for i, doc in enumerate(raw) if is_missing(doc)]
    if not gaps:
        return raw
    if missing == "error":
        raise _refused(first_document + gaps[0], raw[gaps[0]])
    filled = list(raw)
    for i in gaps:
        filled[i] = ""
    return filled


def _decoded(index: int, doc: Any, encoding: str, decode_error: str) -> Any:
    """``doc`` decoded if it is bytes; a failure names the document, as the core's do."""
    if not isinstance(doc, bytes):
        return doc
    try:
        return doc.decode(encoding, decode_error)
    except UnicodeDecodeError as error:
        shown = " ".join(f"0x{b:02x}" for b in error.object[error.start : error.end])
        message = (
            f"document {index} is not valid {error.encoding}: byte(s) {shown} at offset "
            f"{error.start} ({error.reason}); pass decode_error='replace' or 'ignore', or give "
            "the right encoding="
        )
        raise DocumentDecodeError(
            message, error.encoding, error.object, error.start, error.end, error.reason, index
        ) from None


def is_arrow_strings(raw: Any) -> bool:
    """Whether ``raw`` is best read through the Arrow PyCapsule interface: pyarrow arrays,
    polars Series, pandas Series backed by Arrow. A pandas Series of Python objects also has
    the interface, but converting it to Arrow would copy every string and turn NaN into a
    null, so it is read as Python objects."""
    if not (hasattr(raw, "__arrow_c_stream__") or hasattr(raw, "__arrow_c_array__")):
        return False
    dtype = getattr(raw, "dtype", None)
    if type(raw).__module__.startswith("pandas") and dtype is not None:
        return "arrow" in str(getattr(dtype, "storage", "")) or "pyarrow" in str(dtype)
    return True
