"""Notification JSON as S3 itself writes it: moto's S3 sending to moto's SQS on loopback."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from dagforge.demo.s3local import LocalS3

NAMES = ["a.csv", "b c.csv", "d+e%.csv"]


def sqs_event(messages: list[dict[str, Any]], arn: str) -> dict[str, Any]:
    """What Lambda hands a function for an SQS batch."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }


@pytest.fixture(scope="module")
def landed(local_s3: LocalS3) -> dict[str, Any]:
    """Three files landed in a bucket that notifies an SQS queue, and what the queue received."""
    keys = {"endpoint_url": local_s3.endpoint_url, "region_name": local_s3.region}
    s3, sqs = boto3.client("s3", **keys), boto3.client("sqs", **keys)
    s3.create_bucket(Bucket="events-test")
    queue = sqs.create_queue(QueueName="events-test")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    config = {"QueueArn": arn["QueueArn"], "Events": ["s3:ObjectCreated:*"]}
    s3.put_bucket_notification_configuration(
        Bucket="events-test", NotificationConfiguration={"QueueConfigurations": [config]}
    )
    for name in NAMES:
        s3.put_object(Bucket="events-test", Key=f"landing/orders/{name}", Body=b"x\n")
    s3.put_object(Bucket="events-test", Key="elsewhere/z.csv", Body=b"x\n")
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    return {"event": sqs_event(received, arn["QueueArn"]), "messages": received}
