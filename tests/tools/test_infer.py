"""Contract inference from sample files: what is inferred, and that the pipeline accepts it."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import pytest

from callables.contract import load_contract, parse_columns, snake_case
from callables.ingest import read_landed
from dagforge.errors import UsageError
from dagforge.tools.infer import Inferred, infer
from dagforge.tools.infer_columns import guess_type
from tests.conftest import REPO

TRIPS = REPO / "samples" / "ingest_bike_trips" / "trips-2024.csv.gz"


def _accepted(inferred: Inferred, data: bytes) -> int:
    """Rows the pipeline's own reader takes from ``data`` under the inferred contract."""
    contract = load_contract(
        inferred.columns_text(), inferred.format_text(), inferred.partition_key, inferred.partition
    )
    return int(read_landed(data, contract, "sample").num_rows)


def test_the_tutorial_sample() -> None:
    data = TRIPS.read_bytes()
    inferred = infer(data, TRIPS.name)
    assert inferred.format_text() == "csv delimiter=semicolon encoding=cp1252 compression=gzip"
    assert inferred.columns_text().splitlines() == [
        "trip_id: int64 required from='Trip Id'",
        "start_date: date required format=%d/%m/%Y from='Start date'",
        "start_time: timestamp required format='%d/%m/%Y %H:%M' from='Start time'",
        "start_station: string required from='Start station'",
        "end_station: string required from='End station'",
        "duration_min: float64 decimal=, from='Duration (min)'",
        "member: bool from=Member",
        "bike: string required from=Bike",
    ]
    assert (inferred.partition_key, inferred.partition, inferred.rows) == (
        "start_date",
        "month",
        1200,
    )
    assert _accepted(inferred, data) == 1200


def test_a_plain_csv_with_iso_values_and_empty_cells() -> None:
    data = (
        b"id,when,at,price,ok,name,zip\n"
        b"1,2024-03-01,2024-03-01T10:00:00Z,1.5,true,a,0123\n"
        b"2,2024-03-02,,,false,,0456\n"
    )
    inferred = infer(data, "x.csv")
    assert inferred.format_text() == "csv"
    assert inferred.columns_text().splitlines() == [
        "id: int64 required",
        "when: date required",
        "at: timestamp",
        "price: float64",
        "ok: bool required",
        "name: string",
        "zip: string required",
    ]
    assert inferred.partition_key == "when" and _accepted(inferred, data) == 2


def test_no_header_tabs_and_ambiguous_dates() -> None:
    data = b"1\t01/02/2024\tx\n2\t03/04/2024\ty\n"
    inferred = infer(data, "x.tsv")
    assert inferred.format_text() == "csv delimiter=tab header=false"
    assert [c.name for c in inferred.columns] == ["col_1", "col_2", "col_3"]
    assert "AMBIGUOUS" in inferred.guesses[1].reason and inferred.columns[1].format == "%d/%m/%Y"
    assert _accepted(inferred, data) == 2


def test_null_words_in_numbers_but_namibia_stays_a_country() -> None:
    data = b"code,deaths\nNA,3\nNO,NA\nAU,4\n"
    inferred = infer(data, "who.csv")
    assert inferred.format_text() == "csv"  # 'NA' is a value of the text column: never a null
    assert [c.type for c in inferred.columns] == ["string", "string"]
    data = b"code,deaths\nAU,3\nNO,NA\nBR,-\n"
    inferred = infer(data, "who.csv")
    assert inferred.format_text() == "csv null='-|NA'"
    assert [c.type for c in inferred.columns] == ["string", "int64"]
    assert _accepted(inferred, data) == 3


def test_jsonl_and_zip() -> None:
    lines = [{"id": 1, "at": "2024-03-01T10:00:00+01:00", "x": 1.5, "ok": True, "d": "2024-03-01"}]
    lines.append(
        {"id": 2, "at": "2024-03-02T10:00:00+01:00", "x": 2, "ok": None, "d": "2024-03-02"}
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("events.jsonl", "\n".join(json.dumps(line) for line in lines))
    inferred = infer(buffer.getvalue(), "events.zip")
    assert inferred.format_text() == "jsonl compression=zip"
    assert inferred.columns_text().splitlines() == [
        "id: int64 required",
        "at: timestamp required",
        "x: float64 required",
        "ok: bool",
        "d: date required",
    ]
    assert _accepted(inferred, buffer.getvalue()) == 2


def test_daily_partitions_only_for_big_days() -> None:
    rows = "".join(f"{n},2024-03-0{1 + n % 2},{'x' * 1000}\n" for n in range(2400))
    inferred = infer(gzip.compress(("id,day,blob\n" + rows).encode()), "big.csv.gz")
    assert (inferred.partition_key, inferred.partition) == ("day", "day")


def test_a_corrupt_gzip_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not gzip data"):
        infer(b"\x1f\x8bnot really", "x.csv.gz")


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (["1", "0"], "int64"),
        (["yes", "No"], "bool"),
        (["007", "12"], "string"),
        (["1,5", "2"], "float64"),
        (["28 Feb 2024"], "date"),
        (["2024-03-01 10:00:00"], "timestamp"),
        (["١٢"], "string"),
    ],
)
def test_guess_type(values: list[str], kind: str) -> None:
    assert guess_type(values, ";")[0] == kind


def test_snake_case_names() -> None:
    assert [snake_case(h, i) for i, h in enumerate(["Trip Id", "2nd leg", "", "Dauer (min)"])] == [
        "trip_id",
        "c2_2nd_leg",
        "c3",
        "dauer_min",
    ]


def test_a_contract_column_name_gets_the_same_suggestion_inference_makes() -> None:
    """The suggestion itself must be a valid name: never one that starts with a digit."""
    [issue] = parse_columns("1st Col: string")[1]
    assert 'write c1_1st_col: ... from="1st Col"' in issue.hint
    assert snake_case("1st Col", 0) == "c1_1st_col"
