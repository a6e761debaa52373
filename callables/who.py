"""WHO COVID-19 global daily data: per-country processing, selecting the country by its code."""

from __future__ import annotations

import io
import json
import re
from typing import TYPE_CHECKING, Any

from callables import s3 as s3io

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["process_country"]

COLUMNS = ("Date_reported", "Country_code", "Country", "WHO_region",
           "New_cases", "Cumulative_cases", "New_deaths", "Cumulative_deaths")
COUNT_COLUMNS = ("New_cases", "Cumulative_cases", "New_deaths", "Cumulative_deaths")
_CODE = re.compile(r"^[A-Z]{2}$")
_DS = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class WhoDataError(ValueError):
    """The WHO file or a country's selection does not meet the contract."""


def check_code(country_code: str) -> str:
    """``country_code`` if it is two capital letters (the WHO file's codes, ``NA`` included)."""
    if not isinstance(country_code, str) or not _CODE.match(country_code):
        raise WhoDataError(f"country code {country_code!r} is not two capital letters (e.g. NA, NO)")
    return country_code


def check_ds(ds: str) -> str:
    """``ds`` if it is a ``YYYY-MM-DD`` logical date (it becomes part of S3 keys)."""
    if not isinstance(ds, str) or not _DS.match(ds):
        raise WhoDataError(f"logical date {ds!r} is not YYYY-MM-DD")
    return ds


def read_who_csv(data: bytes, source: str = "<bytes>") -> pd.DataFrame:
    """Parse WHO CSV bytes with the right types: codes stay text (``NA`` is Namibia), counts are
    nullable integers (empty stays missing, negatives are kept), dates are dates."""
    import pandas as pd

    header = data.split(b"\n", 1)[0].decode("utf-8-sig").strip().split(",")
    _check_columns(header, source)
    frame = pd.read_csv(
        io.BytesIO(data), keep_default_na=False, na_values={col: [""] for col in COUNT_COLUMNS},
        dtype={"Country_code": "string", "Country": "string", "WHO_region": "string",
               **{col: "Int64" for col in COUNT_COLUMNS}},
    )
    frame["Date_reported"] = pd.to_datetime(frame["Date_reported"], format="%Y-%m-%d").dt.date
    return frame


def _check_columns(header: list[str], source: str) -> None:
    missing = [col for col in COLUMNS if col not in header]
    if missing:
        extra = [col for col in header if col not in COLUMNS]
        raise WhoDataError(f"{source}: missing column(s) {', '.join(missing)}; found {', '.join(header)}"
                           + (f" (unexpected: {', '.join(extra)})" if extra else ""))


def select_country(frame: pd.DataFrame, country_code: str, source: str = "<data>") -> pd.DataFrame:
    """Rows of one country by its two-letter code, ordered by date; no rows is an error."""
    check_code(country_code)
    rows = frame[frame["Country_code"] == country_code].sort_values("Date_reported")
    if rows.empty:
        raise WhoDataError(f"{source}: no rows for country code {country_code}")
    return rows.reset_index(drop=True)


def summarize(rows: pd.DataFrame, logical_date: str) -> dict[str, Any]:
    """Small, stable summary of one country's rows."""
    return {
        "country_code": str(rows["Country_code"].iloc[0]),
        "country": str(rows["Country"].iloc[0]),
        "logical_date": logical_date,
        "rows": int(len(rows)),
        "total_deaths": int(rows["New_deaths"].sum(skipna=True)),
        "last_report_date": rows["Date_reported"].max().isoformat(),
    }


def rows_csv(rows: pd.DataFrame) -> bytes:
    """One country's rows as CSV for people: the WHO columns, empty where a count is missing."""
    return rows.to_csv(index=False, lineterminator="\n").encode("utf-8")


def summary_json(summary: dict[str, Any]) -> bytes:
    """``summary`` as stable, sorted JSON."""
    return (json.dumps(summary, indent=2, sort_keys=True) + "\n").encode("utf-8")


def output_keys(output_prefix: str, country_code: str, ds: str) -> tuple[str, str]:
    """Deterministic keys of one country's outputs for one logical date."""
    base = s3io.join_key(output_prefix, f"country={check_code(country_code)}", f"date={check_ds(ds)}")
    return f"{base}/rows.csv", f"{base}/summary.json"


def process_country(country_code: str, bucket: str, source_key: str, output_prefix: str, ds: str,
                    aws_conn_id: str = s3io.DEFAULT_CONN_ID) -> dict[str, Any]:
    """Read the whole WHO file, keep one country by code, write its rows (CSV) and summary (JSON).

    The seed-style "filter the whole file" step, done right: selection by code, typed columns,
    deterministic keys per country and logical date, and errors that fail the task.
    """
    rows_key, summary_key = output_keys(output_prefix, country_code, ds)
    s3io.join_key(source_key)  # the source key obeys the same rules as every key we build
    hook = s3io.hook(aws_conn_id)
    source = f"s3://{bucket}/{source_key}"
    rows = select_country(read_who_csv(s3io.get(hook, bucket, source_key), source), country_code, source)
    return write_country_outputs(hook, bucket, rows, rows_key, summary_key, ds)


def write_country_outputs(hook: Any, bucket: str, rows: pd.DataFrame, rows_key: str, summary_key: str,
                          ds: str) -> dict[str, Any]:
    """Rows CSV first, summary JSON last: a summary is only there once its rows are."""
    summary = summarize(rows, ds)
    s3io.put(hook, bucket, rows_key, rows_csv(rows))
    s3io.put(hook, bucket, summary_key, summary_json({**summary, "rows_key": rows_key}))
    return {**summary, "rows_key": rows_key, "summary_key": summary_key}
