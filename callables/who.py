"""WHO COVID-19 global daily data: typed reading, per-country selection by code, and the outputs.

One reader (:func:`read_who`, pyarrow) and one writer (:func:`write_country_outputs`) serve both
families: :func:`process_country` here (read the whole file, keep one country) and the split
family in :mod:`callables.who_split`. So both write the same keys with the same bytes.
"""

from __future__ import annotations

import io
import json
import re
from typing import IO, TYPE_CHECKING, Any

from callables import s3 as s3io

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["process_country"]

COLUMNS = (
    "Date_reported",
    "Country_code",
    "Country",
    "WHO_region",
    "New_cases",
    "Cumulative_cases",
    "New_deaths",
    "Cumulative_deaths",
)
COUNT_COLUMNS = ("New_cases", "Cumulative_cases", "New_deaths", "Cumulative_deaths")
_CODE = re.compile(r"[A-Z]{2}")


class WhoDataError(ValueError):
    """The WHO file or a country's selection does not meet the contract."""


def check_code(country_code: str) -> str:
    """``country_code`` if it is two capital letters (the WHO file's codes, ``NA`` included)."""
    if not isinstance(country_code, str) or not _CODE.fullmatch(country_code):
        raise WhoDataError(
            f"country code {country_code!r} is not two capital letters (e.g. NA, NO)"
        )
    return country_code


def schema() -> pa.Schema:
    """The WHO columns typed: dates, codes and names as text, counts as (nullable) int64."""
    import pyarrow as pa

    return pa.schema(
        [
            ("Date_reported", pa.date32()),
            ("Country_code", pa.string()),
            ("Country", pa.string()),
            ("WHO_region", pa.string()),
            *((col, pa.int64()) for col in COUNT_COLUMNS),
        ]
    )


def read_who(data: bytes | IO[bytes], source: str = "<bytes>") -> pa.Table:
    """Parse WHO CSV (bytes, or a stream such as an S3 body, read block by block) with the right
    types: codes stay text (``NA`` is Namibia, "Other" has an empty code), counts are nullable
    int64 (empty stays null, negatives are kept), dates are dates.

    A missing or renamed column, a value that is not of its column's type, or a code that is
    neither two capital letters nor empty fails with the columns or lines named.
    """
    import pyarrow as pa
    from pyarrow import csv

    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    options = csv.ConvertOptions(column_types=schema(), null_values=[""], strings_can_be_null=False)
    try:
        # One thread: while the body downloads, parallel parsing gains nothing and holds more
        # blocks.
        # The system allocator hands freed blocks back sooner than Arrow's default (mimalloc): about
        # 30 MB less peak memory for a 21 MB file (bench/s3.py).
        reader = csv.open_csv(
            stream,
            read_options=csv.ReadOptions(use_threads=False),
            convert_options=options,
            memory_pool=pa.system_memory_pool(),
        )
        _check_columns(reader.schema.names, source)
        table = pa.Table.from_batches(list(reader), reader.schema).select(list(COLUMNS))
    except pa.ArrowInvalid as exc:
        raise WhoDataError(f"{source}: {exc}") from exc
    if table.num_rows == 0:  # and pyarrow's compute functions crash on a table without chunks
        raise WhoDataError(f"{source}: no data rows (the file holds only its header)")
    _check_codes(table, source)
    return table


def _check_columns(header: list[str], source: str) -> None:
    twice = sorted({col for col in header if header.count(col) > 1})
    if twice:
        raise WhoDataError(
            f"{source}: the header repeats column(s) {', '.join(twice)}; found {', '.join(header)}"
        )
    missing = [col for col in COLUMNS if col not in header]
    if missing:
        extra = [col for col in header if col not in COLUMNS]
        raise WhoDataError(
            f"{source}: missing column(s) {', '.join(missing)}; found {', '.join(header)}"
            + (f" (unexpected: {', '.join(extra)})" if extra else "")
        )


def _check_codes(table: pa.Table, source: str) -> None:
    import pyarrow.compute as pc

    bad = pc.invert(pc.match_substring_regex(table["Country_code"], r"^([A-Z]{2})?$"))
    rows = pc.indices_nonzero(bad).to_pylist()
    if rows:
        values = table["Country_code"].take(rows[:5]).to_pylist()
        shown = ", ".join(
            f"line {row + 2}: {value!r}" for row, value in zip(rows[:5], values, strict=True)
        )
        raise WhoDataError(
            f"{source}: {len(rows)} row(s) with a Country_code that is neither two capital "
            f"letters nor empty ({shown})"
        )


def select_country(table: pa.Table, country_code: str, source: str = "<data>") -> pa.Table:
    """Rows of one country by its two-letter code, ordered by date; no rows is an error."""
    import pyarrow.compute as pc

    rows = table.filter(pc.equal(table["Country_code"], check_code(country_code)))
    if rows.num_rows == 0:
        raise WhoDataError(f"{source}: no rows for country code {country_code}")
    return rows.sort_by("Date_reported")


def summarize(rows: pa.Table, logical_date: str) -> dict[str, Any]:
    """Small, stable summary of one country's rows."""
    import pyarrow.compute as pc

    return {
        "country_code": rows["Country_code"][0].as_py(),
        "country": rows["Country"][0].as_py(),
        "logical_date": logical_date,
        "rows": rows.num_rows,
        "total_deaths": pc.sum(rows["New_deaths"]).as_py() or 0,
        "last_report_date": pc.max(rows["Date_reported"]).as_py().isoformat(),
    }


def rows_csv(rows: pa.Table) -> bytes:
    """One country's rows as CSV for people: the WHO columns, empty where a count is missing."""
    from pyarrow import csv

    buffer = io.BytesIO()
    csv.write_csv(rows, buffer, csv.WriteOptions(quoting_style="needed"))
    return buffer.getvalue()


def summary_json(summary: dict[str, Any]) -> bytes:
    """``summary`` as stable, sorted JSON."""
    return (json.dumps(summary, indent=2, sort_keys=True) + "\n").encode("utf-8")


def output_keys(output_prefix: str, country_code: str, ds: str) -> tuple[str, str]:
    """Deterministic keys of one country's outputs for one logical date."""
    base = s3io.join_key(
        output_prefix, f"country={check_code(country_code)}", f"date={s3io.check_ds(ds)}"
    )
    return f"{base}/rows.csv", f"{base}/summary.json"


def write_country_outputs(
    hook: Any, bucket: str, rows: pa.Table, rows_key: str, summary_key: str, ds: str
) -> dict[str, Any]:
    """Rows CSV first, summary JSON last: a summary is only there once its rows are."""
    summary = summarize(rows, ds)
    s3io.put(hook, bucket, rows_key, rows_csv(rows))
    s3io.put(hook, bucket, summary_key, summary_json({**summary, "rows_key": rows_key}))
    return {**summary, "rows_key": rows_key, "summary_key": summary_key}


def process_country(
    country_code: str,
    bucket: str,
    source_key: str,
    output_prefix: str,
    ds: str,
    aws_conn_id: str = s3io.DEFAULT_CONN_ID,
) -> dict[str, Any]:
    """Read the whole WHO file, keep one country by code, write its rows (CSV) and summary (JSON).

    The seed-style "filter the whole file" step, done right: selection by code, typed columns,
    deterministic keys per country and logical date, and errors that fail the task. Every
    country DAG reads the whole file; :mod:`callables.who_split` reads it once for all.

    :param country_code: two capital letters as in the WHO file (``NA`` is Namibia).
    :param source_key: key of the WHO CSV in ``bucket``.
    :param output_prefix: outputs go to
        ``output_prefix/country=<code>/date=<ds>/{rows.csv,summary.json}``.
    :param ds: the logical date (``YYYY-MM-DD``).
    """
    rows_key, summary_key = output_keys(output_prefix, country_code, ds)
    s3io.join_key(source_key)  # the source key obeys the same rules as every key we build
    hook = s3io.hook(aws_conn_id)
    source = f"s3://{bucket}/{source_key}"
    rows = select_country(
        read_who(s3io.stream(hook, bucket, source_key), source), country_code, source
    )
    return write_country_outputs(hook, bucket, rows, rows_key, summary_key, ds)


def expected_input(arguments: dict[str, Any]) -> str:
    """Where a task's (rendered) arguments make :func:`process_country` (or
    :func:`callables.who_split.split_countries`, same argument) read the WHO file."""
    return s3io.join_key(arguments["source_key"])


# What dagforge reads of this module: where a task reads its input (dagforge run, the demo).
INPUTS = {"process_country": expected_input}
