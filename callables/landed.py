"""Event-driven ingestion: every file named by the run's triggering asset events, exactly once.

An S3 notification becomes an asset event with ``extra={"uri": "s3://bucket/key"}``
(``dagforge.events.handler``); the DAG scheduled on that asset runs with the events in
``triggering_asset_events`` (several events may be batched into one run). Each file is checked
against the source's contract and written to raw as typed Parquet, partitioned by a date column,
the same way :func:`callables.ingest.ingest_source` does for a dated landing.

Layout for a landed object ``landing_prefix/<anything>`` (its id: the first 16 hex digits of the
SHA-256 of its key):

- ``raw_prefix/<partition_key>=<YYYY-MM-DD>/part-landed-<id>.parquet``: its rows of that date;
- ``raw_prefix/_landed/<id>.json``: written last; the key, its ETag, the parts and rows.

A file named twice in one run is ingested once; a file whose marker holds its current ETag was
ingested already and is skipped; a file overwritten since (a new ETag) is ingested again and its
old parts that the new content does not produce are removed.

Events that arrive together are not all handed to one run: Airflow 3.3 makes the run of the first
event and leaves the ones that came while it was being created for the *next* event's run (the
scheduler keeps one queue row per asset and DAG; see apache/airflow#56050). So a run also takes
the asset's events newer than its own triggering ones from ``inlet_events`` (the task names the
asset in ``inlets``); a later run that is handed them skips them by their markers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from callables import ingest
from callables import s3 as s3io

__all__ = ["ingest_landed_files"]

MARKERS = "_landed"


def event_uris(events: Iterable[Any]) -> list[str]:
    """The ``extra["uri"]`` of each event, once each, in order."""
    uris: list[str] = []
    for event in events:
        extra = getattr(event, "extra", None) or {}
        uri = extra.get("uri") if isinstance(extra, Mapping) else None
        if isinstance(uri, str) and uri not in uris:
            uris.append(uri)
    return uris


def run_events(triggering: Mapping[Any, Iterable[Any]] | None, inlet_events: Any) -> list[Any]:
    """The run's triggering events (Airflow 3's ``triggering_asset_events``, Airflow 2's
    ``triggering_dataset_events``), then the events of its first inlet asset newer than those."""
    events = [event for batch in (triggering or {}).values() for event in batch]
    if not events or not inlet_events:
        return events
    newest = max(event.timestamp for event in events)
    return events + [event for event in inlet_events[0] if event.timestamp > newest]


def landed_key(uri: str, bucket: str, landing_prefix: str) -> str:
    """The key of ``uri``, refused unless it is in ``bucket`` under ``landing_prefix``: an event
    names a file to ingest, never a place of its choosing."""
    prefix = f"s3://{s3io.check_bucket(bucket)}/{s3io.join_key(landing_prefix)}/"
    key = uri[len(f"s3://{bucket}/") :]
    if not uri.startswith(prefix) or ".." in key.split("/") or key.endswith("/"):
        raise s3io.UnsafeKeyError(f"event names {uri!r}, which is not a file under {prefix}")
    return key


def object_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def ingest_landed_files(
    source: str,
    bucket: str,
    landing_prefix: str,
    file_format: str,
    columns: dict[str, str] | str,
    partition_key: str,
    raw_prefix: str,
    aws_conn_id: str = s3io.DEFAULT_CONN_ID,
    triggering_asset_events: Mapping[Any, Iterable[Any]] | None = None,
    triggering_dataset_events: Mapping[Any, Iterable[Any]] | None = None,
    inlet_events: Any = None,
) -> dict[str, Any]:
    """Ingest every file the run's triggering asset events name, each exactly once.

    Airflow passes ``triggering_asset_events`` (``triggering_dataset_events`` on Airflow 2) and
    ``inlet_events`` from the run's context; a config names the other arguments, and the task
    names its asset in ``inlets`` so that events which came after its own are taken too.

    :param source: the source's name (lower_snake_case), recorded in each marker.
    :param bucket: the bucket landed files must be in (the data bucket Variable).
    :param landing_prefix: landed files must be under this prefix; an event naming anything else
        fails the task.
    :param file_format: ``csv`` (header line, empty cell = null) or ``jsonl``.
    :param columns: the contract, ``"name:type, name:type, ..."`` (types as in ``ingest_source``).
    :param partition_key: a ``date`` column; one Parquet file per value and landed file.
    :param raw_prefix: outputs go under ``raw_prefix/<partition_key>=<date>/``.
    :returns: ``{"ingested": [...], "skipped": [...], "rows": n}``.
    :raises callables.ingest.ContractError: a file breaks the contract (named by line and column).
    """
    contract = ingest.parse_columns(columns)
    ingest.check_contract(source, file_format, contract, partition_key)
    events = run_events(triggering_asset_events or triggering_dataset_events, inlet_events)
    uris = event_uris(events)
    keys = [landed_key(uri, bucket, landing_prefix) for uri in uris]  # all checked before any work
    hook = s3io.hook(aws_conn_id)
    done: dict[str, list[dict[str, Any]]] = {"ingested": [], "skipped": []}
    for key in keys:
        outcome, record = _ingest_one(
            hook, bucket, key, source, file_format, contract, partition_key, raw_prefix
        )
        done[outcome].append(record)
    return {**done, "rows": sum(int(r["rows"]) for r in done["ingested"])}


def _ingest_one(
    hook: Any,
    bucket: str,
    key: str,
    source: str,
    file_format: str,
    contract: dict[str, str],
    partition_key: str,
    raw_prefix: str,
) -> tuple[str, dict[str, Any]]:
    # '_' keeps the markers out of partition scans (join_key refuses it as a segment)
    marker_key = f"{s3io.join_key(raw_prefix)}/{MARKERS}/{object_id(key)}.json"
    previous = s3io.get_or_none(hook, bucket, marker_key)
    old = json.loads(previous) if previous else None
    etag = str(s3io.client(hook).head_object(Bucket=bucket, Key=key)["ETag"]).strip('"')
    if old is not None and old["etag"] == etag:
        return "skipped", {
            "key": key,
            "etag": etag,
            "rows": old["rows"],
            "reason": "ingested already",
        }
    where = f"s3://{bucket}/{key}"
    found, records = ingest.parse_records(s3io.get(hook, bucket, key), file_format, where)
    ingest.check_columns(found, contract, where)
    values = ingest.convert(records, contract, partition_key, where)
    parts = {
        s3io.join_key(
            raw_prefix,
            f"{partition_key}={day.isoformat()}",
            f"part-landed-{object_id(key)}.parquet",
        ): table
        for day, table in ingest.partitions(values, contract, partition_key)
    }
    for part, table in parts.items():
        s3io.put(hook, bucket, part, ingest.parquet_bytes(table))
    s3io.delete(hook, bucket, *sorted(set(old["parts"] if old else []) - set(parts)))
    rows = sum(table.num_rows for table in parts.values())
    marker = {"source": source, "key": key, "etag": etag, "rows": rows, "parts": sorted(parts)}
    s3io.put(
        hook, bucket, marker_key, (json.dumps(marker, indent=2, sort_keys=True) + "\n").encode()
    )
    return "ingested", marker
