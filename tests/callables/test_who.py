"""callables.who against the real local S3 (moto server over HTTP)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pyarrow as pa
import pytest

from callables import s3 as s3io
from callables import who
from dagforge.demo import sampledata

SPEC = sampledata.Spec(days=200)
SOURCE_KEY = "who/WHO-COVID-19-global-data.csv"


def _expected_rows(code: str) -> list[dict[str, str]]:
    """The country's rows straight from the generator, read with the csv module (not pandas)."""
    reader = csv.DictReader(io.StringIO(sampledata.csv_bytes(SPEC).decode()))
    return [row for row in reader if row["Country_code"] == code]


@pytest.fixture
def seeded(bucket: str) -> str:
    s3io.put(s3io.hook(), bucket, SOURCE_KEY, sampledata.csv_bytes(SPEC))
    return bucket


def _rows(table: pa.Table, column: str, value: str) -> list[dict[str, object]]:
    return [row for row in table.to_pylist() if row[column] == value]


def test_namibia_code_na_is_kept_as_text() -> None:
    namibia = _rows(who.read_who(sampledata.csv_bytes(SPEC)), "Country_code", "NA")
    assert len(namibia) == SPEC.days
    assert {row["Country"] for row in namibia} == {"Namibia"}


def test_other_has_an_empty_code_not_missing() -> None:
    other = _rows(who.read_who(sampledata.csv_bytes(SPEC)), "Country", "Other")
    assert len(other) == SPEC.days
    assert {row["Country_code"] for row in other} == {""}


def test_counts_are_nullable_integers_with_negatives_kept() -> None:
    table = who.read_who(sampledata.csv_bytes(SPEC))
    assert table.schema.field("New_deaths").type == pa.int64()
    assert table["New_cases"].null_count > 0
    assert any(v is not None and v < 0 for v in table["New_deaths"].to_pylist())


def test_dates_are_dates() -> None:
    table = who.read_who(sampledata.csv_bytes(sampledata.Spec(countries=2, days=3)))
    assert table["Date_reported"][0].as_py() == dt.date(2020, 1, 3)


def test_missing_column_names_the_columns() -> None:
    data = sampledata.csv_bytes(sampledata.Spec(countries=2, days=2)).replace(
        b"Country_code", b"Code", 1
    )
    with pytest.raises(
        who.WhoDataError, match=r"missing column\(s\) Country_code.*unexpected: Code"
    ):
        who.read_who(data, "s3://b/k.csv")


def test_a_header_only_file_is_an_error_not_a_crash() -> None:
    header = ",".join(who.COLUMNS).encode() + b"\n"
    with pytest.raises(who.WhoDataError, match=r"s3://b/k.csv: no data rows"):
        who.read_who(header, "s3://b/k.csv")


def test_a_duplicated_column_is_refused() -> None:
    data = sampledata.csv_bytes(sampledata.Spec(countries=2, days=2)).split(b"\n")
    data[0] += b",Country"
    data[1:] = [line + b",Elsewhere" if line else line for line in data[1:]]
    with pytest.raises(who.WhoDataError, match="the header repeats column.s. Country"):
        who.read_who(b"\n".join(data), "s3://b/k.csv")


@pytest.mark.parametrize("code", ["AU\n", "A\u0662", "au"])
def test_codes_are_two_ascii_capitals_and_nothing_more(code: str) -> None:
    with pytest.raises(who.WhoDataError, match="not two capital letters"):
        who.check_code(code)


def test_a_bad_count_names_its_column_and_row() -> None:
    data = sampledata.csv_bytes(sampledata.Spec(countries=2, days=2)).decode().split("\n")
    cells = data[2].split(",")
    cells[6] = "many"
    data[2] = ",".join(cells)
    with pytest.raises(who.WhoDataError, match=r"s3://b/k.csv: .*(New_deaths|column #6).*'many'"):
        who.read_who("\n".join(data).encode(), "s3://b/k.csv")


def test_select_country_rejects_a_name_or_lowercase_code() -> None:
    frame = who.read_who(sampledata.csv_bytes(sampledata.Spec(countries=5, days=2)))
    with pytest.raises(who.WhoDataError, match="not two capital letters"):
        who.select_country(frame, "Australia")
    with pytest.raises(who.WhoDataError, match="no rows for country code ZZ"):
        who.select_country(frame, "ZZ")


@pytest.mark.parametrize("code", ["NA", "NO", "AU"])
def test_process_country_writes_rows_and_summary(seeded: str, code: str) -> None:
    result = who.process_country(code, seeded, SOURCE_KEY, "who/countries", "2024-03-01")
    hook = s3io.hook()
    assert result["rows_key"] == f"who/countries/country={code}/date=2024-03-01/rows.csv"
    written = list(csv.DictReader(io.StringIO(s3io.get(hook, seeded, result["rows_key"]).decode())))
    assert written == _expected_rows(code)
    summary = json.loads(s3io.get(hook, seeded, result["summary_key"]))
    expected = _expected_rows(code)
    assert summary["rows"] == len(expected)
    assert summary["total_deaths"] == int(expected[-1]["Cumulative_deaths"])
    assert summary["last_report_date"] == expected[-1]["Date_reported"]


def test_rerun_writes_identical_bytes(seeded: str) -> None:
    first = who.process_country("NA", seeded, SOURCE_KEY, "who/countries", "2024-03-01")
    before = s3io.get(s3io.hook(), seeded, first["rows_key"])
    second = who.process_country("NA", seeded, SOURCE_KEY, "who/countries", "2024-03-01")
    assert second == first
    assert s3io.get(s3io.hook(), seeded, first["rows_key"]) == before


def test_missing_source_object_fails_the_task(bucket: str) -> None:
    with pytest.raises(
        s3io.MissingObjectError, match=f"s3://{bucket}/who/absent.csv does not exist"
    ):
        who.process_country("NA", bucket, "who/absent.csv", "who/countries", "2024-03-01")


@pytest.mark.parametrize("prefix", ["../other", "/abs", "s3://evil/x"])
def test_output_prefix_cannot_escape(seeded: str, prefix: str) -> None:
    with pytest.raises(s3io.UnsafeKeyError):
        who.process_country("NA", seeded, SOURCE_KEY, prefix, "2024-03-01")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ds", "../../etc"),
        ("ds", "2024-03-01/../x"),
        ("code", "../"),
        ("source_key", "../secret.csv"),
        ("bucket", "other/../mine"),
    ],
)
def test_run_inputs_cannot_escape(seeded: str, field: str, value: str) -> None:
    """Values a dag_run.conf or a template could carry never leave the configured prefix or
    bucket."""
    args = {
        "country_code": "NA",
        "bucket": seeded,
        "source_key": SOURCE_KEY,
        "ds": "2024-03-01",
        **{{"code": "country_code"}.get(field, field): value},
    }
    with pytest.raises((s3io.UnsafeKeyError, who.WhoDataError)):
        who.process_country(output_prefix="who/countries", **args)


def test_rows_csv_round_trips_nulls_as_empty() -> None:
    rows = who.select_country(who.read_who(sampledata.csv_bytes(SPEC)), "NA")
    again = list(csv.DictReader(io.StringIO(who.rows_csv(rows).decode())))
    assert sum(row["New_cases"] == "" for row in again) == rows["New_cases"].null_count > 0
