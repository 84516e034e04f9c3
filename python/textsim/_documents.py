"""Documents in whatever container they come in, as the core reads them.

The core reads ``str`` and ``bytes`` objects' own buffers (no conversion under the lock). A
list is passed through as it is; other iterables (tuples, generators, numpy object arrays,
pandas Series) are gathered into a list once. ``input="filename"``/``"file"`` read the bytes
here; bytes in an encoding other than UTF-8 are decoded here, as scikit-learn does.
"""

from __future__ import annotations

import codecs
from typing import Any

from textsim._exceptions import DocumentDecodeError

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
