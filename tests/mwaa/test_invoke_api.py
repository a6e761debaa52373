"""The local InvokeRestApi endpoint's own refusals, as the real boto3 ``mwaa`` client parses them:
the endpoint runs on a loopback port, boto3 reaches it through botocore's settings alone. Calls
that reach Airflow are in tests/api/test_client.py and tests/mwaa/test_runner_api.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from werkzeug.serving import make_server

from dagforge.demo.s3local import LOOPBACK, free_port
from dagforge.mwaa.invoke_api import InvokeRestApi, Settings, botocore_env

ENV = "dagforge-local"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """The endpoint, forwarding to an API server that is not there."""
    settings = Settings(LOOPBACK, free_port(), ENV, f"http://{LOOPBACK}:{free_port()}", "a", "b")
    server = make_server(LOOPBACK, settings.port, InvokeRestApi(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{LOOPBACK}:{settings.port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def mwaa(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Unchanged boto3 code: no endpoint_url in the code, only botocore's own settings."""
    for key, value in {**botocore_env(endpoint), "AWS_ACCESS_KEY_ID": "x"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # no retries of the 500 below
    return boto3.client("mwaa", region_name="us-east-1")


def test_the_settings_drop_the_env_host_prefix(mwaa: Any, endpoint: str) -> None:
    with pytest.raises(mwaa.exceptions.ResourceNotFoundException, match="other was not found"):
        mwaa.invoke_rest_api(Name="other", Method="GET", Path="/dags")


def test_paths_over_64_characters_are_a_validation_error(mwaa: Any) -> None:
    with pytest.raises(mwaa.exceptions.ValidationException, match="less than or equal to 64"):
        mwaa.invoke_rest_api(Name=ENV, Method="GET", Path="/dags/" + "x" * 60)


def test_an_unreachable_airflow_is_an_internal_error(mwaa: Any) -> None:
    with pytest.raises(mwaa.exceptions.InternalServerException, match="cannot connect"):
        mwaa.invoke_rest_api(Name=ENV, Method="GET", Path="/dags")


def test_an_unsigned_request_is_refused(endpoint: str) -> None:
    answer = httpx.post(f"{endpoint}/restapi/{ENV}", json={"Path": "/dags", "Method": "GET"})
    assert answer.status_code == 403
    assert answer.headers["x-amzn-ErrorType"] == "AccessDeniedException"
