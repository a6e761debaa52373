"""callables.ingest against the local S3: the configured sources, real-world files, raw/ read back
by pandas and pyarrow datasets, re-runs, and inputs that must not unpublish or delete anything."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pytest
import yaml
from pyarrow import fs

from callables import ingest, rawdata
from callables import s3 as s3io
from dagforge.demo import sampledata_sources
from dagforge.demo.s3local import LocalS3
from tests.conftest import REPO

DS = "2024-03-01"
INSTANCES = {
    i["source"]: i
    for i in yaml.safe_load((REPO / "dagfactory_configs" / "sources.yml").read_text())["templates"][
        "source_ingest"
    ]["instances"]
}
TRIPS_COLUMNS = """\
trip_id: int64 required from="Trip Id"
started_on: date format=%d/%m/%Y from="Start date"
started_at: timestamp format="%d/%m/%Y %H:%M" from="Start time"
station: string from="Start station"
duration_min: float64 decimal=, from="Duration (min)"
member: bool from=Member
"""
TRIPS = (
    "Trip Id;Start date;Start time;Start station;Duration (min);Member\n"
    '1;28/02/2024;28/02/2024 23:50;"Gare du Nord; sortie 2";12,5;yes\n'
    "2;01/03/2024;01/03/2024 08:05;Bastille;;no\n"
    "3;01/03/2024;01/03/2024 09:15;Nation;7,25;\n"
)


@pytest.fixture(scope="module")
def s3fs(local_s3: LocalS3) -> fs.S3FileSystem:
    """pyarrow's own S3 client on the local S3: how a reader outside Airflow sees raw/."""
    return fs.S3FileSystem(
        access_key="testing",
        secret_key="testing",
        region=local_s3.region,
        endpoint_override=local_s3.endpoint_url,
        scheme="http",
    )


def _land(bucket: str, source: str, data: bytes | None = None, name: str | None = None) -> str:
    kept = REPO / "samples" / f"ingest_{source}"
    if data is None and kept.is_dir():  # a source added with dagforge new source
        data = next(kept.iterdir()).read_bytes()
    if data is None:
        name, data = sampledata_sources.landed_file(source, date.fromisoformat(DS))
    key = f"landing/{source}/date={DS}/{name or INSTANCES[source]['file']}"
    s3io.put(s3io.hook(), bucket, key, data)
    return key


def _run(bucket: str, source: str, /, **override: Any) -> dict[str, Any]:
    cfg = INSTANCES.get(source, INSTANCES["orders"])
    args = {
        "source": source,
        "bucket": bucket,
        "landing_prefix": f"landing/{source}",
        "file_name": cfg["file"],
        "file_format": cfg["format"],
        "columns": cfg["columns"],
        "partition_key": cfg["partition_key"],
        "partition": cfg["partition"],
        "raw_prefix": f"raw/{source}",
        "ds": DS,
        **override,
    }
    return ingest.ingest_source(**args)


def _trips(bucket: str, data: bytes, **override: Any) -> dict[str, Any]:
    _land(bucket, "trips", data, "trips.csv.gz")
    args = {
        "file_name": "trips.csv.gz",
        "file_format": "csv delimiter=; encoding=latin-1",
        "columns": TRIPS_COLUMNS,
        "partition_key": "started_on",
        "partition": "day",
        **override,
    }
    return _run(bucket, "trips", **args)


def _marker(source: str, ds: str = DS) -> str:
    return f"raw/{source}/_runs/date={ds}/_SUCCESS"


def _keys(bucket: str, prefix: str) -> list[str]:
    return sorted(s3io.hook().list_keys(bucket_name=bucket, prefix=prefix) or [])


def _orders(lines: list[str]) -> bytes:
    return (
        "order_id,customer_id,order_date,amount,currency,status\n" + "\n".join(lines) + "\n"
    ).encode()


@pytest.mark.parametrize("source", sorted(INSTANCES))
def test_each_configured_source_reads_back_as_a_hive_dataset(
    bucket: str, source: str, s3fs: fs.S3FileSystem
) -> None:
    _land(bucket, source)
    result = _run(bucket, source)
    config = INSTANCES[source]
    folder = config["partition_key"] + ("_month" if config["partition"] == "month" else "")
    frame = pd.read_parquet(f"{bucket}/raw/{source}", filesystem=s3fs)
    table = pads.dataset(f"{bucket}/raw/{source}", filesystem=s3fs, partitioning="hive").to_table()
    assert len(frame) == table.num_rows == result["rows"] >= 300
    assert frame[folder].nunique() == result["partitions"] == 3  # the path's values
    assert table.schema.field(folder).type == pa.string()
    names = [line.split(":")[0] for line in config["columns"].splitlines()]
    assert table.column_names == [n for n in names if n != folder] + [folder]  # the path's last


def test_types_come_back_as_the_contract_says(bucket: str, s3fs: fs.S3FileSystem) -> None:
    _land(bucket, "web_events")
    _run(bucket, "web_events")
    frame = pd.read_parquet(f"{bucket}/raw/web_events", filesystem=s3fs)
    assert str(frame["user_id"].dtype) == "int64"
    assert str(frame["event_time"].dtype) == "datetime64[us, UTC]"
    assert frame["is_mobile"].isna().any() and set(frame["is_mobile"].dropna()) == {True, False}


def test_a_real_world_file_lands_with_its_formats(bucket: str, s3fs: fs.S3FileSystem) -> None:
    """Semicolons, a quoted delimiter, dd/mm/yyyy, decimal commas, yes/no, empty cells, latin-1,
    gzip, headers with spaces."""
    result = _trips(bucket, gzip.compress(TRIPS.replace("Gare", "Gàre").encode("latin-1")))
    assert (result["rows"], result["files"]) == (3, 2)
    table = pads.dataset(f"{bucket}/raw/trips", filesystem=s3fs, partitioning="hive").to_table()
    rows = table.sort_by("trip_id").to_pylist()
    assert rows[0]["station"] == "Gàre du Nord; sortie 2" and rows[0]["duration_min"] == 12.5
    assert rows[0]["started_at"].isoformat() == "2024-02-28T23:50:00+00:00"
    assert [r["member"] for r in rows] == [True, False, None]
    assert [r["started_on"] for r in rows] == ["2024-02-28", DS, DS]
    assert rows[1]["duration_min"] is None


def test_month_partitions_keep_the_date_in_the_files(bucket: str, s3fs: fs.S3FileSystem) -> None:
    _trips(bucket, gzip.compress(TRIPS.encode()), partition="month")
    assert [k.split("/")[2] for k in _keys(bucket, "raw/trips/started")] == [
        "started_on_month=2024-02",
        "started_on_month=2024-03",
    ]
    frame = pd.read_parquet(f"{bucket}/raw/trips", filesystem=s3fs)
    assert str(frame["started_on"].dtype).startswith("date32") or frame["started_on"].iloc[0] == (
        date(2024, 2, 28)
    )
    assert sorted(frame["started_on_month"].unique()) == ["2024-02", "2024-03"]


def test_no_partition_writes_one_file_under_the_prefix(bucket: str) -> None:
    result = _trips(bucket, gzip.compress(TRIPS.encode()), partition="none", partition_key="")
    assert result["files"] == 1 and result["partitions"] == 0
    assert _keys(bucket, "raw/trips/part") == [f"raw/trips/part-{DS}-00000.parquet"]


def test_a_long_daily_file_makes_few_files_and_a_small_marker(bucket: str) -> None:
    """Four years of daily rows: month partitions, and a marker and return value of constant size,
    however many files the landing has."""
    days = [date(2020, 3, 1) + timedelta(days=n) for n in range(4 * 365)]
    lines = [f"{n},7,{day.isoformat()},1.5,EUR,placed" for n, day in enumerate(days)]
    _land(bucket, "orders", _orders(lines))
    result = _run(bucket, "orders", partition="month")
    assert result["files"] == 48 and result["rows"] == len(days)
    marker = s3io.get(s3io.hook(), bucket, _marker("orders"))
    assert len(marker) < 1000 and len(json.dumps(result)) < 1000
    manifest = rawdata.read_manifest(s3io.hook(), bucket, _marker("orders"))
    assert len(manifest["parts"]) == 48
    _land(bucket, "orders", _orders(lines[:90]))
    daily = _run(bucket, "orders", partition="day")
    assert daily["files"] == 90 and len(s3io.get(s3io.hook(), bucket, _marker("orders"))) < 1000


def test_a_big_partition_is_split_at_the_size_target(bucket: str, s3fs: fs.S3FileSystem) -> None:
    lines = [f"{n},7,{DS},{n}.5,EUR,placed" for n in range(3000)]
    _land(bucket, "orders", _orders(lines))
    result = _run(bucket, "orders", target_file_mb=0.05)
    assert result["files"] > 1 and result["partitions"] == 1
    assert _keys(bucket, f"raw/orders/order_date={DS}/")[:2] == [
        f"raw/orders/order_date={DS}/part-{DS}-00000.parquet",
        f"raw/orders/order_date={DS}/part-{DS}-00001.parquet",
    ]
    frame = pd.read_parquet(f"{bucket}/raw/orders", filesystem=s3fs)
    assert sorted(frame["order_id"]) == list(range(3000))


def test_rerun_is_byte_identical(bucket: str) -> None:
    _land(bucket, "web_events")
    first = _run(bucket, "web_events")
    keys = _keys(bucket, "raw/web_events/")
    before = [s3io.get(s3io.hook(), bucket, k) for k in keys]
    assert _run(bucket, "web_events") == first
    assert [s3io.get(s3io.hook(), bucket, k) for k in _keys(bucket, "raw/web_events/")] == before


def test_rerun_removes_files_the_new_landing_no_longer_has(bucket: str) -> None:
    _land(
        bucket,
        "orders",
        _orders(["1,7,2024-02-29,1.00,EUR,placed", "2,7,2024-03-01,2.0,EUR,placed"]),
    )
    assert _run(bucket, "orders")["files"] == 2
    _land(bucket, "orders", _orders(["2,7,2024-03-01,2.00,EUR,placed"]))
    assert _run(bucket, "orders")["files"] == 1
    assert _keys(bucket, "raw/orders/order_date") == [
        f"raw/orders/order_date={DS}/part-{DS}-00000.parquet"
    ]


def test_header_only_file_publishes_an_empty_landing(bucket: str) -> None:
    _land(bucket, "orders", _orders([])[:-1])
    result = _run(bucket, "orders")
    assert (result["rows"], result["files"]) == (0, 0)
    assert json.loads(s3io.get(s3io.hook(), bucket, _marker("orders")))["rows"] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"order_id,customer_id,order_date,amount,currency\n1,2,2024-03-01,3.0,EUR\n",
            r"missing column\(s\) status",
        ),
        (
            b"order_id,customer,order_date,amount,currency,status\n1,2,2024-03-01,3.0,EUR,x\n",
            r"missing column\(s\) customer_id; unexpected column\(s\) customer",
        ),
        (
            b"order_id,customer_id,order_date,amount,currency,status,amount\n"
            b"1,2,2024-03-01,3.0,EUR,placed,4.0\n",
            r"repeats a column name: 'amount' at columns 4, 7",
        ),
        (
            _orders(["1,2,2024-03-01,3.0,EUR,placed", "x1,2,2024-03-01,3.0,EUR,placed"]),
            r"column order_id \(int64\): 1 bad value\(s\), line 3: 'x1'",
        ),
        (
            _orders(["1,2,01/03/2024,3.0,EUR,placed"]),
            r"column order_date \(date\): 1 bad value\(s\), line 2: '01/03/2024'",
        ),
        (
            _orders(["1,2,2024-02-30,3.0,EUR,placed", "2,2,2024-03-01,3.0,EUR,placed\u0661"]),
            r"line 2: '2024-02-30'.*line 3: 'placed١' is not one of placed\|shipped\|returned",
        ),
        (_orders(["1,2,,3.0,EUR,placed"]), r"line 2: empty \(the partition key is required\)"),
        (_orders([",2,2024-03-01,3.0,EUR,placed"]), r"line 2: empty \(the column is required\)"),
        (_orders(["١,2,2024-03-01,3.0,EUR,placed"]), r"column order_id \(int64\).*line 2: '١'"),
        (_orders(["1,2,2024-03-01,3.0,CHF,placed"]), r"'CHF' is not one of EUR\|USD\|GBP"),
        (
            _orders(["99999999999999999999,2,2024-03-01,3.0,EUR,placed"]),
            r"column order_id \(int64\): 1 bad value\(s\), line 2",
        ),
        (
            _orders(["1,2,2024-03-01,3.0,EUR,placed,surplus"]),
            "line 2 has 7 cells, the header has 6",
        ),
        (b"", r"the file is empty \(no header line\)"),
        (b"\xff\xfeorder_id\n", "line 1 is not utf-8 text"),
    ],
)
def test_contract_violations_name_columns_and_lines(
    bucket: str, content: bytes, message: str
) -> None:
    _land(bucket, "orders", content)
    with pytest.raises(ingest.ContractError, match=message):
        _run(bucket, "orders")
    assert not s3io.hook().check_for_key(_marker("orders"), bucket)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[1, 2]", "line 1 is not a JSON object"),
        ("{not json", "line 1 is not JSON"),
        ('{"event_id": "a", "event_id": "b"}', "line 1 has the key 'event_id' twice"),
        (
            '{"event_id": "e", "user_id": true, "event_time": "2024-03-01T10:00:00Z", '
            '"event_date": "2024-03-01", "page": "/", "is_mobile": "maybe"}',
            r"user_id \(int64\): 1 bad value\(s\), line 1: True.*is_mobile",
        ),
    ],
)
def test_jsonl_violations_name_lines(bucket: str, line: str, message: str) -> None:
    _land(bucket, "web_events", (line + "\n").encode())
    with pytest.raises(ingest.ContractError, match=message):
        _run(bucket, "web_events")


def test_zip_needs_exactly_one_file_inside(bucket: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("trips.csv", TRIPS)
    assert _trips(bucket, buffer.getvalue(), file_format="csv delimiter=;")["rows"] == 3
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("readme.txt", "x")
    with pytest.raises(ingest.ContractError, match="exactly one file; it holds trips.csv, readme"):
        _trips(bucket, buffer.getvalue(), file_format="csv delimiter=;")


def test_a_bad_landing_leaves_the_previous_output_published(bucket: str) -> None:
    """The new input is read and checked before the old marker is touched (a contract breach, a
    file name that does not exist)."""
    _land(bucket, "inventory")
    first = _run(bucket, "inventory")
    marker = s3io.get(s3io.hook(), bucket, _marker("inventory"))
    _land(bucket, "inventory", b"sku,warehouse\nA,B\n")
    with pytest.raises(ingest.ContractError):
        _run(bucket, "inventory")
    with pytest.raises(s3io.MissingObjectError, match="inventory-typo.csv does not exist"):
        _run(bucket, "inventory", file_name="inventory-typo.csv")
    assert s3io.get(s3io.hook(), bucket, _marker("inventory")) == marker
    assert rawdata.read_manifest(s3io.hook(), bucket, _marker("inventory"))["rows"] == first["rows"]


def test_a_hand_edited_manifest_cannot_delete_other_data(bucket: str) -> None:
    s3io.put(s3io.hook(), bucket, "who/WHO-COVID-19-global-data.csv", b"precious")
    _land(bucket, "orders")
    _run(bucket, "orders")
    manifest = f"raw/orders/_runs/date={DS}/manifest.json"
    edited = {"format": rawdata.MANIFEST_FORMAT, "parts": {"who/WHO-COVID-19-global-data.csv": {}}}
    for target in ("who/WHO-COVID-19-global-data.csv", f"raw/inventory/part-{DS}-00000.parquet"):
        edited["parts"] = {target: {}}
        s3io.put(s3io.hook(), bucket, manifest, json.dumps(edited).encode())
        with pytest.raises(
            s3io.CorruptObjectError, match=f"s3://{bucket}/{manifest} lists {target}"
        ):
            _run(bucket, "orders")
    assert s3io.get(s3io.hook(), bucket, "who/WHO-COVID-19-global-data.csv") == b"precious"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("manifest.json", b"{not json", "is not JSON"),
        ("manifest.json", b"[]", r"missing: parts"),
        ("_SUCCESS", b'{"parts": 3}', "'parts' is not a list of keys"),
    ],
)
def test_corrupt_run_files_are_named(bucket: str, name: str, content: bytes, message: str) -> None:
    _land(bucket, "orders")
    _run(bucket, "orders")
    if name == "_SUCCESS":
        s3io.delete(s3io.hook(), bucket, f"raw/orders/_runs/date={DS}/manifest.json")
    s3io.put(s3io.hook(), bucket, f"raw/orders/_runs/date={DS}/{name}", content)
    with pytest.raises(
        s3io.CorruptObjectError, match=f"s3://{bucket}/raw/orders/_runs/date={DS}/{name}.*{message}"
    ):
        _run(bucket, "orders")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"file_format": "xml"}, "unknown file format 'xml'"),
        (
            {"file_format": "csv delimter=;"},
            "unknown file option 'delimter=;' .did you mean 'delimiter'",
        ),
        (
            {"columns": "order_id: int64\norder_date: datetime"},
            "unknown type 'datetime' .did you mean 'timestamp'",
        ),
        ({"partition_key": "order_id"}, "partition_key 'order_id' is int64, not a date column"),
        ({"partition_key": "shipped_on"}, "partition_key 'shipped_on' is not a column"),
        ({"partition": "week"}, "unknown partition 'week'"),
        ({"columns": "order_id int64"}, "is not 'name: type'"),
        ({"source": "Orders!"}, "not lower_snake_case"),
    ],
)
def test_bad_source_config_is_refused_before_reading(
    bucket: str, override: dict[str, str], message: str
) -> None:
    with pytest.raises(ingest.ContractError, match=message):
        _run(bucket, "orders", **override)


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"file_name": "../../secrets.csv"}, s3io.UnsafeKeyError),
        ({"file_name": "a/b.csv"}, s3io.UnsafeKeyError),
        ({"file_name": ".."}, s3io.UnsafeKeyError),
        ({"file_name": "orders.csv\n"}, s3io.UnsafeKeyError),
        ({"landing_prefix": "/landing"}, s3io.UnsafeKeyError),
        ({"raw_prefix": "../raw"}, s3io.UnsafeKeyError),
        ({"raw_prefix": "s3://other/raw"}, s3io.UnsafeKeyError),
        ({"bucket": "other/../b"}, s3io.UnsafeKeyError),
        ({"ds": "2024-03-01/../../x"}, s3io.UnsafeKeyError),
        ({"ds": "2024-03-01\n"}, s3io.UnsafeKeyError),
        ({"ds": "٢٠٢٤-03-01"}, s3io.UnsafeKeyError),
        ({"ds": "2024-02-30"}, s3io.UnsafeKeyError),
    ],
)
def test_run_inputs_cannot_escape(
    bucket: str, override: dict[str, str], error: type[Exception]
) -> None:
    """``file_name`` may come from ``dag_run.conf``: it is one key segment under the configured
    prefix."""
    _land(bucket, "orders")
    with pytest.raises(error):
        _run(bucket, "orders", **override)


def test_where_a_task_reads_its_file() -> None:
    arguments = {"landing_prefix": "landing/orders", "ds": DS, "file_name": "o.csv"}
    assert ingest.INPUTS["ingest_source"](arguments) == f"landing/orders/date={DS}/o.csv"


def test_sample_landings_are_deterministic() -> None:
    day = date.fromisoformat(DS)
    for source in sampledata_sources.GENERATORS:
        assert sampledata_sources.landed_file(source, day) == sampledata_sources.landed_file(
            source, day
        )
        assert sampledata_sources.landed_file(source, day) != sampledata_sources.landed_file(
            source, date(2024, 3, 2)
        )
