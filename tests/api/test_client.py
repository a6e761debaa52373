"""The client against a running Airflow, over both transports: the API server directly, and the
local InvokeRestApi endpoint through the real boto3 ``mwaa`` client. On Airflow 3 (``make
test``) that is the local runner and API v2; ``make test-compat`` runs the same tests on Airflow
2.11.2, API v1. One Airflow serves the whole session (the ``live`` fixture in tests/conftest.py).
"""

from __future__ import annotations

import uuid

import pytest

from dagforge.api.client import AirflowClient
from dagforge.api.local import LocalTransport
from dagforge.api.mwaa import MwaaTransport
from dagforge.errors import (
    ApiAuthError,
    ApiConflictError,
    ApiNotFoundError,
    ApiTooLargeError,
    DagPausedError,
)
from tests.support.live_airflow import AIRFLOW_MAJOR, LiveAirflow

pytestmark = pytest.mark.airflow
TRANSPORTS = ["local", "mwaa"]


@pytest.fixture(params=TRANSPORTS)
def api(request: pytest.FixtureRequest, live: LiveAirflow) -> AirflowClient:
    return live.client(request.param)


def test_the_api_version_is_the_installed_airflows(api: AirflowClient) -> None:
    assert api.major == AIRFLOW_MAJOR


def test_variables_create_read_update_delete(api: AirflowClient) -> None:
    key = f"test_{uuid.uuid4().hex[:8]}"
    created = api.call("POST", "/variables", body={"key": key, "value": "1", "description": "d"})
    assert created.status == (201 if AIRFLOW_MAJOR >= 3 else 200)  # Airflow's own status
    assert api.variables.set(key, "1") == "unchanged"
    assert api.variables.set(key, "2") == "updated"
    variable = api.variables.get(key)
    assert (variable.value, variable.description) == ("2", "d")  # update_mask kept it
    assert key in api.variables.all_keys()
    api.variables.delete(key)
    assert api.variables.find(key) is None
    with pytest.raises(ApiNotFoundError, match="dagforge variables list"):
        api.variables.delete(key)


def test_trigger_with_conf_and_wait(api: AirflowClient, request: pytest.FixtureRequest) -> None:
    conf = {"note": f"from {request.node.callspec.params['api']}"}
    run = api.trigger("who_split", conf=conf, unpause=True)
    assert run.logical_date is None if AIRFLOW_MAJOR >= 3 else run.logical_date
    done = api.wait("who_split", run.run_id, timeout=300)
    assert (done.state, done.conf) == ("success", conf)
    assert [(t.task_id, t.state) for t in api.task_states("who_split", run.run_id)] == [
        ("split_countries", "success")
    ]
    assert run.run_id in [r.run_id for r in api.runs("who_split", limit=50)]


def test_an_asset_event_is_recorded_on_the_asset_named_by_uri(api: AirflowClient) -> None:
    extra = {"uri": "s3://dagforge-local/landing/web_events/none.jsonl"}
    event = api.asset_event("dagforge://landed/web_events", extra)
    assert event.id > 0 and event.uri == "dagforge://landed/web_events"
    assert event.extra.get("uri") == extra["uri"]
    with pytest.raises(ApiNotFoundError, match="an asset exists once a parsed DAG"):
        api.asset_event("dagforge://landed/no_such_source")


def test_errors_say_what_to_do(api: AirflowClient) -> None:
    with pytest.raises(ApiNotFoundError) as unknown:
        api.trigger("who_splt")
    assert unknown.value.status == 404 and "did you mean 'who_split'?" in unknown.value.hint
    with pytest.raises(DagPausedError, match="add --unpause"):
        api.trigger("landed_web_events")
    runs_before = len(api.runs("who_split", limit=100))
    with pytest.raises(ApiTooLargeError, match="pass large data through S3"):
        api.trigger("who_split", conf={"rows": ["x" * 1000] * 7000})
    assert len(api.runs("who_split", limit=100)) == runs_before  # nothing was sent
    run_id = f"twice_{uuid.uuid4().hex[:8]}"
    api.trigger("who_split", run_id=run_id, unpause=True)
    with pytest.raises(ApiConflictError, match="another --run-id"):
        api.trigger("who_split", run_id=run_id)


def test_a_wrong_password_is_refused_with_the_way_out(live: LiveAirflow) -> None:
    api = AirflowClient(LocalTransport(live.info["api_url"], live.info["username"], "wrong"))
    with pytest.raises(ApiAuthError) as refused:
        api.dag("who_split")
    # Airflow 3 answers 401; Airflow 2 answers 403 for a wrong login, and the hint says so
    assert refused.value.status == (401 if AIRFLOW_MAJOR >= 3 else 403)
    assert "runner.json" in refused.value.hint


def test_a_wrong_environment_name_is_refused_with_the_region(live: LiveAirflow) -> None:
    api = AirflowClient(MwaaTransport("no-such-env", client=live.boto3_mwaa()))
    with pytest.raises(ApiNotFoundError, match="no environment 'no-such-env' in us-east-1"):
        api.dag("who_split")
