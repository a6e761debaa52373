"""The MWAA transport and the client over it, against botocore's Stubber: the exact InvokeRestApi
requests sent on API v2 and v1, and MWAA's answers and refusals turned into errors that say what
to do. (The control plane cannot run here; the same code runs for real against the local
runner's InvokeRestApi endpoint in tests/api/test_client.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from dagforge.api.client import AirflowClient
from dagforge.api.mwaa import MwaaTransport
from dagforge.errors import (
    ApiAuthError,
    ApiConflictError,
    ApiError,
    ApiNotFoundError,
    ApiTooLargeError,
    DagPausedError,
    TargetError,
)
from tests.support.stubs import stubbed_mwaa

ENV = "analytics-prod"


@pytest.fixture
def stub() -> Iterator[Stubber]:
    with stubbed_mwaa("eu-west-1") as stubber:
        yield stubber


def answers(stub: Stubber, expected: dict[str, Any], status: int, body: Any) -> None:
    stub.add_response(
        "invoke_rest_api",
        {"RestApiStatusCode": status, "RestApiResponse": body},
        {"Name": ENV, **expected},
    )


def refuses(stub: Stubber, expected: dict[str, Any], code: str, **fields: Any) -> None:
    stub.add_client_error(
        "invoke_rest_api",
        service_error_code=code,
        service_message=fields.pop("message", ""),
        http_status_code=fields.pop("http", 400),
        modeled_fields=fields or None,
        expected_params={"Name": ENV, **expected},
    )


def client(stub: Stubber, version: str = "3.3.1") -> AirflowClient:
    answers(stub, {"Method": "GET", "Path": "/version"}, 200, {"version": version})
    api = AirflowClient(MwaaTransport(ENV, client=stub.client))
    assert api.major == int(version[0])  # asked once, first
    return api


def _dag(stub: Stubber, paused: bool = False) -> None:
    answers(stub, {"Method": "GET", "Path": "/dags/who_split"}, 200, {"is_paused": paused})


RUN = {"dag_id": "who_split", "dag_run_id": "r1", "state": "queued", "conf": {"a": 1}}


def test_a_v2_trigger_sends_a_null_logical_date(stub: Stubber) -> None:
    api = client(stub)
    _dag(stub)
    body = {"dag_run_id": "r1", "conf": {"a": 1}, "logical_date": None}
    answers(stub, {"Method": "POST", "Path": "/dags/who_split/dagRuns", "Body": body}, 200, RUN)
    run = api.trigger("who_split", conf={"a": 1}, run_id="r1")
    assert (run.run_id, run.state, run.conf) == ("r1", "queued", {"a": 1})


def test_a_v1_trigger_leaves_the_logical_date_out(stub: Stubber) -> None:
    api = client(stub, "2.11.2")
    _dag(stub)
    body = {"dag_run_id": "r1", "conf": {}}
    answers(stub, {"Method": "POST", "Path": "/dags/who_split/dagRuns", "Body": body}, 200, RUN)
    assert api.trigger("who_split", run_id="r1").run_id == "r1"


def test_a_paused_dag_is_refused_unless_unpause(stub: Stubber) -> None:
    api = client(stub)
    _dag(stub, paused=True)
    with pytest.raises(DagPausedError, match="--unpause"):
        api.trigger("who_split", run_id="r1")
    _dag(stub, paused=True)
    unpause = {"Method": "PATCH", "Path": "/dags/who_split", "Body": {"is_paused": False}}
    answers(stub, {**unpause, "QueryParameters": {"update_mask": ["is_paused"]}}, 200, {})
    body = {"dag_run_id": "r1", "conf": {}, "logical_date": None}
    answers(stub, {"Method": "POST", "Path": "/dags/who_split/dagRuns", "Body": body}, 200, RUN)
    assert api.trigger("who_split", run_id="r1", unpause=True).state == "queued"


def test_asset_events_go_by_id_on_v2_and_by_uri_on_v1(stub: Stubber) -> None:
    api = client(stub)
    listed = {"assets": [{"id": 7, "uri": "dagforge://landed/orders_x"}, {"id": 3, "uri": URI}]}
    query = {"uri_pattern": URI, "limit": 100}
    answers(stub, {"Method": "GET", "Path": "/assets", "QueryParameters": query}, 200, listed)
    body = {"asset_id": 3, "extra": {"uri": "s3://b/k"}}
    event = {"id": 11, "asset_id": 3, "uri": URI, "extra": body["extra"], "timestamp": "t"}
    answers(stub, {"Method": "POST", "Path": "/assets/events", "Body": body}, 200, event)
    assert api.asset_event(URI, {"uri": "s3://b/k"}).id == 11
    old = client(stub, "2.11.2")
    body1 = {"dataset_uri": URI, "extra": {}}
    answers(stub, {"Method": "POST", "Path": "/datasets/events", "Body": body1}, 200, {"id": 5})
    assert old.asset_event(URI).uri == URI


URI = "dagforge://landed/orders"


def test_variable_update_sends_an_update_mask(stub: Stubber) -> None:
    api = client(stub)
    body = {"key": "k", "value": "v"}
    query = {"update_mask": ["value"]}
    expected = {"Method": "PATCH", "Path": "/variables/k", "QueryParameters": query, "Body": body}
    answers(stub, expected, 200, {"key": "k", "value": "v"})
    assert api.variables.update("k", "v").value == "v"


def test_an_airflow_refusal_keeps_its_status_and_detail(stub: Stubber) -> None:
    api = client(stub)
    detail = {"detail": "The Dag with ID: `who_splt` was not found"}
    expected = {"Method": "GET", "Path": "/dags/who_splt"}
    refuses(stub, expected, "RestApiClientException", RestApiStatusCode=404, RestApiResponse=detail)
    page = {"limit": 100, "offset": 0, "order_by": "dag_id"}
    dags = {"dags": [{"dag_id": "who_split"}], "total_entries": 1}
    answers(stub, {"Method": "GET", "Path": "/dags", "QueryParameters": page}, 200, dags)
    with pytest.raises(ApiNotFoundError) as caught:
        api.dag("who_splt")
    assert caught.value.status == 404 and "was not found" in caught.value.detail
    assert "did you mean 'who_split'?" in caught.value.hint


def test_a_run_id_that_exists_is_a_conflict(stub: Stubber) -> None:
    api = client(stub)
    _dag(stub)
    body = {"dag_run_id": "r1", "conf": {}, "logical_date": None}
    expected = {"Method": "POST", "Path": "/dags/who_split/dagRuns", "Body": body}
    refuses(
        stub,
        expected,
        "RestApiClientException",
        RestApiStatusCode=409,
        RestApiResponse={"detail": "exists"},
    )
    with pytest.raises(ApiConflictError, match="pass another --run-id"):
        api.trigger("who_split", run_id="r1")


def test_iam_refusal_names_the_action_and_the_role_arn(stub: Stubber) -> None:
    refuses(
        stub,
        {"Method": "GET", "Path": "/version"},
        "AccessDeniedException",
        http=403,
        message="not authorized",
    )
    with pytest.raises(ApiAuthError) as caught:
        MwaaTransport(ENV, client=stub.client).airflow_version()
    assert "airflow:InvokeRestApi" in caught.value.hint
    assert f"arn:aws:airflow:eu-west-1:ACCOUNT:role/{ENV}/ROLE" in caught.value.hint


def test_an_unknown_environment_names_the_region(stub: Stubber) -> None:
    refuses(stub, {"Method": "GET", "Path": "/version"}, "ResourceNotFoundException", http=404)
    with pytest.raises(ApiNotFoundError, match="no environment 'analytics-prod' in eu-west-1"):
        MwaaTransport(ENV, client=stub.client).airflow_version()


def test_oversized_conf_and_long_paths_are_refused_before_sending(stub: Stubber) -> None:
    api = client(stub)
    _dag(stub)
    with pytest.raises(ApiTooLargeError, match="pass large data through S3"):
        api.trigger("who_split", conf={"blob": "x" * (6 * 1024 * 1024)}, run_id="r1")
    with pytest.raises(ApiError, match="at most 64 characters"):
        api.trigger("d" * 60)


def test_a_run_whose_path_is_too_long_for_mwaa_is_found_by_listing(stub: Stubber) -> None:
    api, run_id = client(stub), "manual__2024-03-05T00:00:00+00:00"
    query = {"run_id_pattern": run_id, "limit": 100}
    listed = {"dag_runs": [{**RUN, "dag_run_id": run_id, "state": "success"}]}
    expected = {"Method": "GET", "Path": "/dags/who_country_NA/dagRuns", "QueryParameters": query}
    answers(stub, expected, 200, listed)
    assert api.run("who_country_NA", run_id).state == "success"


def test_environment_names_follow_mwaa_rules() -> None:
    with pytest.raises(TargetError, match="not an MWAA environment name"):
        MwaaTransport("1-starts-with-a-digit", client=object())


def test_lists_are_read_page_by_page(stub: Stubber) -> None:
    api = client(stub, "2.11.2")
    first = [{"key": f"k{n:03}"} for n in range(100)]
    for offset, items in ((0, first), (100, [{"key": "k100"}])):
        query = {"limit": 100, "offset": offset, "order_by": "key"}
        body = {"variables": items, "total_entries": 101}
        answers(stub, {"Method": "GET", "Path": "/variables", "QueryParameters": query}, 200, body)
    keys = api.variables.all_keys()
    assert len(keys) == 101 and keys[-1] == "k100"
