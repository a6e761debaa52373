"""The objects an S3 event notification names, as Lambda receives it: S3 records directly, or
batched inside SQS records (each SQS body one S3 notification, possibly wrapped by SNS).

Keys arrive URL-encoded (``a+b%2Bc.csv`` is ``a b+c.csv``); S3's ``s3:TestEvent`` (sent when a
notification is set up) and events other than ``ObjectCreated:*`` name no object to ingest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus


@dataclass(frozen=True)
class LandedObject:
    """One object S3 reported created; ``message_id`` is the SQS message that carried it."""

    bucket: str
    key: str
    message_id: str | None = None

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def landed_objects(event: Mapping[str, Any]) -> tuple[list[LandedObject], list[str]]:
    """Every object created, once each, in the order the notifications name them; and the SQS
    messages whose body is not JSON (reported, never silently dropped)."""
    seen: dict[tuple[str, str], LandedObject] = {}
    unreadable: list[str] = []
    for record in event.get("Records") or []:
        for found in _objects(record, unreadable):
            seen.setdefault((found.bucket, found.key), found)
    return list(seen.values()), unreadable


def _objects(record: Mapping[str, Any], unreadable: list[str]) -> Iterator[LandedObject]:
    if record.get("eventSource") == "aws:sqs":
        body = _json(record.get("body"))
        if body is None:
            unreadable.append(str(record.get("messageId")))
            return
        yield from _s3_objects(_unwrap(body), record.get("messageId"))
    elif record.get("eventSource") == "aws:s3":
        yield from _s3_objects({"Records": [record]}, None)


def _unwrap(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """An S3 notification published to SNS arrives in SQS as the SNS message's text."""
    if body.get("Type") == "Notification" and isinstance(body.get("Message"), str):
        return _json(body["Message"]) or {}
    return body


def _s3_objects(notification: Mapping[str, Any], message_id: str | None) -> Iterator[LandedObject]:
    for record in notification.get("Records") or []:
        if not str(record.get("eventName", "")).startswith("ObjectCreated:"):
            continue
        s3 = record.get("s3") or {}
        bucket, key = s3.get("bucket", {}).get("name"), s3.get("object", {}).get("key")
        if isinstance(bucket, str) and isinstance(key, str):
            yield LandedObject(bucket, unquote_plus(key), message_id)


def _json(text: object) -> Mapping[str, Any] | None:
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
