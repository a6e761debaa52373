"""The Lambda handler: S3 notifications in, one Airflow asset event per object out.

Each object created under a routed prefix becomes an asset event on the prefix's asset, with
``extra={"uri": "s3://bucket/key"}``, sent through the MWAA transport (``InvokeRestApi``). The
settings come from the Lambda's environment: ``DAGFORGE_MWAA_ENV`` (the environment name) and
``DAGFORGE_ASSET_ROUTES`` (JSON: ``{"s3://bucket/landing/orders/": "dagforge://landed/orders"}``;
a key without ``s3://`` is a prefix in any bucket; the longest matching prefix wins). The region is
the Lambda's own (``AWS_REGION``).

Invoked from SQS, a message whose object could not be sent is reported in
``batchItemFailures`` (enable *ReportBatchItemFailures* on the event source mapping), so only that
message is retried; invoked by S3 directly, a failure raises and Lambda retries the event.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dagforge.api.client import AirflowClient
from dagforge.api.mwaa import MwaaTransport
from dagforge.errors import ApiError, EventRoutingError
from dagforge.events.notifications import LandedObject, landed_objects
from dagforge.settings import EVENTS_ENVIRONMENT_ENV, EVENTS_ROUTES_ENV

_clients: dict[str, AirflowClient] = {}  # one per environment, kept across warm invocations


@dataclass(frozen=True)
class Routes:
    """Prefix (``s3://bucket/prefix`` or ``prefix``) → asset URI."""

    prefixes: dict[str, str]

    def asset_for(self, found: LandedObject) -> str | None:
        matches = [
            prefix
            for prefix in self.prefixes
            if found.uri.startswith(prefix)
            or (not prefix.startswith("s3://") and found.key.startswith(prefix))
        ]
        return self.prefixes[max(matches, key=len)] if matches else None


def routes_from(text: str | None) -> Routes:
    """The routes setting, refused with the form it takes when missing or malformed."""
    form = f'{EVENTS_ROUTES_ENV} must be a JSON object {{"s3://bucket/prefix/": "asset URI"}}'
    try:
        value = json.loads(text or "")
    except json.JSONDecodeError as exc:
        raise EventRoutingError(f"{form}: {exc.msg}") from exc
    if (
        not isinstance(value, dict)
        or not value
        or not all(isinstance(v, str) for v in value.values())
    ):
        raise EventRoutingError(form)
    return Routes({str(k): v for k, v in value.items()})


def client_for(environment: str) -> AirflowClient:
    if environment not in _clients:
        _clients[environment] = AirflowClient(MwaaTransport(environment))
    return _clients[environment]


def handle(event: Mapping[str, Any], client: AirflowClient, routes: Routes) -> dict[str, Any]:
    """Send one asset event per landed object; return what was sent, skipped and failed (by SQS
    message id; ``None`` for objects S3 reported directly)."""
    objects, unreadable = landed_objects(event)
    sent: list[dict[str, Any]] = []
    skipped = [{"message_id": m, "reason": "not an S3 notification"} for m in unreadable]
    failed: dict[str | None, ApiError] = {}
    for found in objects:
        asset = routes.asset_for(found)
        if asset is None:
            skipped.append({"uri": found.uri, "reason": "no route for this prefix"})
            continue
        try:
            event_ = client.asset_event(asset, {"uri": found.uri})
        except ApiError as exc:
            failed.setdefault(found.message_id, exc)
            continue
        sent.append({"asset": asset, "uri": found.uri, "event_id": event_.id})
    return {"sent": sent, "skipped": skipped, "failed": failed}


def handler(event: Mapping[str, Any], context: object = None) -> dict[str, Any]:
    """The Lambda entry point (``dagforge.events.handler``)."""
    environment = os.environ.get(EVENTS_ENVIRONMENT_ENV)
    if not environment:
        raise EventRoutingError(f"set {EVENTS_ENVIRONMENT_ENV} to the MWAA environment's name")
    result = handle(event, client_for(environment), routes_from(os.environ.get(EVENTS_ROUTES_ENV)))
    for line in [
        *(f"sent {s['uri']} -> {s['asset']}" for s in result["sent"]),
        *map(str, result["skipped"]),
    ]:
        print(line)  # Lambda's log (CloudWatch)
    failed: dict[str | None, ApiError] = result.pop("failed")
    if None in failed:  # invoked by S3 directly: fail the invocation, Lambda retries it
        raise failed[None]
    for message_id, error in failed.items():
        print(f"failed message {message_id}: {error.format()}")
    return {**result, "batchItemFailures": [{"itemIdentifier": m} for m in failed]}
