"""The completion-record rule, checked against real objects in the local S3."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from dagforge.demo.s3local import LocalS3
from dagforge.mwaa import outputs

BUCKET = "outputs-check"


def _s3(local_s3: LocalS3) -> Any:
    s3 = outputs.client(local_s3)
    s3.create_bucket(Bucket=BUCKET)
    return s3


def _put(s3: Any, key: str, data: bytes) -> None:
    s3.put_object(Bucket=BUCKET, Key=key, Body=data)


def test_markers_that_point_at_their_data_are_fine_and_snapshots_hold_bytes(
    local_s3: LocalS3,
) -> None:
    s3 = _s3(local_s3)
    pack = b"AAAABBB"
    index = {
        "pack_key": "who/split/date=2024-03-05/countries.pack",
        "countries": {
            "AU": {"offset": 0, "length": 4, "sha256": hashlib.sha256(b"AAAA").hexdigest()},
            "BR": {"offset": 4, "length": 3, "sha256": hashlib.sha256(b"BBB").hexdigest()},
        },
    }
    _put(s3, index["pack_key"], pack)
    _put(s3, "who/split/date=2024-03-05/_SUCCESS", json.dumps(index).encode())
    rows_key = "who/countries/country=AU/date=2024-03-05/rows.csv"
    _put(s3, rows_key, b"header\nrow1\nrow2\n")
    summary = {"rows": 2, "rows_key": rows_key}
    _put(s3, "who/countries/country=AU/date=2024-03-05/summary.json", json.dumps(summary).encode())
    assert outputs.broken_markers(s3, BUCKET) == []
    assert outputs.snapshot(s3, BUCKET, "who/split/")[index["pack_key"]] == pack


def test_a_marker_pointing_at_missing_or_other_data_is_reported(local_s3: LocalS3) -> None:
    s3 = _s3(local_s3)
    index = {
        "pack_key": "who/split/date=2024-03-06/countries.pack",
        "countries": {"AU": {"offset": 0, "length": 4, "sha256": "0" * 64}},
    }
    _put(s3, "who/split/date=2024-03-06/_SUCCESS", json.dumps(index).encode())
    summary = {"rows": 5, "rows_key": "who/countries/country=BR/date=2024-03-06/rows.csv"}
    _put(s3, "who/countries/country=BR/date=2024-03-06/summary.json", json.dumps(summary).encode())
    problems = outputs.broken_markers(s3, BUCKET)
    assert any(
        "points at a missing who/split/date=2024-03-06/countries.pack" in p for p in problems
    )
    assert any("points at a missing who/countries/country=BR" in p for p in problems)
    _put(s3, index["pack_key"], b"ZZZZ")
    _put(s3, summary["rows_key"], b"header\nonly one\n")
    problems = outputs.broken_markers(s3, BUCKET)
    assert any("part 'AU' does not match" in p for p in problems)
    assert any("counts 5 rows" in p for p in problems)
