"""callables.landed against the local S3: every file the triggering events name, exactly once.

The events are what Airflow hands the callable (``triggering_asset_events``: asset → events, each
with ``extra``), built here as plain records; tests/mwaa/test_runner_api.py runs the real chain.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from callables import ingest, landed
from callables import s3 as s3io
from dagforge.demo import sampledata_sources
from tests.conftest import REPO

CONFIG = yaml.safe_load((REPO / "dagfactory_configs" / "landed.yml").read_text())
ORDERS = CONFIG["templates"]["landed_ingest"]["instances"][0]


def _land(bucket: str, name: str, day: int, rows: int = 20) -> str:
    _, data = sampledata_sources.landed_file("orders", date(2024, 3, day), rows)
    s3io.put(s3io.hook(), bucket, f"landing/orders/{name}", data)
    return f"s3://{bucket}/landing/orders/{name}"


def _event(uri: str, second: int = 0) -> Any:
    return SimpleNamespace(extra={"uri": uri}, timestamp=datetime(2024, 3, 1, 0, 0, 10 + second))


def _events(*uris: str) -> dict[str, list[Any]]:
    return {"asset": [_event(uri) for uri in uris]}


def _run(bucket: str, *uris: str, inlet_events: Any = None) -> dict[str, Any]:
    return landed.ingest_landed_files(
        source="orders",
        bucket=bucket,
        landing_prefix="landing/orders",
        file_format=ORDERS["format"],
        columns=ORDERS["columns"],
        partition_key=ORDERS["partition_key"],
        raw_prefix="raw/orders",
        triggering_asset_events=_events(*uris),
        inlet_events=inlet_events,
    )


def _rows(bucket: str, key: str) -> int:
    return int(pq.read_table(io.BytesIO(s3io.get(s3io.hook(), bucket, key))).num_rows)


def test_every_file_of_a_batch_once_even_when_named_twice(bucket: str) -> None:
    uris = [_land(bucket, name, day) for day, name in enumerate(["a.csv", "b c.csv", "d+e.csv"], 1)]
    done = _run(bucket, *uris, uris[0])
    assert [r["key"] for r in done["ingested"]] == [u.split("/", 3)[3] for u in uris]
    assert done["rows"] == 60 and done["skipped"] == []
    parts = [part for record in done["ingested"] for part in record["parts"]]
    assert sum(_rows(bucket, part) for part in parts) == 60


def test_a_replayed_event_changes_nothing(bucket: str) -> None:
    uri = _land(bucket, "a.csv", 1)
    first = _run(bucket, uri)["ingested"][0]
    marker = f"raw/orders/_landed/{landed.object_id('landing/orders/a.csv')}.json"
    before = s3io.client(s3io.hook()).head_object(Bucket=bucket, Key=marker)["LastModified"]
    again = _run(bucket, uri)
    assert again["ingested"] == [] and again["skipped"][0]["reason"] == "ingested already"
    after = s3io.client(s3io.hook()).head_object(Bucket=bucket, Key=marker)["LastModified"]
    assert before == after and json.loads(s3io.get(s3io.hook(), bucket, marker)) == first


def test_an_overwritten_file_is_ingested_again_and_its_old_parts_go(bucket: str) -> None:
    uri = _land(bucket, "a.csv", 1)
    old = set(_run(bucket, uri)["ingested"][0]["parts"])
    _land(bucket, "a.csv", 20)  # other dates: other partitions
    new = set(_run(bucket, uri)["ingested"][0]["parts"])
    listed = set(s3io.hook().list_keys(bucket_name=bucket, prefix="raw/orders/order_date=") or [])
    assert new and listed == new and not old & new


def test_an_event_cannot_point_outside_the_landing_prefix(bucket: str) -> None:
    _land(bucket, "a.csv", 1)
    for uri in (
        f"s3://{bucket}/raw/orders/x.csv",
        "s3://other-bucket/landing/orders/a.csv",
        f"s3://{bucket}/landing/orders/../../secrets.csv",
    ):
        with pytest.raises(s3io.UnsafeKeyError, match="not a file under"):
            _run(bucket, uri)


def test_a_file_breaking_the_contract_names_its_line(bucket: str) -> None:
    s3io.put(s3io.hook(), bucket, "landing/orders/bad.csv", b"order_id,amount\n1,2\n")
    with pytest.raises(ingest.ContractError, match="missing column"):
        _run(bucket, f"s3://{bucket}/landing/orders/bad.csv")


def test_events_newer_than_the_runs_own_are_taken_too(bucket: str) -> None:
    """Airflow hands a batch's later events to the next event's run (apache/airflow#56050)."""
    a, b, c = (_land(bucket, name, day) for day, name in enumerate(["a.csv", "b.csv", "c.csv"], 1))
    inlet = [[_event(c, second=-1), _event(a), _event(b, second=1)]]  # c is older: a run had it
    done = _run(bucket, a, inlet_events=inlet)
    assert [r["key"] for r in done["ingested"]] == ["landing/orders/a.csv", "landing/orders/b.csv"]


def test_no_events_means_nothing_to_do(bucket: str) -> None:
    assert _run(bucket) == {"ingested": [], "skipped": [], "rows": 0}


def test_a_marker_naming_other_files_deletes_nothing(bucket: str) -> None:
    uri = _land(bucket, "a.csv", 1)
    _run(bucket, uri)
    marker = f"raw/orders/_landed/{landed.object_id('landing/orders/a.csv')}.json"
    forged = {
        "etag": "old",
        "rows": 1,
        "parts": ["raw/orders/order_date=2024-03-01/part-x.parquet"],
    }
    s3io.put(s3io.hook(), bucket, marker, json.dumps(forged).encode())
    with pytest.raises(s3io.CorruptObjectError, match="refusing to delete anything"):
        _run(bucket, uri)
