"""A source's contract from a sample file: compression, encoding, format, delimiter, header, each
column's type and format and nullability, and the partition, each with the reason.

The sample is read with the pipeline's own readers (:mod:`callables.fileformat`), so the contract
inferred here is checked by the code that will run it: :func:`infer` ends by reading the sample
against the contract it wrote.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from callables.contract import Column, render_column
from callables.fileformat import DELIMITER_NAMES, FileFormat, compression_of, read_cells, unpack
from dagforge.errors import UsageError
from dagforge.tools.infer_columns import NULL_WORDS, ColumnGuess, day_of, guess_column

DELIMITERS = (",", ";", "\t", "|")
ENCODINGS = ("utf-8", "cp1252", "latin-1")  # latin-1 reads any bytes: the last resort
SAMPLE_ROWS = 50_000  # rows a guess looks at
DAY_BYTES = 1_000_000  # a day under this in the sample: month partitions, not tiny daily files


@dataclass
class Inferred:
    file: FileFormat
    guesses: list[ColumnGuess]
    rows: int
    partition_key: str = ""
    partition: str = "none"
    notes: dict[str, str] = field(default_factory=dict)  # what -> why
    days: dict[str, int] = field(default_factory=dict)  # date column -> distinct days sampled

    @property
    def columns(self) -> list[Column]:
        return [guess.column for guess in self.guesses]

    def format_text(self) -> str:
        """The ``format:`` value: ``csv delimiter=; compression=gzip``."""
        file, default = self.file, FileFormat(name=self.file.name)
        names = {v: k for k, v in DELIMITER_NAMES.items() if k != "comma"}
        options = [
            f"delimiter={names.get(file.delimiter, file.delimiter)}"
            if file.delimiter != default.delimiter
            else "",
            "header=false" if not file.header else "",
            f"encoding={file.encoding}" if file.encoding != default.encoding else "",
            f"compression={file.compression}" if file.compression != "none" else "",
            f"null={shlex.quote('|'.join(file.nulls[1:]))}" if file.nulls[1:] else "",
        ]
        return " ".join([file.name, *(option for option in options if option)])

    def columns_text(self) -> str:
        return "".join(render_column(column) + "\n" for column in self.columns)


def infer(data: bytes, name: str) -> Inferred:
    """The contract of the sample ``data`` (named ``name`` in messages)."""
    compression = compression_of(data)
    try:
        raw = unpack(data, compression, name)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    encoding, text = _decode(raw)
    if _is_jsonl(text):
        inferred = _jsonl(text, FileFormat("jsonl", encoding=encoding, compression=compression))
    else:
        inferred = _csv(text, encoding, compression)
    inferred.notes = {
        "compression": compression if compression != "none" else "none (plain bytes)",
        "encoding": encoding + ("" if encoding == "utf-8" else ": not valid UTF-8"),
        **inferred.notes,
    }
    _choose_partition(inferred, len(raw))
    return inferred


def _decode(raw: bytes) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return encoding, raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _is_jsonl(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return first.lstrip().startswith("{") and isinstance(json.loads(first), dict)
    except json.JSONDecodeError:
        return False


def _sniff_delimiter(text: str) -> tuple[str, str]:
    """The candidate that splits the first lines into the same number (> 1) of cells."""
    head = "\n".join(text.splitlines()[:200])
    scores = {}
    for delimiter in DELIMITERS:
        widths = Counter(
            len(row) for row in csv.reader(io.StringIO(head), delimiter=delimiter) if row
        )
        width, count = widths.most_common(1)[0] if widths else (0, 0)
        scores[delimiter] = (width > 1, count / max(1, sum(widths.values())), width)
    best = max(DELIMITERS, key=lambda d: scores[d])
    if not scores[best][0]:
        return ",", "one column only: no delimiter splits the lines"
    shown = {"\t": "tab"}.get(best, repr(best))
    return best, f"{shown}: {scores[best][2]} cells on {scores[best][1]:.0%} of the first lines"


def _has_header(rows: Sequence[Sequence[str]], delimiter: str) -> bool:
    """A header is a first row of distinct texts that do not read as the values below them."""
    if len(rows) < 2 or len(set(rows[0])) != len(rows[0]) or any(not c for c in rows[0]):
        return len(rows) == 1
    typed_below = [
        guess_column("c", i, [r[i] for r in rows[1:] if i < len(r)], delimiter).column.type
        for i in range(len(rows[0]))
    ]
    typed_head = [guess_column("c", i, [c], delimiter).column.type for i, c in enumerate(rows[0])]
    return all(h == "string" for h in typed_head) and (
        any(t != "string" for t in typed_below) or all(c.isalpha() or " " in c for c in rows[0])
    )


def _csv(text: str, encoding: str, compression: str) -> Inferred:
    delimiter, why = _sniff_delimiter(text)
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if row]
    rows = rows[: SAMPLE_ROWS + 1]
    header = _has_header(rows, delimiter)
    names = (
        rows[0] if header and rows else [f"col_{i + 1}" for i in range(len(rows[0]) if rows else 0)]
    )
    body = rows[1:] if header else rows
    values = [[r[i] if i < len(r) else None for r in body] for i in range(len(names))]
    guesses = [guess_column(n, i, values[i], delimiter) for i, n in enumerate(names)]
    # A null word that is a real value of a text column ('NA' is Namibia) is no null anywhere.
    taken = _words_in_text_columns(guesses, body)
    allowed = [word for word in NULL_WORDS if word not in taken]
    guesses = [
        guess_column(n, i, values[i], delimiter, allowed) if set(g.nulls) & taken else g
        for i, (n, g) in enumerate(zip(names, guesses, strict=True))
    ]
    nulls = tuple(sorted({w for g in guesses for w in g.nulls}))
    file = FileFormat("csv", delimiter, '"', header, encoding, compression, ("", *nulls))
    notes = {"format": "csv", "delimiter": why, "header": _header_note(header, names)}
    days = _days(guesses, values)
    return Inferred(file, _distinct_names(guesses), len(body), notes=notes, days=days)


def _days(guesses: list[ColumnGuess], values: Sequence[Sequence[object]]) -> dict[str, int]:
    return {
        g.column.name: len({day_of(g.column, str(v)) for v in column if v not in (None, "")})
        for g, column in zip(guesses, values, strict=True)
        if g.column.type == "date"
    }


def _words_in_text_columns(guesses: list[ColumnGuess], body: list[list[str]]) -> set[str]:
    """Null words that are real values of a text column (``NA`` is Namibia): never nulls."""
    text = [i for i, g in enumerate(guesses) if g.column.type == "string"]
    return {row[i] for row in body for i in text if i < len(row)}


def _header_note(header: bool, names: list[str]) -> str:
    return "yes: the first line names the columns" if header else "no: columns named col_1, ..."


def _distinct_names(guesses: list[ColumnGuess]) -> list[ColumnGuess]:
    seen: Counter[str] = Counter()
    result = []
    for guess in guesses:
        seen[guess.column.name] += 1
        count = seen[guess.column.name]
        if count > 1:
            column = Column(**{**guess.column.__dict__, "name": f"{guess.column.name}_{count}"})
            guess = ColumnGuess(
                column, f"{guess.reason}; the header repeats this name", guess.nulls
            )
        result.append(guess)
    return result


def _jsonl(text: str, file: FileFormat) -> Inferred:
    cells = read_cells(text.encode(), FileFormat("jsonl"), [], "sample")
    rows = cells.rows[:SAMPLE_ROWS]
    values = [[row[index] for row in rows] for index in range(len(cells.names))]
    guesses = [
        _json_column(n, i, column)
        for i, (n, column) in enumerate(zip(cells.names, values, strict=True))
    ]
    notes = {"format": "jsonl: one JSON object a line"}
    days = _days(guesses, values)
    return Inferred(file, _distinct_names(guesses), len(rows), notes=notes, days=days)


def _json_column(name: str, index: int, values: list[object]) -> ColumnGuess:
    present = [v for v in values if v is not None]
    kinds = {type(v) for v in present}
    if present and kinds <= {bool}:
        kind = "bool"
    elif present and kinds <= {int}:
        kind = "int64"
    elif present and kinds <= {int, float}:
        kind = "float64"
    else:
        strings = [v if isinstance(v, str) else json.dumps(v) for v in values]
        return guess_column(name, index, [s if s != "null" else None for s in strings], ",")
    guess = guess_column(name, index, [None if v is None else "0" for v in values], ",")
    column = Column(**{**guess.column.__dict__, "type": kind})
    return ColumnGuess(column, f"JSON {kind} values; {guess.reason.split('; ')[-1]}")


def _choose_partition(inferred: Inferred, size: int) -> None:
    dates = [g.column for g in inferred.guesses if g.column.type == "date"]
    if not dates:
        inferred.notes["partition"] = "none: the sample has no date column"
        return
    chosen = next((c for c in dates if not c.nullable), dates[0])
    days = max(1, inferred.days.get(chosen.name, 1))
    per_day = size / days
    inferred.partition_key, inferred.partition = (
        chosen.name,
        "day" if per_day >= DAY_BYTES else "month",
    )
    tiny = "" if inferred.partition == "day" else ": daily files would be tiny"
    empty = "; it has empty cells: such rows will be refused" if chosen.nullable else ""
    inferred.notes["partition"] = (
        f"{inferred.partition} on {chosen.name} ({days} day(s) in the sample, about "
        f"{per_day / 1e3:.1f} kB a day{tiny}){empty}"
    )
