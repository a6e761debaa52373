"""A landed file's format: its grammar in configs (``csv delimiter=; compression=gzip``) and the
reading of its bytes into named cells, line by line.

Options: ``delimiter`` (one character, or ``tab``, ``comma``, ``semicolon``, ``pipe``, ``space``),
``quote`` (one character, or ``none``), ``header`` (``true``/``false``), ``encoding`` (any Python
codec; UTF-8 by default, a byte-order mark is skipped), ``compression`` (``auto`` by the first
bytes, ``none``, ``gzip``, ``zip`` with one file inside), ``null`` (texts read as empty, ``NA|-``).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import shlex
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from callables.values import ContractError, close_match

__all__: list[str] = []  # helpers of callables.ingest

FILE_FORMATS = ("csv", "jsonl")
FILE_OPTIONS = ("delimiter", "quote", "header", "encoding", "compression", "null")
CSV_ONLY = ("delimiter", "quote", "header", "null")
COMPRESSIONS = ("auto", "none", "gzip", "zip")
DELIMITER_NAMES = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " "}
Finding = tuple[str, str, str]  # (kind, message, hint), as callables.contract.Issue takes them


@dataclass(frozen=True)
class FileFormat:
    name: str = "csv"
    delimiter: str = ","
    quote: str = '"'  # "" reads quotes as data
    header: bool = True
    encoding: str = "utf-8"
    compression: str = "auto"
    nulls: tuple[str, ...] = ("",)


@dataclass(frozen=True)
class Cells:
    """What a file holds: its column names in file order, and each record's line and cells."""

    names: list[str]
    lines: list[int]
    rows: list[list[Any]]


def parse_file_format(text: str) -> tuple[FileFormat, list[Finding]]:
    """The format and its options, with every problem found in them."""
    try:
        name, *options = shlex.split(str(text)) or [""]
    except ValueError as exc:
        return FileFormat(), [("value", f"file format {text!r}: {exc}", "close the quote")]
    if name not in FILE_FORMATS:
        hint = "did you mean 'jsonl'?" if name == "json" else close_match(name, FILE_FORMATS)
        return FileFormat(), [("value", f"unknown file format '{name}'", hint)]
    settings: dict[str, Any] = {"name": name}
    findings = [found for option in options for found in _option(name, option, settings)]
    return FileFormat(**settings), findings


def _option(name: str, option: str, settings: dict[str, Any]) -> Iterator[Finding]:
    key, equals, value = option.partition("=")
    if not equals or key not in FILE_OPTIONS:
        yield "option", f"unknown file option '{option}'", close_match(key, FILE_OPTIONS)
    elif key in CSV_ONLY and name != "csv":
        yield "option", f"'{key}' applies to csv files only", f"remove {key}= here"
    elif key in ("delimiter", "quote"):
        value = {**DELIMITER_NAMES, "none": ""}.get(value, value)
        if len(value) != 1 and not (key == "quote" and value == ""):
            yield "value", f"{key} {value!r} is not one character", "e.g. delimiter=; or tab"
        settings[key] = value
    elif key == "header":
        if value not in ("true", "false"):
            yield "value", f"header={value} is not true or false", "header=false names no columns"
        settings["header"] = value != "false"
    elif key == "encoding":
        try:
            settings["encoding"] = codecs.lookup(value).name
        except LookupError:
            yield "value", f"unknown encoding '{value}'", "e.g. utf-8, latin-1, cp1252, utf-16"
    elif key == "compression":
        if value not in COMPRESSIONS:
            yield "value", f"unknown compression '{value}'", close_match(value, COMPRESSIONS)
        settings["compression"] = value
    else:
        settings["nulls"] = ("", *value.split("|"))


def compression_of(data: bytes) -> str:
    """``gzip``, ``zip`` or ``none``, from the first bytes."""
    return "gzip" if data[:2] == b"\x1f\x8b" else "zip" if data[:4] == b"PK\x03\x04" else "none"


def unpack(data: bytes, compression: str, where: str) -> bytes:
    """The file's bytes, decompressed (``auto`` looks at the first bytes)."""
    kind = compression_of(data) if compression == "auto" else compression
    try:
        if kind == "gzip":
            return gzip.decompress(data)
        if kind == "zip":
            return _one_member(zipfile.ZipFile(io.BytesIO(data)), where)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        raise ContractError(f"{where}: not {kind} data ({exc})") from exc
    return data


def _one_member(archive: zipfile.ZipFile, where: str) -> bytes:
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) != 1:
        names = ", ".join(info.filename for info in members) or "nothing"
        raise ContractError(f"{where}: a zip file must hold exactly one file; it holds {names}")
    return archive.read(members[0])


def decode(data: bytes, encoding: str, where: str) -> str:
    """The text of the file (a UTF-8 byte-order mark is skipped)."""
    try:
        return data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContractError(
            f"{where}: line {line} is not {encoding} text (byte {exc.start}: {exc.reason}); set "
            "encoding= in the source's format, e.g. 'csv encoding=latin-1'"
        ) from exc


def read_cells(data: bytes, file: FileFormat, names: Sequence[str], where: str) -> Cells:
    """The file's names and records; ``names`` are the contract's, used when it has no header."""
    text = decode(unpack(data, file.compression, where), file.encoding, where)
    return _csv(text, file, names, where) if file.name == "csv" else _jsonl(text, where)


def _csv(text: str, file: FileFormat, names: Sequence[str], where: str) -> Cells:
    quoting = {"quotechar": file.quote} if file.quote else {"quoting": csv.QUOTE_NONE}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=file.delimiter, **quoting)
    cells = Cells([], [], [])
    try:
        for row in reader:
            if not row:
                continue  # a blank line
            if not cells.names and file.header:
                cells.names.extend(row)
                continue
            width = len(cells.names) if file.header else len(names)
            if len(row) != width:
                raise ContractError(
                    f"{where}: line {reader.line_num} has {len(row)} cells, the "
                    f"{'header' if file.header else 'contract'} has {width}"
                )
            cells.lines.append(reader.line_num)
            cells.rows.append([None if cell in file.nulls else cell for cell in row])
    except csv.Error as exc:
        raise ContractError(f"{where}: line {reader.line_num}: {exc}") from exc
    if file.header and not cells.names:
        raise ContractError(f"{where}: the file is empty (no header line)")
    return cells if file.header else Cells(list(names), cells.lines, cells.rows)


def _jsonl(text: str, where: str) -> Cells:
    records: list[tuple[int, dict[str, Any]]] = []
    found: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line, object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as exc:
            raise ContractError(f"{where}: line {number} is not JSON ({exc.msg})") from exc
        except KeyError as exc:
            raise ContractError(f"{where}: line {number} has the key {exc} twice") from exc
        if not isinstance(record, dict):
            raise ContractError(f"{where}: line {number} is not a JSON object")
        found.update(dict.fromkeys(record))
        records.append((number, record))
    names = list(found)
    return Cells(names, [n for n, _ in records], [[r.get(k) for k in names] for _, r in records])


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise KeyError(key)
        result[key] = value
    return result
