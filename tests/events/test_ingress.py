"""The events handler fed the notification JSON S3 itself writes (tests/events/conftest.py). The
asset events leave through the MWAA transport, stubbed here with the exact request expected;
tests/mwaa/test_runner_api.py runs the same handler against the local runner end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from dagforge.api.client import AirflowClient
from dagforge.api.mwaa import MwaaTransport
from dagforge.errors import EventRoutingError
from dagforge.events.ingress import handle, routes_from
from dagforge.events.notifications import LandedObject
from tests.events.conftest import NAMES
from tests.support.stubs import stubbed_mwaa

ENV, URI = "analytics", "dagforge://landed/orders"


@pytest.fixture
def stub() -> Iterator[Stubber]:
    with stubbed_mwaa("us-east-1") as stubber:
        yield stubber


def _answer(stub: Stubber, body: dict[str, Any]) -> None:
    stub.add_response("invoke_rest_api", {"RestApiStatusCode": 200, "RestApiResponse": body})


def _expect_event(stub: Stubber, key: str, event_id: int) -> None:
    body = {"asset_id": 4, "extra": {"uri": f"s3://events-test/{key}"}}
    answer = {"id": event_id, "asset_id": 4, "uri": URI, "extra": body["extra"], "timestamp": "t"}
    stub.add_response(
        "invoke_rest_api",
        {"RestApiStatusCode": 200, "RestApiResponse": answer},
        {"Name": ENV, "Method": "POST", "Path": "/assets/events", "Body": body},
    )


def test_one_asset_event_per_object_with_its_uri(landed: dict[str, Any], stub: Stubber) -> None:
    stub.add_response(
        "invoke_rest_api", {"RestApiStatusCode": 200, "RestApiResponse": {"version": "3.3.1"}}
    )
    stub.add_response(
        "invoke_rest_api",
        {"RestApiStatusCode": 200, "RestApiResponse": {"assets": [{"id": 4, "uri": URI}]}},
        {
            "Name": ENV,
            "Method": "GET",
            "Path": "/assets",
            "QueryParameters": {"uri_pattern": URI, "limit": 100},
        },
    )
    for number, name in enumerate(NAMES, start=1):
        _expect_event(stub, f"landing/orders/{name}", number)
    api = AirflowClient(MwaaTransport(ENV, client=stub.client))
    result = handle(landed["event"], api, routes_from(json.dumps({"landing/orders/": URI})))
    assert [s["uri"] for s in result["sent"]] == [
        f"s3://events-test/landing/orders/{n}" for n in NAMES
    ]
    assert result["skipped"] == [
        {"uri": "s3://events-test/elsewhere/z.csv", "reason": "no route for this prefix"}
    ]
    assert result["failed"] == {}


def test_a_failed_event_fails_only_its_sqs_message(landed: dict[str, Any], stub: Stubber) -> None:
    stub.add_response(
        "invoke_rest_api", {"RestApiStatusCode": 200, "RestApiResponse": {"version": "2.11.2"}}
    )
    down = {"RestApiStatusCode": 503, "RestApiResponse": {"detail": "down"}}
    stub.add_client_error("invoke_rest_api", "RestApiServerException", modeled_fields=down)
    only_a = {"Records": landed["event"]["Records"][:2]}
    result = handle(
        only_a,
        AirflowClient(MwaaTransport(ENV, client=stub.client)),
        routes_from(json.dumps({"s3://events-test/landing/": URI})),
    )
    assert list(result["failed"]) == [landed["messages"][1]["MessageId"]]
    assert result["sent"] == []


@pytest.mark.parametrize("routes", [None, "[]", '{"landing/": 3}', "{"])
def test_routes_are_a_json_object_of_uris(routes: str | None) -> None:
    with pytest.raises(EventRoutingError, match="DAGFORGE_ASSET_ROUTES must be a JSON object"):
        routes_from(routes)


def test_the_longest_matching_prefix_wins() -> None:
    routes = routes_from(
        json.dumps({"landing/": "a://all", "s3://b/landing/orders/": "a://orders"})
    )
    assert routes.asset_for(LandedObject("b", "landing/orders/x.csv")) == "a://orders"
    assert routes.asset_for(LandedObject("c", "landing/orders/x.csv")) == "a://all"
    assert routes.asset_for(LandedObject("b", "raw/x.csv")) is None


def test_the_lambda_loads_boto3_only() -> None:
    """The handler's import closure: no httpx, Airflow, YAML or jsonschema to package."""
    probe = (
        "import sys, dagforge.events; "
        "print(sorted(m for m in ('httpx', 'airflow', 'yaml', 'jsonschema') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
