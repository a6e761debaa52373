from __future__ import annotations

import csv
import io
from collections import defaultdict

from dagforge.demo import sampledata


def _rows(spec: sampledata.Spec) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(sampledata.csv_bytes(spec).decode())))


def test_same_spec_gives_identical_bytes() -> None:
    spec = sampledata.Spec(countries=10, days=30)
    assert sampledata.csv_bytes(spec) == sampledata.csv_bytes(spec)
    assert sampledata.csv_bytes(spec) != sampledata.csv_bytes(
        sampledata.Spec(countries=10, days=30, seed=1)
    )


def test_header_matches_the_who_file() -> None:
    header = sampledata.csv_bytes(sampledata.Spec(countries=2, days=1)).split(b"\n", 1)[0].decode()
    assert header == (
        "Date_reported,Country_code,Country,WHO_region,New_cases,Cumulative_cases,New_deaths,Cumulative_deaths"
    )


def test_traps_are_present() -> None:
    rows = _rows(sampledata.Spec(days=200))
    codes = {(r["Country_code"], r["Country"]) for r in rows}
    assert ("NA", "Namibia") in codes and ("NO", "Norway") in codes
    assert ("", "Other") in codes
    assert any(r["New_cases"] == "" for r in rows), "weekly reporting leaves empty New_cases"
    assert any(r["New_deaths"].startswith("-") for r in rows), "negative corrections occur"


def test_cumulative_equals_running_sum_of_new() -> None:
    totals: dict[str, int] = defaultdict(int)
    for row in _rows(sampledata.Spec(countries=20, days=150)):
        totals[row["Country"]] += int(row["New_deaths"] or 0)
        assert int(row["Cumulative_deaths"]) == totals[row["Country"]]


def test_rows_and_countries_size_the_file() -> None:
    spec = sampledata.Spec.for_rows(10_000, countries=300)
    rows = _rows(spec)
    assert 10_000 <= len(rows) < 10_300
    assert len({r["Country"] for r in rows}) == 300
    assert len({r["Country_code"] for r in rows}) == 300  # synthetic codes never collide
