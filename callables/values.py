"""Typed values of a source's columns: one converter per contract type, and their Arrow types.

A converter takes what the file holds (CSV text, or a JSON value) and returns the typed value or
raises ``ValueError``. Text is read strictly: ASCII digits only (``int("١٢")`` would pass), no
surrounding blanks, dates that exist. Date and timestamp columns read ISO 8601 or a strftime
pattern; naive timestamps are UTC.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

__all__: list[str] = []  # helpers of callables.ingest

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_PARTS = {"year": ("%Y", "%y"), "month": ("%m", "%b", "%B", "%j"), "day": ("%d", "%j")}
TRUE = frozenset({"true", "t", "yes", "y", "1"})
FALSE = frozenset({"false", "f", "no", "n", "0"})
Converter = Callable[[Any], Any]


class ContractError(ValueError):
    """A landed file, or a source config, does not meet the source's contract."""


def close_match(word: str, choices: tuple[str, ...] | list[str]) -> str:
    """A did-you-mean hint for ``word``, else the choices."""
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean '{found[0]}'?" if found else f"use one of {', '.join(choices)}"


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.isascii():
        raise ValueError
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError
    if isinstance(value, str) and not _INT.fullmatch(_text(value)):
        raise ValueError
    number = int(value)
    if not -(2**63) <= number < 2**63:
        raise ValueError  # does not fit int64
    return number


def _float(decimal: str) -> Converter:
    def convert(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError
        if isinstance(value, str):
            text = _text(value)
            if decimal == ",":  # "1.234,5" and "1.5" are refused: a "." could be thousands
                text = text.replace(".", "_").replace(",", ".")
            if not _FLOAT.fullmatch(text):
                raise ValueError
            value = text
        return float(value)

    return convert


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text not in TRUE | FALSE:
        raise ValueError
    return text in TRUE


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError
    return value


def _date(fmt: str) -> Converter:
    def convert(value: Any) -> date:
        text = _text(value)
        if fmt == "iso":
            if not _ISO_DATE.fullmatch(text):
                raise ValueError
            return date.fromisoformat(text)
        return datetime.strptime(text, fmt).date()

    return convert


def _timestamp(fmt: str) -> Converter:
    def convert(value: Any) -> datetime:
        text = _text(value)
        if fmt == "iso" and not _ISO_DATE.fullmatch(text[:10]):
            raise ValueError
        moment = datetime.fromisoformat(text) if fmt == "iso" else datetime.strptime(text, fmt)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

    return convert


def _memo(convert: Converter) -> Converter:
    """Dates repeat on many rows: parse each text once."""
    seen: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        if not isinstance(value, str):
            return convert(value)
        if value not in seen:
            seen[value] = convert(value)
        return seen[value]

    return cached


def converter(kind: str, fmt: str = "iso", decimal: str = ".") -> Converter:
    """The converter of a contract type (``string``, ``int64``, ``float64``, ``bool``, ``date``,
    ``timestamp``)."""
    simple: dict[str, Converter] = {"string": _string, "int64": _int, "bool": _bool}
    if kind in simple:
        return simple[kind]
    if kind == "float64":
        return _float(decimal)
    return _memo(_date(fmt) if kind == "date" else _timestamp(fmt))


def format_problem(fmt: str, kind: str) -> str:
    """Why ``fmt`` cannot read values of ``kind`` (``""`` when it can): ``iso`` or strftime."""
    if fmt == "iso":
        return ""
    if "%" not in fmt:
        return "neither iso nor a strftime pattern"
    missing = [
        f"{name} ({parts[0]})"
        for name, parts in _DATE_PARTS.items()
        if not any(p in fmt for p in parts)
    ]
    if missing:
        return f"has no {' and no '.join(missing)}"
    sample = datetime(2024, 11, 28, 13, 45, 30)
    try:
        datetime.strptime(sample.strftime(fmt), fmt)
    except ValueError as exc:
        return f"does not read back what it writes ({exc})"
    has_time = any(part in fmt for part in ("%H", "%I", "%M", "%S"))
    return "a time in a date column: make it a timestamp" if kind == "date" and has_time else ""


def arrow_type(kind: str) -> pa.DataType:
    """The Parquet (Arrow) type a contract type is written as."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }
    return types[kind]
