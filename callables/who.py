"""WHO COVID-19 global daily data: per-country processing, selecting the country by its code."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pandas as pd

from callables import s3 as s3io

COLUMNS = ("Date_reported", "Country_code", "Country", "WHO_region",
           "New_cases", "Cumulative_cases", "New_deaths", "Cumulative_deaths")
COUNT_COLUMNS = ("New_cases", "Cumulative_cases", "New_deaths", "Cumulative_deaths")
_CODE = re.compile(r"^[A-Z]{2}$")


class WhoDataError(ValueError):
    """The WHO file or a country's selection does not meet the contract."""


def read_who_csv(data: bytes, source: str = "<bytes>") -> pd.DataFrame:
    """Parse WHO CSV bytes with the right types: codes stay text (``NA`` is Namibia), counts are
    nullable integers (empty stays missing, negatives are kept), dates are dates."""
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
    if not _CODE.match(country_code):
        raise WhoDataError(f"country code {country_code!r} is not two capital letters (e.g. NA, NO)")
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
    return rows.to_csv(index=False, lineterminator="\n").encode("utf-8")


def summary_json(summary: dict[str, Any]) -> bytes:
    return (json.dumps(summary, indent=2, sort_keys=True) + "\n").encode("utf-8")


def output_keys(output_prefix: str, country_code: str, ds: str) -> tuple[str, str]:
    """Deterministic keys of one country's outputs for one logical date."""
    base = s3io.join_key(output_prefix, f"country={country_code}", f"date={ds}")
    return f"{base}/rows.csv", f"{base}/summary.json"


def process_country(country_code: str, bucket: str, source_key: str, output_prefix: str, ds: str,
                    aws_conn_id: str = s3io.DEFAULT_CONN_ID) -> dict[str, Any]:
    """Read the whole WHO file, keep one country by code, write its rows (CSV) and summary (JSON).

    The seed-style "filter the whole file" step, done right: selection by code, typed columns,
    deterministic keys per country and logical date, and errors that fail the task.
    """
    hook = s3io.hook(aws_conn_id)
    source = f"s3://{bucket}/{source_key}"
    rows = select_country(read_who_csv(s3io.read_bytes(hook, bucket, source_key), source), country_code, source)
    summary = summarize(rows, ds)
    rows_key, summary_key = output_keys(output_prefix, country_code, ds)
    s3io.write_bytes(hook, bucket, rows_key, rows_csv(rows))
    s3io.write_bytes(hook, bucket, summary_key, summary_json({**summary, "rows_key": rows_key}))
    return {**summary, "rows_key": rows_key, "summary_key": summary_key}
