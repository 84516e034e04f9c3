"""The one writer of textsim's files (model files and similarity indexes): a ZIP archive of a
JSON manifest and ``.npy`` arrays. Every member is encoded before the first byte is written;
a file name is written as a temporary file beside it, flushed and fsynced, then renamed over
it (``os.replace``), so that a failed or interrupted write (an error, Ctrl-C, a full disk)
leaves the previous file as it was and no half-written one. The same members give the same
bytes (member times are fixed). ``textsim._archive_reader`` reads them back."""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable
from typing import IO, Any, Union

import numpy as np

PathOrFile = Union[str, "os.PathLike[str]", IO[bytes]]

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def npy(array: np.ndarray) -> bytes:
    """``array`` in numpy's ``.npy`` format, never pickled."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def json_bytes(value: Any) -> bytes:
    """``value`` as strict UTF-8 JSON (no NaN or Infinity). Text that UTF-8 cannot hold (a
    lone surrogate, what Python makes of an undecodable file name) is written as JSON's
    ``\\ud800`` escapes, which read back as the same string."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True, allow_nan=False).encode("ascii")


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _write_zip(target: Any, members: Iterable[tuple[str, bytes]]) -> None:
    # DEFLATE level 1: on a million terms, 1.2 s instead of 4.2 s at level 6, 9.0 MB not 7.4
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for name, data in members:
            zf.writestr(_member(name), data, compresslevel=1)


def write(target: PathOrFile, members: Iterable[tuple[str, bytes]]) -> None:
    """Writes the archive of ``members`` (name, bytes), in order, to ``target``: a file name
    (written beside it, fsynced and renamed over it) or a binary file open for writing."""
    members = list(members)
    for name, data in members:
        if not isinstance(data, bytes):
            raise TypeError(f"member {name!r}: expected bytes, got {type(data).__name__}")
    if not isinstance(target, (str, bytes, os.PathLike)):
        _write_zip(target, members)
        return
    path = os.fspath(target)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".textsim-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_zip(fh, members)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_directory(directory)


def _sync_directory(directory: str) -> None:
    """The rename made durable (POSIX; Windows has no directory handles to sync)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
