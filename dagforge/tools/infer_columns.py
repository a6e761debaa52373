"""A column's contract from the values a sample holds: its type, date or timestamp format and
nullability, with the reason, in the grammar of :mod:`callables.contract`.

Types are tried narrowest first: bool, int64, float64 (``.`` then ``,`` decimals), date,
timestamp, string. A candidate must read every non-empty value; the converters are the ones the
pipeline runs, so what is inferred here is what the run accepts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from callables.contract import Column, snake_case
from callables.values import FALSE, TRUE, converter

DATE_FORMATS = (
    "iso",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%d/%m/%y",
    "%d %b %Y",
    "%b %d %Y",
    "%d-%b-%Y",
)
_TIMES = (" %H:%M:%S", " %H:%M", "T%H:%M:%S", " %I:%M %p")
TIMESTAMP_FORMATS = ("iso", *(d + t for d in DATE_FORMATS[1:] for t in _TIMES))
NULL_WORDS = ("NA", "N/A", "n/a", "null", "NULL", "None", "-", "NaN", "nan")
_LEADING_ZERO = re.compile(r"[+-]?0[0-9]")


@dataclass(frozen=True)
class ColumnGuess:
    column: Column
    reason: str
    nulls: tuple[str, ...] = ()  # null words this column holds (``NA`` in a number column)


def _reads_all(values: Sequence[str], kind: str, fmt: str = "iso", decimal: str = ".") -> bool:
    convert = converter(kind, fmt, decimal)
    try:
        for value in values:
            convert(value)
    except (ValueError, TypeError):
        return False
    return True


def _first_format(values: Sequence[str], kind: str, formats: Sequence[str]) -> str | None:
    return next((fmt for fmt in formats if _reads_all(values, kind, fmt)), None)


def guess_type(values: Sequence[str], delimiter: str) -> tuple[str, dict[str, str], str]:
    """``(type, options, reason)`` for the non-empty values of one column."""
    if not values:
        return "string", {}, "every sampled value is empty"
    words = {v.lower() for v in values}
    if words <= TRUE | FALSE and not words <= {"0", "1"}:
        return "bool", {}, f"only {', '.join(sorted(words))}"
    if _reads_all(values, "int64"):
        if any(_LEADING_ZERO.match(v) for v in values):
            return "string", {}, "digits with leading zeros (codes, not numbers)"
        return "int64", {}, "whole numbers"
    if _reads_all(values, "float64"):
        return "float64", {}, "decimal numbers"
    if delimiter != "," and _reads_all(values, "float64", decimal=","):
        return "float64", {"decimal": ","}, "decimal numbers with a decimal comma"
    return _dated(values) or ("string", {}, "text")


def _dated(values: Sequence[str]) -> tuple[str, dict[str, str], str] | None:
    fmt = _first_format(values, "date", DATE_FORMATS)
    if fmt is not None:
        return "date", {"format": fmt}, _why_format(values, fmt)
    fmt = _first_format(values, "timestamp", TIMESTAMP_FORMATS)
    if fmt is not None:
        return "timestamp", {"format": fmt}, _why_format(values, fmt)
    return None


def _why_format(values: Sequence[str], fmt: str) -> str:
    shown = f"e.g. {values[0]}"
    if fmt == "iso":
        return f"ISO 8601, {shown}"
    swapped = fmt.replace("%d", "%D").replace("%m", "%d").replace("%D", "%m")
    if swapped != fmt and _reads_all(values, "timestamp" if "%H" in fmt else "date", swapped):
        return f"{shown}; AMBIGUOUS: every day is 12 or less, {swapped} reads them too: check it"
    day_first = fmt.index("%d") < fmt.index("%m") if "%d" in fmt and "%m" in fmt else None
    order = "" if day_first is None else (", day first" if day_first else ", month first")
    return f"{shown}{order}"


def guess_column(
    header: str,
    index: int,
    cells: Sequence[str | None],
    delimiter: str,
    null_words: Sequence[str] = NULL_WORDS,
) -> ColumnGuess:
    """The contract of one column from its sampled cells (``None`` or ``""`` is empty)."""
    present = [c for c in cells if c not in (None, "")]
    kind, options, reason = guess_type(present, delimiter)
    nulls: tuple[str, ...] = ()
    if kind == "string":  # a number or date column with NA, -, null words in it?
        words = tuple(sorted({c for c in present if c in null_words}))
        rest = [c for c in present if c not in words]
        retyped = guess_type(rest, delimiter) if words and rest else None
        if retyped is not None and retyped[0] != "string":
            kind, options, reason = retyped
            nulls, reason = words, f"{reason}; {', '.join(words)} read as empty"
    empty = len(cells) - len(present) + sum(1 for c in present if c in nulls)
    name = snake_case(header, index)
    column = Column(
        name=name,
        type=kind,
        header=header,
        format=options.get("format", "iso"),
        nullable=empty > 0,
        decimal=options.get("decimal", "."),
    )
    emptiness = f"{empty} empty" if empty else "never empty"
    return ColumnGuess(column, f"{reason}; {emptiness}", nulls)


def day_of(column: Column, value: str) -> str | None:
    """The ISO day of a date cell, for the partition estimate (``None`` when it does not read)."""
    try:
        found = converter(column.type, column.format)(value)
    except (ValueError, TypeError):
        return None
    return found.isoformat()[:10] if isinstance(found, datetime) else str(found)
