"""Per-source lake-house ingestion: a landed file is checked against its contract and lands in raw
as typed Parquet, partitioned by a date column.

Layout for source file ``landing_prefix/date=<ds>/<file_name>``:

- ``raw_prefix/<partition_key>=<YYYY-MM-DD>/part-<ds>.parquet``: the rows of that date from this
  landing (one file per landing date, so late rows never overwrite another day's file);
- ``raw_prefix/_runs/date=<ds>/_SUCCESS``: written last, JSON listing every part written and its
  rows.

A run removes the marker for its ``ds`` first (so a failed run leaves none), writes the parts
(byte-identical on a re-run), removes parts the previous run wrote that this one does not, then
writes the marker.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from callables import s3 as s3io

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ingest_source"]

FORMATS = ("csv", "jsonl")
MARKER = "_SUCCESS"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_INT = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHOWN = 5  # bad rows quoted per column


class ContractError(ValueError):
    """A landed file, or a source config, does not meet the source's contract."""


def _int(value: Any) -> int:
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, str) and _INT.match(value))
    ):
        raise ValueError
    number = int(value)
    if not -(2**63) <= number < 2**63:
        raise ValueError  # does not fit int64
    return number


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError
    return float(value)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ("true", "false", "1", "0"):
        raise ValueError
    return text in ("true", "1")


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError
    return value


def _date(value: Any) -> date:
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError
    return date.fromisoformat(value)


def _timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "string": _string,
    "int64": _int,
    "float64": _float,
    "bool": _bool,
    "date": _date,
    "timestamp": _timestamp,
}


def arrow_type(name: str) -> pa.DataType:
    """The Parquet (Arrow) type a contract type name is written as."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }
    return types[name]


def parse_columns(columns: dict[str, str] | str) -> dict[str, str]:
    """The contract as ``{name: type}``; YAML gives it as text, ``"name:type, name:type"``."""
    if isinstance(columns, dict):
        return columns
    pairs = [item.strip().split(":", 1) for item in str(columns).split(",") if item.strip()]
    bad = [":".join(pair) for pair in pairs if len(pair) != 2 or not pair[0].strip()]
    if bad:
        raise ContractError(
            f"columns {columns!r}: write each column as name:type ({', '.join(bad)})"
        )
    return {name.strip(): kind.strip() for name, kind in pairs}


def check_contract(
    source: str, file_format: str, columns: dict[str, str], partition_key: str
) -> None:
    """The source config itself: a known format and types, and a date partition column."""
    problems = (
        [f"source name {source!r} is not lower_snake_case"] if not _NAME.match(str(source)) else []
    )
    if file_format not in FORMATS:
        problems.append(f"format {file_format!r} is not one of {', '.join(FORMATS)}")
    if not isinstance(columns, dict) or not columns:
        problems.append("columns must map each column name to a type")
    else:
        problems += [
            f"column {col!r} has unknown type {kind!r} (use {', '.join(CONVERTERS)})"
            for col, kind in columns.items()
            if kind not in CONVERTERS
        ]
        if columns.get(partition_key) != "date":
            problems.append(
                f"partition_key {partition_key!r} must be one of the columns, of type date"
            )
    if problems:
        raise ContractError(f"source {source!r} config: " + "; ".join(problems))


def parse_records(
    data: bytes, file_format: str, where: str
) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """``(columns found, [(line number, record)])``; CSV cells are text, empty cells are
    ``None``."""
    text = data.decode("utf-8-sig")
    if file_format == "csv":
        import csv

        reader = csv.DictReader(io.StringIO(text))
        found = list(reader.fieldnames or [])
        records = []
        for row in reader:
            if None in row:  # DictReader files surplus cells under the key None
                raise ContractError(
                    f"{where}: line {reader.line_num} has more cells than the header"
                )
            records.append((reader.line_num, {k: (v if v != "" else None) for k, v in row.items()}))
        return found, records
    return _parse_jsonl(text, where)


def _parse_jsonl(text: str, where: str) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    records: list[tuple[int, dict[str, Any]]] = []
    found: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ContractError(f"{where}: line {number} is not JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise ContractError(f"{where}: line {number} is not a JSON object")
        found.update(dict.fromkeys(record))
        records.append((number, record))
    return list(found), records


def check_columns(found: list[str], columns: dict[str, str], where: str) -> None:
    """Every contract column present, no others; the message names both sides."""
    missing = [col for col in columns if col not in found]
    extra = [col for col in found if col not in columns]
    if missing or extra:
        parts = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unexpected column(s) {', '.join(extra)}"] if extra else []
        )
        raise ContractError(
            f"{where}: {'; '.join(parts)}; the contract expects {', '.join(columns)}"
        )


def convert(
    records: list[tuple[int, dict[str, Any]]],
    columns: dict[str, str],
    partition_key: str,
    where: str,
) -> dict[str, list[Any]]:
    """Typed values per column; every bad value (up to five per column) is named by line and
    column."""
    values: dict[str, list[Any]] = {col: [] for col in columns}
    errors: dict[str, list[str]] = {}
    for line, record in records:
        for col, kind in columns.items():
            raw = record.get(col)
            try:
                values[col].append(None if raw is None else CONVERTERS[kind](raw))
            except (ValueError, TypeError):
                errors.setdefault(col, []).append(f"line {line}: {raw!r}")
                values[col].append(None)
            if col == partition_key and values[col][-1] is None and raw is None:
                errors.setdefault(col, []).append(
                    f"line {line}: empty (the partition key is required)"
                )
    if errors:
        detail = "; ".join(
            f"column {col} ({columns[col]}): {len(bad)} bad value(s), " + ", ".join(bad[:_SHOWN])
            for col, bad in errors.items()
        )
        raise ContractError(f"{where}: contract violated: {detail}")
    return values


def partitions(
    values: dict[str, list[Any]], columns: dict[str, str], partition_key: str
) -> Iterator[tuple[date, pa.Table]]:
    """``(date, rows of that date)`` in date order, rows in landing order."""
    import pyarrow as pa

    table = pa.table(
        {col: pa.array(values[col], type=arrow_type(kind)) for col, kind in columns.items()}
    )
    for day in sorted(set(values[partition_key])):
        rows = [i for i, value in enumerate(values[partition_key]) if value == day]
        yield day, table.take(pa.array(rows, type=pa.int64()))


def parquet_bytes(table: pa.Table) -> bytes:
    """``table`` as Parquet, byte-identical for the same rows."""
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="snappy")
    return buffer.getvalue()


def ingest_source(
    source: str,
    bucket: str,
    landing_prefix: str,
    file_name: str,
    file_format: str,
    columns: dict[str, str] | str,
    partition_key: str,
    raw_prefix: str,
    ds: str,
    aws_conn_id: str = s3io.DEFAULT_CONN_ID,
) -> dict[str, Any]:
    """Validate one landed file against its contract and write it to raw as typed, date-partitioned
    Parquet.

    :param source: the source's name (lower_snake_case), recorded in the marker.
    :param landing_prefix: the file is read from ``landing_prefix/date=<ds>/<file_name>``.
    :param file_name: one key segment (no ``/``); may come from ``dag_run.conf``.
    :param file_format: ``csv`` (header line, empty cell = null) or ``jsonl`` (one object a line).
    :param columns: column name -> ``string``, ``int64``, ``float64``, ``bool``, ``date`` or
        ``timestamp``, as a mapping or as the text ``"name:type, name:type, ..."``.
    :param partition_key: a ``date`` column; one Parquet file per value.
    :param raw_prefix: outputs go to ``raw_prefix/<partition_key>=<date>/part-<ds>.parquet``.
    :param ds: the logical date (``YYYY-MM-DD``).
    :raises ContractError: missing/unexpected columns or bad values, naming the columns and lines.
    """
    columns = parse_columns(columns)
    check_contract(source, file_format, columns, partition_key)
    landing_key = s3io.join_key(
        landing_prefix, f"date={s3io.check_ds(ds)}", _one_segment(file_name)
    )
    # '_' keeps it out of partition scans
    marker_key = f"{s3io.join_key(raw_prefix)}/_runs/date={ds}/{MARKER}"
    hook = s3io.hook(aws_conn_id)
    previous = s3io.get_or_none(hook, bucket, marker_key)
    s3io.delete(hook, bucket, marker_key)  # a run that fails from here on leaves no marker
    where = f"s3://{bucket}/{landing_key}"
    found, records = parse_records(s3io.get(hook, bucket, landing_key), file_format, where)
    check_columns(found, columns, where)
    values = convert(records, columns, partition_key, where)
    parts = {
        s3io.join_key(raw_prefix, f"{partition_key}={day.isoformat()}", f"part-{ds}.parquet"): table
        for day, table in partitions(values, columns, partition_key)
    }
    stale = set(json.loads(previous)["parts"]) - set(parts) if previous else set()
    about = {"source": source, "landing_key": landing_key, "ds": ds}
    return _write_run(hook, bucket, marker_key, parts, stale, about)


def _one_segment(file_name: str) -> str:
    if not isinstance(file_name, str) or "/" in file_name:
        raise s3io.UnsafeKeyError(f"unsafe file name {file_name!r}: one key segment, no '/'")
    return file_name


def _write_run(
    hook: Any,
    bucket: str,
    marker_key: str,
    parts: dict[str, pa.Table],
    stale: set[str],
    about: dict[str, Any],
) -> dict[str, Any]:
    """Parts first, then the parts the previous run wrote and this one did not are removed, marker
    last.
    """
    written: dict[str, dict[str, Any]] = {}
    for key, table in parts.items():
        data = parquet_bytes(table)
        s3io.put(hook, bucket, key, data)
        written[key] = {"rows": table.num_rows, "sha256": hashlib.sha256(data).hexdigest()}
    s3io.delete(hook, bucket, *sorted(stale))
    marker = {**about, "rows": sum(p["rows"] for p in written.values()), "parts": written}
    s3io.put(
        hook, bucket, marker_key, (json.dumps(marker, indent=2, sort_keys=True) + "\n").encode()
    )
    return {**about, "marker_key": marker_key, "rows": marker["rows"], "parts": sorted(written)}
