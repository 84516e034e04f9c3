"""Articles from the files people have: folders of .txt files, .txt, JSON Lines, JSON, CSV and
Parquet (through pyarrow, an optional extra), each optionally gzip-compressed (``.jsonl.gz``).

Every mistake a user can make with a file (it is missing, it is not in the encoding, a field is
not there, there is nothing in it) raises :class:`InputError` with a one-line message that names
the file, so that the command can print it without a traceback.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textsim._exceptions import TextsimError
from textsim.datasets import Article

FORMATS = (".txt", ".jsonl", ".ndjson", ".json", ".csv", ".parquet")

#: The path that means standard input.
STDIN = "-"

#: What to do with a record whose text is missing (null, or an empty CSV cell).
MISSING = ("error", "skip", "empty")


class InputError(TextsimError, ValueError):
    """A file cannot be read as articles (the message says which file and why)."""


@dataclass(frozen=True)
class Fields:
    """Which field (JSON) or column (CSV, Parquet) holds each part of an article. ``None`` for
    the title or id means "use it when the records have it" (the defaults ``title`` and
    ``id``); a name given by the user must exist."""

    text: str = "text"
    title: str | None = None
    id: str | None = None
    #: A record whose text is missing (JSON null, Parquet null, empty CSV cell): "error"
    #: (name it), "skip" it, or read it as an "empty" article.
    missing: str = "error"
    #: A .txt file (or text on standard input) holds one article per non-empty line.
    lines: bool = False


def read_articles(
    paths: Iterable[str | Path], fields: Fields = Fields(), encoding: str = "utf-8"
) -> list[Article]:
    """The articles of every path, in the order given (a folder's .txt files in name order);
    ``-`` is standard input: JSON Lines when it starts with ``{``, else text."""
    articles: list[Article] = []
    for path in paths:
        if str(path) == STDIN:
            articles.extend(_read_stdin(fields, encoding))
        else:
            articles.extend(_read_path(Path(path), fields, encoding))
    return articles


def read_stdin_text(encoding: str) -> str:
    """Standard input, decoded with ``encoding`` (``--encoding``), as the files are."""
    return _decoded(Path("<stdin>"), sys.stdin.buffer.read(), encoding)


def _read_stdin(fields: Fields, encoding: str) -> Iterator[Article]:
    name = Path("<stdin>")
    raw = sys.stdin.buffer.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = _decoded(name, raw, encoding)
    if text.lstrip().startswith("{"):
        yield from _records(name, _json_records(name, text), fields)
    else:
        yield from _text_articles(name, "stdin", text, fields)


def _read_path(path: Path, fields: Fields, encoding: str) -> Iterator[Article]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and _suffix(p) == ".txt")
        for file in files:
            yield _text_article(file, file.relative_to(path).as_posix(), encoding)
        return
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if not path.is_file():
        raise InputError(f"{path}: not a file or folder")
    suffix = _suffix(path)
    if suffix == ".txt":
        yield from _text_articles(path, path.as_posix(), _read_text(path, encoding), fields)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _records(path, _json_lines(path, encoding), fields)
    elif suffix == ".json":
        yield from _records(path, _json_document(path, encoding), fields)
    elif suffix == ".csv":
        yield from _records(path, _csv_rows(path, encoding), fields)
    elif suffix == ".parquet":
        yield from _records(path, _parquet_rows(path, fields), fields)
    else:
        raise InputError(
            f"{path}: unsupported file type (textsim reads folders of .txt files and "
            ".txt, .jsonl, .json, .csv and .parquet files, optionally .gz-compressed)"
        )


def _suffix(path: Path) -> str:
    """The format's suffix, looking through a ``.gz``: ``a.jsonl.gz`` -> ``.jsonl``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def _read_text(path: Path, encoding: str) -> str:
    try:
        raw = path.read_bytes()
        if path.suffix.lower() == ".gz":
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as error:
        raise InputError(f"{path}: cannot read it ({error.__class__.__name__}: {error})") from None
    return _decoded(path, raw, encoding)


def _decoded(path: Path, raw: bytes, encoding: str) -> str:
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: not valid {encoding} text (byte 0x{raw[error.start]:02x} at offset "
            f"{error.start}); give its encoding with --encoding"
        ) from None
    except LookupError:
        raise InputError(f"unknown encoding: {encoding}") from None
    return text[1:] if text.startswith("\ufeff") else text


def _text_article(path: Path, article_id: str, encoding: str) -> Article:
    return Article(id=article_id, title="", text=_read_text(path, encoding))


def _text_articles(path: Path, name: str, text: str, fields: Fields) -> Iterator[Article]:
    """A text's article, or with ``fields.lines`` one per non-empty line (``name:N``)."""
    if not fields.lines:
        yield Article(id=name, title="", text=text)
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield Article(id=f"{name}:{number}", title="", text=line.rstrip("\r"))


def _json_lines(path: Path, encoding: str) -> Iterator[tuple[str, Any]]:
    return _json_records(path, _read_text(path, encoding))


def _json_records(path: Path, text: str) -> Iterator[tuple[str, Any]]:
    # Only "\n" ends a record: str.splitlines would also cut at U+2028, U+0085 and other
    # separators, which JSON strings may hold as they are.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}, line {number}: not JSON ({error.msg})") from None
        yield f"line {number}", record


def _json_document(path: Path, encoding: str) -> Iterator[tuple[str, Any]]:
    try:
        document = json.loads(_read_text(path, encoding))
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: not JSON ({error.msg} at line {error.lineno})") from None
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise InputError(f"{path}: expected a JSON list of objects (one per article)")
    for number, record in enumerate(document, start=1):
        yield f"item {number}", record


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[str, Any]]:
    # Articles are long: lift the csv module's 128 KiB limit on a field.
    csv.field_size_limit(2**31 - 1)
    reader = csv.DictReader(io.StringIO(_read_text(path, encoding), newline=""))
    try:
        for number, row in enumerate(reader, start=2):
            yield f"row {number}", row
    except csv.Error as error:
        raise InputError(f"{path}, row {reader.line_num}: not CSV ({error})") from None


def _parquet_rows(path: Path, fields: Fields) -> Iterator[tuple[str, Any]]:
    try:
        import pyarrow.parquet as parquet
    except ImportError:
        raise InputError(
            f"{path}: reading Parquet files needs pyarrow: pip install pyarrow "
            "(or pip install 'textsim[parquet]')"
        ) from None
    try:
        table = parquet.read_table(path)
    except Exception as error:  # pyarrow raises its own types for a damaged file
        raise InputError(f"{path}: not a Parquet file ({error})") from None
    names = table.column_names
    wanted = [n for n in (fields.text, fields.title or "title", fields.id or "id") if n in names]
    # Only the needed columns become Python objects; a missing one is reported by _records.
    columns = {name: table.column(name).to_pylist() for name in wanted}
    header = {name: None for name in names}
    for number in range(table.num_rows):
        yield f"row {number + 1}", {**header, **{n: v[number] for n, v in columns.items()}}


def _records(path: Path, records: Iterator[tuple[str, Any]], fields: Fields) -> Iterator[Article]:
    title_field = fields.title or "title"
    id_field = fields.id or "id"
    for where, record in records:
        if not isinstance(record, dict):
            raise InputError(f"{path}, {where}: expected an object with a {fields.text!r} field")
        if fields.text not in record:
            raise InputError(_unknown(path, where, "text", fields.text, record))
        for given, name in ((fields.title, "title"), (fields.id, "id")):
            if given is not None and given not in record:
                raise InputError(_unknown(path, where, name, given, record))
        text = record[fields.text]
        if text is None or text == "":
            # A JSON or Parquet null, an empty CSV cell: not silently an empty article.
            if fields.missing == "skip":
                continue
            if fields.missing == "error":
                raise InputError(
                    f"{path}, {where}: the text ({fields.text!r}) is missing; pass "
                    "--missing skip to leave such records out or --missing empty to keep "
                    "them as empty articles"
                )
            text = ""
        if not isinstance(text, str):
            raise InputError(
                f"{path}, {where}: field {fields.text!r} is not text ({type(text).__name__})"
            )
        article_id = record.get(id_field)
        title = record.get(title_field)
        yield Article(
            id=str(article_id) if article_id not in (None, "") else f"{path.name}:{where}",
            title=str(title) if title is not None else "",
            text=text,
        )


def _unknown(path: Path, where: str, part: str, name: str, record: dict) -> str:
    option = {"text": "--text-field", "title": "--title-field", "id": "--id-field"}[part]
    known = ", ".join(map(repr, record)) or "none"
    return f"{path}, {where}: no field {name!r} (its fields: {known}); choose the {part} with {option}"
