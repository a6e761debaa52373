"""callables.ingest against the local S3, with the three sources configured in sources.yml."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from callables import ingest
from callables import s3 as s3io
from dagforge.demo import sampledata_sources
from tests.conftest import REPO

DS = "2024-03-01"
INSTANCES = {
    i["source"]: i
    for i in yaml.safe_load((REPO / "dagfactory_configs" / "sources.yml").read_text())["templates"][
        "source_ingest"
    ]["instances"]
}


def _land(bucket: str, source: str, data: bytes | None = None, name: str | None = None) -> None:
    landed_name, landed = sampledata_sources.landed_file(source, date.fromisoformat(DS))
    s3io.put(
        s3io.hook(), bucket, f"landing/{source}/date={DS}/{name or landed_name}", data or landed
    )


def _run(bucket: str, source: str, /, **override: Any) -> dict[str, Any]:
    cfg = INSTANCES[source]
    args = {
        "source": source,
        "bucket": bucket,
        "landing_prefix": f"landing/{source}",
        "file_name": cfg["file"],
        "file_format": cfg["format"],
        "columns": cfg["columns"],
        "partition_key": cfg["partition_key"],
        "raw_prefix": f"raw/{source}",
        "ds": DS,
        **override,
    }
    return ingest.ingest_source(**args)


def _marker(bucket: str, source: str) -> str:
    return f"raw/{source}/_runs/date={DS}/_SUCCESS"


def _orders(lines: list[str]) -> bytes:
    return (
        "order_id,customer_id,order_date,amount,currency,status\n" + "\n".join(lines) + "\n"
    ).encode()


@pytest.mark.parametrize("source", sorted(INSTANCES))
def test_each_configured_source_lands_typed_and_partitioned(bucket: str, source: str) -> None:
    _land(bucket, source)
    result = _run(bucket, source)
    hook = s3io.hook()
    marker = json.loads(s3io.get(hook, bucket, _marker(bucket, source)))
    assert marker["rows"] == result["rows"] == 300
    assert sorted(marker["parts"]) == result["parts"]
    key = INSTANCES[source]["partition_key"]
    assert [p.split("/")[2] for p in result["parts"]] == [
        f"{key}={d}" for d in ("2024-02-28", "2024-02-29", DS)
    ]
    columns = ingest.parse_columns(INSTANCES[source]["columns"])
    table = pq.read_table(io.BytesIO(s3io.get(hook, bucket, result["parts"][-1])))
    assert table.column_names == list(columns)
    assert [str(t) for t in table.schema.types] == [
        str(ingest.arrow_type(k)) for k in columns.values()
    ]
    assert set(table[key].to_pylist()) == {date.fromisoformat(DS)}


def test_nulls_and_negatives_survive(bucket: str) -> None:
    _land(
        bucket,
        "orders",
        _orders(["1,7,2024-03-01,-12.50,EUR,returned", "2,7,2024-03-01,,EUR,placed"]),
    )
    part = _run(bucket, "orders")["parts"][0]
    table = pq.read_table(io.BytesIO(s3io.get(s3io.hook(), bucket, part)))
    assert table["amount"].to_pylist() == [-12.5, None]


def test_rerun_is_byte_identical(bucket: str) -> None:
    _land(bucket, "web_events")
    first = _run(bucket, "web_events")
    hook = s3io.hook()
    keys = [*first["parts"], first["marker_key"]]
    before = [s3io.get(hook, bucket, k) for k in keys]
    assert _run(bucket, "web_events") == first
    assert [s3io.get(hook, bucket, k) for k in keys] == before


def test_rerun_removes_parts_the_new_landing_no_longer_has(bucket: str) -> None:
    _land(
        bucket,
        "orders",
        _orders(["1,7,2024-02-29,1.00,EUR,placed", "2,7,2024-03-01,2.00,EUR,placed"]),
    )
    first = _run(bucket, "orders")
    _land(bucket, "orders", _orders(["2,7,2024-03-01,2.00,EUR,placed"]))
    second = _run(bucket, "orders")
    assert len(first["parts"]) == 2 and len(second["parts"]) == 1
    assert not s3io.hook().check_for_key(first["parts"][0], bucket)


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
            _orders(
                [
                    "1,2,2024-03-01,3.0,EUR,x",
                    "x1,2,2024-03-01,3.0,EUR,x",
                    "3,2.5,01/03/2024,3.0,EUR,x",
                ]
            ),
            r"column order_id \(int64\): 1 bad value\(s\), line 3: 'x1'; column customer_id "
            r"\(int64\): 1 bad value\(s\), "
            r"line 4: '2.5'; column order_date \(date\): 1 bad value\(s\), line 4: '01/03/2024'",
        ),
        (
            _orders(["1,2,,3.0,EUR,x"]),
            r"column order_date \(date\).*line 2: empty \(the partition key is required\)",
        ),
        (
            _orders(["99999999999999999999,2,2024-03-01,3.0,EUR,x"]),
            r"column order_id \(int64\): 1 bad value\(s\), line 2",
        ),
        (_orders(["1,2,2024-03-01,3.0,EUR,x,surplus"]), "line 2 has more cells than the header"),
    ],
)
def test_contract_violations_name_columns_and_lines(
    bucket: str, content: bytes, message: str
) -> None:
    _land(bucket, "orders", content)
    with pytest.raises(ingest.ContractError, match=message):
        _run(bucket, "orders")
    assert not s3io.hook().check_for_key(_marker(bucket, "orders"), bucket)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[1, 2]", "line 1 is not a JSON object"),
        ("{not json", "line 1 is not JSON"),
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


def test_a_failed_rerun_removes_the_previous_marker(bucket: str) -> None:
    _land(bucket, "inventory")
    _run(bucket, "inventory")
    _land(bucket, "inventory", b"sku,warehouse\nA,B\n")
    with pytest.raises(ingest.ContractError):
        _run(bucket, "inventory")
    assert not s3io.hook().check_for_key(_marker(bucket, "inventory"), bucket)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"file_format": "xml"}, "format 'xml' is not one of csv, jsonl"),
        (
            {"columns": "order_id:int64, order_date:datetime"},
            "column 'order_date' has unknown type 'datetime'",
        ),
        (
            {"partition_key": "order_id"},
            "partition_key 'order_id' must be one of the columns, of type date",
        ),
        ({"columns": "order_id int64"}, "write each column as name:type"),
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
        ({"landing_prefix": "/landing"}, s3io.UnsafeKeyError),
        ({"raw_prefix": "../raw"}, s3io.UnsafeKeyError),
        ({"raw_prefix": "s3://other/raw"}, s3io.UnsafeKeyError),
        ({"bucket": "other/../b"}, s3io.UnsafeKeyError),
        ({"ds": "2024-03-01/../../x"}, ValueError),
    ],
)
def test_run_inputs_cannot_escape(
    bucket: str, override: dict[str, str], error: type[Exception]
) -> None:
    """``file_name`` may come from ``dag_run.conf``: it is one key segment under the configured
    prefix.
    """
    _land(bucket, "orders")
    with pytest.raises(error):
        _run(bucket, "orders", **override)


def test_sample_landings_are_deterministic() -> None:
    day = date.fromisoformat(DS)
    for source in sampledata_sources.GENERATORS:
        assert sampledata_sources.landed_file(source, day) == sampledata_sources.landed_file(
            source, day
        )
        assert sampledata_sources.landed_file(source, day) != sampledata_sources.landed_file(
            source, date(2024, 3, 2)
        )
