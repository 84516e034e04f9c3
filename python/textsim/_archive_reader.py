"""The one reader of textsim's files (model files and similarity indexes), the counterpart of
``textsim._archive``: a ZIP archive of a JSON manifest and ``.npy`` arrays, read without
trusting it.

- Only regular files are read: a device (``/dev/zero``), a FIFO or a directory is refused at
  once (opened with ``O_NONBLOCK`` and checked with ``fstat``, so a FIFO never blocks).
- Every member is read in bounded chunks, never more than a limit its caller states: what the
  manifest implies for an array (its header plus ``shape x itemsize`` bytes, exactly), and for
  JSON a size cap and a ratio to the member's compressed size (a zip bomb of whitespace is
  refused before it is inflated).
- JSON is parsed only after its nesting depth is checked (``MAX_JSON_DEPTH``), strictly (no
  NaN or Infinity) and from UTF-8.
- An array's dtype and shape are checked against what its caller expects before its data is
  read, and the data lands in one buffer of exactly that size (no second copy).
- Every failure (a damaged, truncated, encrypted or foreign archive, a member that lies about
  its size) is a ``ValueError`` that names the file and the member.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, Union

import numpy as np

PathOrFile = Union[str, "os.PathLike[str]", IO[bytes]]

#: The deepest nesting a textsim manifest may have (the real ones are four deep at most).
MAX_JSON_DEPTH = 32
#: A JSON member may inflate to at most this many times its compressed size (textsim's
#: manifests compress 3-6x; a zip bomb of whitespace, a thousand times)...
MAX_JSON_RATIO = 64
#: ... or to this floor, whatever its compressed size (a small manifest compresses little) ...
JSON_FLOOR = 1 << 20
#: ... and never past this cap.
MAX_JSON_BYTES = 4 << 30
#: The largest ``.npy`` header accepted (numpy's own default limit).
MAX_NPY_HEADER = 10_000

_CHUNK = 1 << 20
_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# What the standard library raises for a damaged archive or member.
_DAMAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    struct.error,
    ValueError,
    OverflowError,
    KeyError,
    IndexError,
)
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def source_name(path: Any) -> str:
    """How a message names ``path`` (a file name, or a file object by its ``name``)."""
    if isinstance(path, (str, bytes, os.PathLike)):
        return os.fsdecode(path)
    return str(getattr(path, "name", None) or "<file>")


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in the JSON text ``data`` (brackets inside
    strings do not count)."""
    brackets = _BRACKETS.findall(_JSON_STRING.sub(b'""', data))
    if not brackets:
        return 0
    codes = np.frombuffer(b"".join(brackets), dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1).astype(np.int64)
    return int(np.cumsum(steps).max())


class ArchiveReader:
    """An open textsim archive; ``kind`` says what it should be (for messages: "textsim
    model file", "textsim index"). Use as a context manager."""

    def __init__(self, path: PathOrFile, kind: str, source: str | None = None) -> None:
        self.source = source if source is not None else source_name(path)
        self.kind = kind
        self._owned: IO[bytes] | None = None
        fh = self._open_regular(path) if isinstance(path, (str, bytes, os.PathLike)) else path
        if fh is not path:
            self._owned = fh
        else:
            self._refuse_special(fh)
        try:
            self.zf = zipfile.ZipFile(fh, "r")
        except zipfile.BadZipFile:
            self.close()
            raise self.error(f"not a {kind} (not a ZIP archive)") from None
        except _DAMAGE as exc:
            self.close()
            raise self.error(f"not a {kind}, or damaged ({_reason(exc)})") from None
        except BaseException:
            self.close()
            raise
        self.names = self.zf.namelist()

    def _open_regular(self, path: Any) -> IO[bytes]:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        try:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                raise self.error(f"not a regular file ({_file_type(mode)}); a {self.kind} is one")
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise

    def _refuse_special(self, fh: Any) -> None:
        try:
            fd = fh.fileno()
        except (AttributeError, OSError, ValueError):
            return  # an in-memory file
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise self.error(f"not a regular file ({_file_type(mode)}); a {self.kind} is one")

    def close(self) -> None:
        zf = self.__dict__.pop("zf", None)
        if zf is not None:
            zf.close()
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- messages ----------------------------------------------------------------------------

    def error(self, message: str, member: str | None = None) -> ValueError:
        where = self.source if member is None else f"{self.source}: {member}"
        return ValueError(f"{where}: {message}")

    def require(self, condition: bool, message: str, member: str | None = None) -> None:
        if not condition:
            raise self.error(message, member)

    @contextmanager
    def _reading(self, member: str) -> Iterator[None]:
        try:
            yield
        except _DAMAGE as exc:
            if isinstance(exc, ValueError) and str(exc).startswith(f"{self.source}: "):
                raise  # ours, already named
            raise self.error(f"damaged ({_reason(exc)})", member) from None
        except RecursionError:
            raise self.error(f"nested more than {MAX_JSON_DEPTH} deep", member) from None

    # -- members -----------------------------------------------------------------------------

    def check_names(self, allowed: set[str], required: set[str]) -> None:
        """Each member once, none outside ``allowed``, every one of ``required``."""
        names = self.names
        twice = sorted({n for n in names if names.count(n) > 1})
        self.require(not twice, f"ZIP member(s) {twice} appear more than once; refusing to load")
        unexpected = sorted(set(names) - allowed)
        self.require(
            not unexpected,
            f"unexpected ZIP member(s) {unexpected} (a {self.kind} holds "
            f"{', '.join(sorted(allowed))} only); refusing to load",
        )
        missing = sorted(required - set(names))
        self.require(not missing, f"missing ZIP member(s) {missing}")

    def info(self, member: str) -> zipfile.ZipInfo:
        with self._reading(member):
            info = self.zf.getinfo(member)
        self.require(not info.flag_bits & 0x1, "encrypted; textsim never encrypts", member)
        self.require(
            info.compress_type in _COMPRESSIONS,
            f"compressed with method {info.compress_type}, not DEFLATE; damaged",
            member,
        )
        return info

    def read(self, member: str, limit: int) -> bytes:
        """The bytes of ``member``, which must be at most ``limit``; read in chunks, so that a
        member that inflates past its declared size is stopped there."""
        info = self.info(member)
        self.require(
            info.file_size <= limit,
            f"declares {info.file_size:,} bytes, more than the {limit:,} it may hold",
            member,
        )
        parts = []
        total = 0
        with self._reading(member), self.zf.open(info) as fh:
            while True:
                chunk = fh.read(min(_CHUNK, limit + 1 - total))
                if not chunk:
                    break
                total += len(chunk)
                self.require(total <= limit, f"holds more than {limit:,} bytes", member)
                parts.append(chunk)
        return b"".join(parts)

    def inflation_limit(self, member: str, cap: int = MAX_JSON_BYTES) -> int:
        """How large ``member`` (JSON, or an archive held inside this one) may be:
        ``MAX_JSON_RATIO`` times its compressed size, at least ``JSON_FLOOR``, at most ``cap``."""
        info = self.info(member)
        return min(cap, max(JSON_FLOOR, MAX_JSON_RATIO * info.compress_size))

    def json(self, member: str, limit: int | None = None) -> Any:
        """The JSON value of ``member``: UTF-8, at most ``MAX_JSON_DEPTH`` deep, no NaN or
        Infinity; ``limit`` bytes at most (default ``inflation_limit``)."""
        data = self.read(member, self.inflation_limit(member) if limit is None else limit)
        depth = json_depth(data)
        self.require(
            depth <= MAX_JSON_DEPTH,
            f"JSON nested {depth:,} deep, more than the {MAX_JSON_DEPTH} a textsim file has",
            member,
        )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.error(f"not UTF-8 ({exc})", member) from None
        del data
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            raise self.error(f"not valid JSON ({exc})", member) from None
        except ValueError as exc:
            raise self.error(str(exc), member) from None
        except RecursionError:
            raise self.error(f"nested more than {MAX_JSON_DEPTH} deep", member) from None

    def array(
        self, member: str, dtypes: tuple[str, ...], shape: tuple[int, ...], what: str
    ) -> np.ndarray:
        """The ``.npy`` array ``member``, whose dtype must be one of ``dtypes`` and whose shape
        must be ``shape``: its header is read and checked first, then exactly that many bytes
        into one buffer (in native byte order, as a fit makes it)."""
        info = self.info(member)
        with self._reading(member), self.zf.open(info) as fh:
            try:
                version = np.lib.format.read_magic(fh)
                if version not in ((1, 0), (2, 0)):
                    raise ValueError(f"unknown .npy version {version}")
                read_header = (
                    np.lib.format.read_array_header_1_0
                    if version == (1, 0)
                    else np.lib.format.read_array_header_2_0
                )
                found_shape, fortran, dtype = read_header(fh, max_header_size=MAX_NPY_HEADER)
            except ValueError as exc:
                raise self.error(f"not a valid .npy array ({exc})", member) from None
            self.require(
                not dtype.hasobject and dtype.fields is None and dtype.subdtype is None,
                f"holds {dtype} values (pickled Python objects or records); refusing to load "
                "it (textsim arrays are plain numbers)",
                member,
            )
            self.require(
                dtype.name in dtypes and tuple(found_shape) == tuple(shape) and not fortran,
                f"{what}: holds {dtype.name} {list(found_shape)}, expected "
                f"{' or '.join(dtypes)} {list(shape)}",
                member,
            )
            nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            header = fh.tell()
            self.require(
                info.file_size == header + nbytes,
                f"{what}: declares {info.file_size:,} bytes, its header and {list(shape)} "
                f"{dtype.name} values take {header + nbytes:,}",
                member,
            )
            array = np.empty(shape, dtype=dtype)
            view = memoryview(array.reshape(-1).view(np.uint8))
            done = 0
            while done < nbytes:
                got = fh.readinto(view[done : done + _CHUNK])
                self.require(bool(got), f"{what}: truncated after {done:,} bytes", member)
                done += got
            self.require(fh.read(1) == b"", f"{what}: longer than its header says", member)
        if not dtype.isnative:
            array = array.byteswap().view(dtype.newbyteorder("="))
        return array


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"JSON holds {name}, which textsim never writes")


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _file_type(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def in_memory(data: bytes) -> io.BytesIO:
    """A member's bytes as a file, for an archive held inside another (an index's vectorizer)."""
    return io.BytesIO(data)
