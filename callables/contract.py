"""A source's contract as configs write it: its columns, its file format and options, its partition.

Written as text so that a template instance stays plain data. One column a line (or several on a
line, separated by commas): its name, its type and its options; a line starting with ``#`` is a
comment::

    order_id: int64 required
    ordered_on: date format=%d/%m/%Y from="Order Date"
    amount: float64 decimal=,
    status: string enum=placed|shipped|returned

Types: ``string``, ``int64``, ``float64``, ``bool``, ``date``, ``timestamp``. Options: ``required``
(no empty value; ``nullable`` is the default), ``format=`` (``iso`` or strftime, for dates and
timestamps), ``enum=a|b`` (strings), ``decimal=,`` (floats), ``from="Name in the file"``.

The file format is the format's name and its options (:mod:`callables.fileformat`): ``csv
delimiter=; encoding=latin-1 compression=gzip`` or ``jsonl``. The partition is a ``date`` column and
a granularity: ``day``, ``month`` or ``none``.

:func:`contract_issues` lists every problem with the line it is on, for ``dagforge validate``;
:func:`load_contract` raises them all at run time. Both read the same grammar, defined here once.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from callables.fileformat import FileFormat, parse_file_format
from callables.values import ContractError, close_match, format_problem

__all__: list[str] = []  # the grammar of ingest_source's arguments; nothing to name from YAML

TYPES = ("string", "int64", "float64", "bool", "date", "timestamp")
ALIASES = {
    "int": "int64",
    "integer": "int64",
    "long": "int64",
    "float": "float64",
    "double": "float64",
    "number": "float64",
    "decimal": "float64",
    "str": "string",
    "text": "string",
    "varchar": "string",
    "boolean": "bool",
    "datetime": "timestamp",
}
FLAGS = ("nullable", "required")
COLUMN_OPTIONS = ("format", "enum", "from", "decimal")
PARTITIONS = ("day", "month", "none")
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
# A comma before the next 'name:', outside quotes, separates two columns on one line.
_COMMA = re.compile(r",(?=\s*[a-z_][a-z0-9_]*\s*:)(?=(?:[^\"']|\"[^\"]*\"|'[^']*')*$)")
_OPTION_USE = {
    "format": "format= is for date and timestamp columns",
    "enum": "enum=a|b|c is for string columns",
    "decimal": "decimal=. or decimal=, is for float64 columns",
    "from": 'from="Name in the file" needs a name',
}


@dataclass(frozen=True)
class Issue:
    """One problem in a contract argument; ``line`` counts from 0 within the argument's text."""

    argument: str
    line: int
    kind: str  # "type", "option", "partition" or "value"
    message: str
    hint: str = ""

    def format(self) -> str:
        return f"{self.argument}: {self.message}" + (f" ({self.hint})" if self.hint else "")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    header: str  # the name in the landed file (``from=``), else ``name``
    format: str = "iso"
    nullable: bool = True
    enum: tuple[str, ...] = ()
    decimal: str = "."


@dataclass(frozen=True)
class Contract:
    columns: tuple[Column, ...]
    file: FileFormat = field(default_factory=FileFormat)
    partition_key: str = ""
    partition: str = "day"


def _items(text: str) -> Iterator[tuple[int, str]]:
    """``(line, item)`` for every column item: lines (``#`` lines are comments), split on commas
    outside quotes."""
    for number, line in enumerate(text.splitlines()):
        if not line.strip().startswith("#"):
            yield from ((number, item.strip()) for item in _COMMA.split(line) if item.strip())


def parse_columns(text: str | Mapping[str, str]) -> tuple[list[Column], list[Issue]]:
    """The columns of the contract text (or of a ``{name: "type options"}`` mapping)."""
    if isinstance(text, Mapping):
        text = "\n".join(f"{name}: {spec}" for name, spec in text.items())
    columns: list[Column] = []
    issues: list[Issue] = []
    for index, (line, item) in enumerate(_items(str(text))):
        column, found = _column(item, index)
        issues += [Issue("columns", line, *finding) for finding in found]
        if column is not None and any(c.name == column.name for c in columns):
            issues.append(Issue("columns", line, "value", f"column '{column.name}' twice"))
        columns += [column] if column is not None else []
    if not columns and not issues:
        issues.append(Issue("columns", 0, "value", "no columns", "write one 'name: type' a line"))
    return columns, issues


def snake_case(header: str, index: int) -> str:
    """A raw column name for the ``index``-th header: lower_snake_case, never starting with a
    digit."""
    name = re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")
    return name if name and not name[0].isdigit() else f"c{index + 1}_{name}".rstrip("_")


def _column(item: str, index: int) -> tuple[Column | None, list[tuple[str, str, str]]]:
    name, colon, rest = (part.strip() for part in item.partition(":"))
    if not colon or not rest:
        return None, [("value", f"'{item}' is not 'name: type'", "e.g. 'amount: float64'")]
    if not _NAME.fullmatch(name):
        snake = snake_case(name, index)
        hint = f'write {snake}: ... from="{name}" (raw column names are lower_snake_case)'
        return None, [("value", f"column name '{name}' is not lower_snake_case", hint)]
    try:
        kind, *options = shlex.split(rest)
    except ValueError as exc:
        return None, [("value", f"column '{name}': {exc}", "close the quote")]
    if kind not in TYPES:
        hint = f"did you mean '{ALIASES[kind]}'?" if kind in ALIASES else close_match(kind, TYPES)
        return None, [("type", f"column '{name}' has unknown type '{kind}'", hint)]
    settings: dict[str, Any] = {"name": name, "type": kind, "header": name}
    found = [finding for option in options for finding in _option(kind, option, settings)]
    return (None if found else Column(**settings)), found


def _option(kind: str, option: str, settings: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    key, equals, value = option.partition("=")
    if option in FLAGS:
        settings["nullable"] = option == "nullable"
    elif not equals or key not in COLUMN_OPTIONS:
        yield (
            "option",
            f"unknown column option '{option}'",
            close_match(key, [*FLAGS, *COLUMN_OPTIONS]),
        )
    elif key == "from" and value:
        settings["header"] = value
    elif key == "enum" and kind == "string" and value:
        settings["enum"] = tuple(value.split("|"))
    elif key == "decimal" and kind == "float64" and value in (".", ","):
        settings["decimal"] = value
    elif key == "format" and kind in ("date", "timestamp"):
        problem = format_problem(value, kind)
        if problem:
            yield "value", f"format '{value}' {problem}", "write iso, or strftime such as %d/%m/%Y"
        settings["format"] = value
    else:
        yield "value", f"'{option}' does not apply to a {kind} column", _OPTION_USE[key]


def partition_issues(columns: list[Column], partition_key: str, partition: str) -> list[Issue]:
    """The partition: a known granularity over a ``date`` column of the contract."""

    def issue(argument: str, message: str, hint: str) -> list[Issue]:
        return [Issue(argument, 0, "partition", message, hint)]

    if partition not in PARTITIONS:
        return issue(
            "partition", f"unknown partition '{partition}'", close_match(partition, PARTITIONS)
        )
    if partition == "none":
        return []
    dates = [c.name for c in columns if c.type == "date"]
    use = f"use a date column: {', '.join(dates)}" if dates else "add one, or partition: none"
    found = next((c for c in columns if c.name == partition_key), None)
    if found is None:
        return issue("partition_key", f"partition_key '{partition_key}' is not a column", use)
    if found.type != "date":
        return issue(
            "partition_key",
            f"partition_key '{partition_key}' is {found.type}, not a date column",
            use,
        )
    if partition == "month" and any(c.name == month_column(partition_key) for c in columns):
        return issue(
            "partition_key",
            f"the month partition {month_column(partition_key)} is also a column",
            "rename that column",
        )
    return []


def month_column(partition_key: str) -> str:
    """The name of the month partition in paths (``order_date_month=2024-03``)."""
    return f"{partition_key}_month"


def contract_issues(arguments: Mapping[str, Any]) -> list[Issue]:
    """Every problem in ``ingest_source``'s contract arguments (those not filled at run time)."""
    fixed = {k: v for k, v in arguments.items() if not (isinstance(v, str) and "{{" in v)}
    columns, issues = parse_columns(fixed["columns"]) if "columns" in fixed else ([], [])
    if "file_format" in fixed:
        issues += [
            Issue("file_format", 0, *found) for found in parse_file_format(fixed["file_format"])[1]
        ]
    if columns and not issues and "partition_key" in fixed:
        issues += partition_issues(
            columns, str(fixed["partition_key"]), str(fixed.get("partition", "day"))
        )
    return issues


def load_contract(
    columns: str | Mapping[str, str], file_format: str, partition_key: str, partition: str = "day"
) -> Contract:
    """The contract, or :class:`ContractError` naming every problem (a config ``validate`` would
    have refused)."""
    arguments = {"columns": columns, "file_format": file_format, "partition_key": partition_key}
    issues = contract_issues({**arguments, "partition": partition})
    if issues:
        raise ContractError("source config: " + "; ".join(issue.format() for issue in issues))
    file, _ = parse_file_format(file_format)
    return Contract(tuple(parse_columns(columns)[0]), file, partition_key, partition)


def render_column(column: Column) -> str:
    """``column`` written back in the grammar above (what ``dagforge new source`` writes)."""
    words = [f"{column.name}: {column.type}", *([] if column.nullable else ["required"])]
    words += [f"format={shlex.quote(column.format)}"] if column.format != "iso" else []
    words += [f"decimal={column.decimal}"] if column.decimal != "." else []
    words += [f"enum={shlex.quote('|'.join(column.enum))}"] if column.enum else []
    words += [f"from={shlex.quote(column.header)}"] if column.header != column.name else []
    return " ".join(words)
