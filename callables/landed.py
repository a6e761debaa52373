"""Event-driven ingestion: every file named by the run's triggering asset events, exactly once.

An S3 notification becomes an asset event with ``extra={"uri": "s3://bucket/key"}``
(``dagforge.events.handler``); the DAG scheduled on that asset runs with the events in
``triggering_asset_events`` (several events may be batched into one run). Each file is checked
against the source's contract and written to raw/ as typed Parquet in the same Hive-style dataset
:func:`callables.ingest.ingest_source` writes (same contract grammar, same file layout).

Layout for a landed object ``landing_prefix/<anything>`` (its id: the first 16 hex digits of the
SHA-256 of its key):

- ``raw_prefix/<partition folder>/part-landed-<id>-NNNNN.parquet``: its rows;
- ``raw_prefix/_landed/<id>.json``: written last; the key, its ETag, the files and rows.

A file named twice in one run is ingested once; a file whose marker holds its current ETag was
ingested already and is skipped; a file overwritten since (a new ETag) is ingested again and its
old files that the new content does not produce are removed (only files named after this object).

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
from dataclasses import dataclass
from typing import Any

from callables import rawdata
from callables import s3 as s3io
from callables.contract import Contract, contract_issues, load_contract
from callables.ingest import read_landed

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


@dataclass(frozen=True)
class Target:
    """Where one source's landed files go, and how they are read."""

    source: str
    bucket: str
    contract: Contract
    raw_prefix: str
    target_file_mb: float


def ingest_landed_files(
    source: str,
    bucket: str,
    landing_prefix: str,
    file_format: str,
    columns: str | dict[str, str],
    partition_key: str,
    raw_prefix: str,
    partition: str = "day",
    target_file_mb: float = rawdata.TARGET_FILE_MB,
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
    :param file_format: ``csv`` or ``jsonl`` and file options, as for ``ingest_source``.
    :param columns: the contract, one column a line: ``name: type [options]``.
    :param partition_key: the ``date`` column raw/ is partitioned by (``""`` with ``none``).
    :param raw_prefix: the dataset's folder, e.g. ``raw/<source>``.
    :param partition: ``day``, ``month`` or ``none``.
    :param target_file_mb: rows of one partition are split into files of about this size.
    :returns: ``{"ingested": [...], "skipped": [...], "rows": n}``.
    :raises callables.values.ContractError: a file breaks the contract (columns, values, lines).
    """
    contract = load_contract(columns, file_format, partition_key, partition)
    target = Target(source, bucket, contract, s3io.join_key(raw_prefix), target_file_mb)
    events = run_events(triggering_asset_events or triggering_dataset_events, inlet_events)
    keys = [landed_key(uri, bucket, landing_prefix) for uri in event_uris(events)]
    hook = s3io.hook(aws_conn_id)
    done: dict[str, list[dict[str, Any]]] = {"ingested": [], "skipped": []}
    for key in keys:  # every key was checked before any work
        outcome, record = _ingest_one(hook, target, key)
        done[outcome].append(record)
    return {**done, "rows": sum(int(r["rows"]) for r in done["ingested"])}


def _ingest_one(hook: Any, target: Target, key: str) -> tuple[str, dict[str, Any]]:
    ident = object_id(key)
    label = f"landed-{ident}"
    # '_' keeps the markers out of dataset scans (join_key refuses it as a segment)
    marker_key = f"{target.raw_prefix}/{MARKERS}/{ident}.json"
    previous = s3io.get_or_none(hook, target.bucket, marker_key)
    where_marker = f"s3://{target.bucket}/{marker_key}"
    old = s3io.json_object(previous, where_marker, ("etag", "rows")) if previous else None
    etag = str(s3io.client(hook).head_object(Bucket=target.bucket, Key=key)["ETag"]).strip('"')
    if old is not None and old["etag"] == etag:
        skipped = {"key": key, "etag": etag, "rows": old["rows"], "reason": "ingested already"}
        return "skipped", skipped
    where = f"s3://{target.bucket}/{key}"
    table = read_landed(s3io.get(hook, target.bucket, key), target.contract, where)
    files = rawdata.plan_files(
        table, target.contract, target.raw_prefix, label, target.target_file_mb
    )
    stale = _stale(old, set(files), target.raw_prefix, label, marker_key)
    for name, part in files.items():
        s3io.put(hook, target.bucket, name, rawdata.parquet_bytes(part))
    s3io.delete(hook, target.bucket, *sorted(stale))
    rows = table.num_rows
    marker = {
        "source": target.source,
        "key": key,
        "etag": etag,
        "rows": rows,
        "parts": sorted(files),
    }
    s3io.put(hook, target.bucket, marker_key, (json.dumps(marker, indent=2) + "\n").encode())
    return "ingested", marker


def _stale(
    old: dict[str, Any] | None, written: set[str], raw_prefix: str, label: str, marker_key: str
) -> set[str]:
    """The files the previous ingestion of this object wrote and this one did not; a marker that
    lists anything else is refused (nothing is deleted)."""
    listed = {str(part) for part in (old or {}).get("parts", [])}
    foreign = sorted(p for p in listed if not rawdata.own_part(p, raw_prefix, label))
    if foreign:
        raise s3io.CorruptObjectError(
            f"{marker_key} lists {', '.join(foreign[:3])}, which this object's ingestion did not "
            "write: refusing to delete anything; remove the marker to ingest the file again"
        )
    return listed - written


# What dagforge reads of this module: validate checks the contract arguments at their line.
ARGUMENT_CHECKS = {"ingest_landed_files": contract_issues}
