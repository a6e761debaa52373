"""S3 notifications as Lambda receives them: direct, in SQS batches, wrapped by SNS; URL-encoded
keys; S3's test event; redeliveries."""

from __future__ import annotations

import json
from typing import Any

from dagforge.events.notifications import LandedObject, landed_objects
from tests.events.conftest import NAMES


def test_sqs_batches_of_s3_notifications_name_each_object_once(landed: dict[str, Any]) -> None:
    event = landed["event"]
    doubled = {"Records": event["Records"] + event["Records"]}  # SQS redelivers
    objects, unreadable = landed_objects(doubled)
    assert [o.key for o in objects] == [*(f"landing/orders/{n}" for n in NAMES), "elsewhere/z.csv"]
    assert unreadable == []
    assert "s3:TestEvent" in landed["messages"][0]["Body"]  # S3's first message names nothing


def test_direct_and_sns_wrapped_notifications_too(landed: dict[str, Any]) -> None:
    s3_body = json.loads(landed["messages"][1]["Body"])
    direct, _ = landed_objects({"Records": s3_body["Records"]})
    sns = {"Type": "Notification", "Message": landed["messages"][1]["Body"]}
    wrapped, _ = landed_objects(
        {"Records": [{"eventSource": "aws:sqs", "messageId": "m", "body": json.dumps(sns)}]}
    )
    assert direct == [LandedObject("events-test", "landing/orders/a.csv")]
    assert wrapped == [LandedObject("events-test", "landing/orders/a.csv", "m")]


def test_a_message_that_is_not_json_is_reported() -> None:
    record = {"eventSource": "aws:sqs", "messageId": "m9", "body": "hello"}
    assert landed_objects({"Records": [record]}) == ([], ["m9"])
