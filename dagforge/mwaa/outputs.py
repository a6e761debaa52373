"""What the WHO pipeline left in the local S3, read back directly (not through Airflow).

Snapshots compare two runs byte for byte. :func:`broken_markers` checks the rule the callables
promise: a completion record is written last, so it never points at missing data. The split's
``_SUCCESS`` index must match the bytes of its pack, and a country's ``summary.json`` (written after
its rows) must find its ``rows.csv`` with as many rows as it counts. :class:`Watcher` checks that
over and over while faults are injected.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from dagforge.demo.s3local import LocalS3

SPLIT_PREFIX = "who/split/"
COUNTRIES_PREFIX = "who/countries/"


def client(s3: LocalS3) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=s3.endpoint_url,
        region_name=s3.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def snapshot(s3: Any, bucket: str, prefix: str) -> dict[str, bytes]:
    """Every object under ``prefix``, by key."""
    return {key: _get(s3, bucket, key) or b"" for key in keys(s3, bucket, prefix)}


def broken_markers(s3: Any, bucket: str) -> list[str]:
    """Completion records that point at missing or different data (empty when all is well)."""
    found = [
        problem
        for key in keys(s3, bucket, SPLIT_PREFIX)
        if key.endswith("/_SUCCESS")
        for problem in _split_problems(s3, bucket, key)
    ]
    for key in keys(s3, bucket, COUNTRIES_PREFIX):
        if key.endswith("/summary.json"):
            found += _summary_problems(s3, bucket, key)
    return found


def _split_problems(s3: Any, bucket: str, marker_key: str) -> list[str]:
    raw = _get(s3, bucket, marker_key)
    if raw is None:  # removed by a re-run since it was listed
        return []
    index = json.loads(raw)
    pack = _get(s3, bucket, index["pack_key"])
    if pack is None:
        return [f"{marker_key} points at a missing {index['pack_key']}"]
    return [
        f"{marker_key}: part {code!r} does not match the bytes of {index['pack_key']}"
        for code, part in index["countries"].items()
        if hashlib.sha256(pack[part["offset"] : part["offset"] + part["length"]]).hexdigest()
        != part["sha256"]
    ]


def _summary_problems(s3: Any, bucket: str, summary_key: str) -> list[str]:
    raw = _get(s3, bucket, summary_key)
    if raw is None:
        return []
    summary = json.loads(raw)
    rows = _get(s3, bucket, summary["rows_key"])
    if rows is None:
        return [f"{summary_key} points at a missing {summary['rows_key']}"]
    if rows.count(b"\n") - 1 != summary["rows"]:
        return [f"{summary_key} counts {summary['rows']} rows, {summary['rows_key']} has others"]
    return []


def _get(s3: Any, bucket: str, key: str) -> bytes | None:
    try:
        body: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
    return body


class Watcher:
    """Checks :func:`broken_markers` every ``interval`` seconds in a thread until stopped."""

    def __init__(self, s3: LocalS3, bucket: str, interval: float = 0.5) -> None:
        self.client, self.bucket, self.interval = client(s3), bucket, interval
        self.problems: set[str] = set()
        self.checks = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Watcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.problems.update(broken_markers(self.client, self.bucket))
            self.checks += 1
