"""Per-source lake-house ingestion: a landed file is checked against its source's contract and
written to raw/ as a typed, Hive-partitioned Parquet dataset.

The contract's grammar is :mod:`callables.contract`, the file's format :mod:`callables.fileformat`,
the typed values :mod:`callables.values`, the dataset and its markers :mod:`callables.rawdata`.

A run reads and checks the whole landed file before it touches raw/: a file that breaks the
contract, or a ``file_name`` that does not exist, leaves the previous output of that landing date
published. Then it unpublishes the date's marker, writes the files, deletes what the previous run
wrote and this one did not (only files it may have written itself), and publishes a new marker.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from callables import rawdata
from callables import s3 as s3io
from callables.contract import Column, Contract, contract_issues, load_contract
from callables.fileformat import Cells, read_cells
from callables.values import ContractError, arrow_type, converter

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ingest_source"]

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_SHOWN = 5  # bad values quoted per column


def ingest_source(
    source: str,
    bucket: str,
    landing_prefix: str,
    file_name: str,
    file_format: str,
    columns: str | dict[str, str],
    partition_key: str,
    raw_prefix: str,
    ds: str,
    partition: str = "day",
    target_file_mb: float = rawdata.TARGET_FILE_MB,
    aws_conn_id: str = s3io.DEFAULT_CONN_ID,
) -> dict[str, Any]:
    """Check one landed file against its source's contract and write it to raw/ as typed Parquet,
    a Hive-style dataset partitioned by a date column.

    :param source: the source's name (lower_snake_case), recorded in the marker.
    :param landing_prefix: the file is read from ``landing_prefix/date=<ds>/<file_name>``.
    :param file_name: one key segment (no ``/``); may come from the run's conf.
    :param file_format: ``csv`` or ``jsonl`` and options: ``csv delimiter=; compression=gzip``
        (see :mod:`callables.fileformat`).
    :param columns: the contract, one column a line in file order: ``name: type [options]``
        (types string, int64, float64, bool, date, timestamp; see :mod:`callables.contract`).
    :param partition_key: the ``date`` column raw/ is partitioned by (``""`` with ``none``).
    :param raw_prefix: the dataset's folder, e.g. ``raw/<source>``.
    :param ds: the landing date (``YYYY-MM-DD``).
    :param partition: ``day`` (``<key>=YYYY-MM-DD/``), ``month`` (``<key>_month=YYYY-MM/``) or
        ``none``.
    :param target_file_mb: rows of one partition are split into files of about this size.
    :returns: a small summary (rows, files, partitions, marker key); the files are listed in
        the manifest the marker names.
    :raises ContractError: a bad config, or a file that breaks the contract (missing, unexpected
        or duplicated columns, bad values with their lines).
    """
    if not isinstance(source, str) or not _NAME.fullmatch(source):
        raise ContractError(f"source name {source!r} is not lower_snake_case")
    contract = load_contract(columns, file_format, partition_key, partition)
    landing_key = landing_key_of(landing_prefix, ds, file_name)
    keys = rawdata.run_keys(raw_prefix, ds)
    hook = s3io.hook(aws_conn_id)
    where = f"s3://{s3io.check_bucket(bucket)}/{landing_key}"
    table = read_landed(s3io.get(hook, bucket, landing_key), contract, where)
    files = rawdata.plan_files(table, contract, s3io.join_key(raw_prefix), ds, target_file_mb)
    previous = rawdata.previous_parts(hook, bucket, s3io.join_key(raw_prefix), ds)
    about = {
        "source": source,
        "ds": ds,
        "landing_key": landing_key,
        "raw_prefix": s3io.join_key(raw_prefix),
        "partition": partition,
    }
    return rawdata.write_run(hook, bucket, keys, files, previous, about)


def landing_key_of(landing_prefix: str, ds: str, file_name: str) -> str:
    """``landing_prefix/date=<ds>/<file_name>``; the file name is one key segment."""
    if not isinstance(file_name, str) or "/" in file_name:
        raise s3io.UnsafeKeyError(f"unsafe file name {file_name!r}: one key segment, no '/'")
    return s3io.join_key(landing_prefix, f"date={s3io.check_ds(ds)}", file_name)


def expected_input(arguments: Mapping[str, Any]) -> str:
    """Where a task's (rendered) arguments make ``ingest_source`` read its file."""
    return landing_key_of(arguments["landing_prefix"], arguments["ds"], arguments["file_name"])


# What dagforge reads of this module: the checks ``validate`` runs on a task's arguments (problems
# at their line), and where a task reads its input (``dagforge run --land``, the demo's samples).
ARGUMENT_CHECKS = {"ingest_source": contract_issues}
INPUTS = {"ingest_source": expected_input}


def read_landed(data: bytes, contract: Contract, where: str) -> pa.Table:
    """The landed file as a typed table in contract order, or :class:`ContractError` naming every
    column problem and up to five bad values per column with their lines."""
    import pyarrow as pa

    cells = read_cells(data, contract.file, [c.header for c in contract.columns], where)
    positions = _positions(cells.names, contract, where)
    errors: dict[str, list[str]] = {}
    arrays = {}
    for column, position in zip(contract.columns, positions, strict=True):
        is_key = contract.partition != "none" and column.name == contract.partition_key
        values, bad = _convert(cells, position, column, is_key)
        arrays[column.name] = pa.array(values, type=arrow_type(column.type))
        if bad:
            errors[f"column {column.name} ({column.type})"] = bad
    if errors:
        detail = "; ".join(
            f"{name}: {len(bad)} bad value(s), {', '.join(bad[:_SHOWN])}"
            for name, bad in errors.items()
        )
        raise ContractError(f"{where}: contract violated: {detail}")
    return pa.table(arrays)


def _positions(names: list[str], contract: Contract, where: str) -> list[int]:
    """The position of each contract column in the file; duplicated, missing and unexpected
    columns are errors."""
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        shown = "; ".join(
            f"'{n}' at columns {', '.join(str(i + 1) for i, x in enumerate(names) if x == n)}"
            for n in twice
        )
        raise ContractError(f"{where}: the header repeats a column name: {shown}")
    expected = [column.header for column in contract.columns]
    missing = [name for name in expected if name not in names]
    extra = [name for name in names if name not in expected]
    if missing or extra:
        parts = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unexpected column(s) {', '.join(extra)}"] if extra else []
        )
        raise ContractError(
            f"{where}: {'; '.join(parts)}; the contract expects {', '.join(expected)}"
        )
    return [names.index(name) for name in expected]


def _convert(
    cells: Cells, position: int, column: Column, partition: bool
) -> tuple[list[Any], list[str]]:
    convert = converter(column.type, column.format, column.decimal)
    values: list[Any] = []
    bad: list[str] = []
    for line, row in zip(cells.lines, cells.rows, strict=True):
        raw = row[position]
        try:
            values.append(None if raw is None else convert(raw))
        except (ValueError, TypeError):
            values.append(None)
            bad.append(f"line {line}: {raw!r}")
            continue
        if raw is None and (partition or not column.nullable):
            why = "the partition key" if partition else "the column"
            bad.append(f"line {line}: empty ({why} is required)")
        elif column.enum and raw not in column.enum:
            bad.append(f"line {line}: {raw!r} is not one of {'|'.join(column.enum)}")
    return values, bad
