"""The local runner operated as a team operates MWAA, against the runner the session shares (the
``live`` fixture): runner.json, the CLI (trigger, runs, variables and sync), unchanged boto3 code
through the InvokeRestApi endpoint, every shipped family run without a logical date, and the S3
→ SQS → Lambda handler → asset event → data-aware DAG chain, idempotent when replayed."""

from __future__ import annotations

import json
import os
import stat
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from dagforge.api.client import AirflowClient
from dagforge.cli import main
from dagforge.demo import sampledata_sources
from dagforge.events import handler
from dagforge.mwaa.runner_api import INVOKE_COMPONENT
from tests.events.conftest import sqs_event
from tests.support.live_airflow import DUMMY_AWS, LiveAirflow


def cli(live: LiveAirflow, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main([*args, "--runner-home", str(live.home)])
    return code, capsys.readouterr().out


def test_runner_json_says_how_to_reach_everything(live: LiveAirflow) -> None:
    info, path = live.info, live.home / "runner.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds the login
    assert info["api_url"].startswith("http://127.0.0.1:") and info["username"] == "admin"
    assert info["environment_name"] == "dagforge-local"
    assert info["botocore_env"] == {
        "AWS_ENDPOINT_URL_MWAA": info["invoke_rest_api_url"],
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
    }
    assert {"api-server", "scheduler", "dag-processor", "triggerer", INVOKE_COMPONENT} <= set(
        info["pids"]
    )
    for pid in info["pids"].values():
        os.kill(pid, 0)  # each one is running


def test_the_runner_holds_the_local_profile(
    live: LiveAirflow, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = cli(live, capsys, "variables", "get", "dagforge_data_bucket")
    assert (code, out.strip()) == (0, live.info["data_bucket"])


def test_cli_trigger_waits_and_reports_json(
    live: LiveAirflow, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["trigger", "who_split", "--conf", '{"source": "cli"}', "--unpause", "--wait"]
    code, out = cli(live, capsys, *args, "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["run"]["state"] == "success"
    assert report["run"]["logical_date"] is None and report["run"]["conf"] == {"source": "cli"}
    assert report["tasks"] == [
        {"task_id": "split_countries", "state": "success", "try_number": 1, "map_index": -1}
    ]
    code, out = cli(live, capsys, "runs", "who_split")
    assert code == 0 and report["run"]["run_id"] in out


def test_variables_sync_dry_run_apply_check_prune(
    live: LiveAirflow, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    declared = tmp_path / "variables.yml"
    declared.write_text(
        "profiles: [local, qa]\nvariables:\n"
        "  dagforge_data_bucket: {values: {local: dagforge-local, qa: dagforge-local}}\n"
        "  qa_limits: {value: {rows: 10}, description: row limits}\n"
        "  qa_api_token: {secret: true}\n"
    )
    sync = ["variables", "sync", "--profile", "qa", "--file", str(declared)]
    assert cli(live, capsys, *sync, "--check")[0] == 1
    code, out = cli(live, capsys, *sync)
    assert code == 0 and "qa_limits             create  '{\"rows\": 10}'" in out
    assert "(dry run: --apply makes them)" in out
    assert cli(live, capsys, *sync, "--check")[0] == 1  # a dry run changed nothing
    assert cli(live, capsys, *sync, "--apply")[0] == 0
    code, out = cli(live, capsys, *sync, "--check")
    assert code == 0 and out.endswith("in step: nothing to change\n")
    assert cli(live, capsys, "variables", "set", "qa_stray", "x")[1] == "qa_stray: created\n"
    code, out = cli(live, capsys, *sync, "--prune", "--apply", "--format", "json")
    actions = {c["key"]: c["action"] for c in json.loads(out)["changes"]}
    assert actions["qa_stray"] == "delete" and actions["qa_api_token"] == "skip"
    code, out = cli(live, capsys, "variables", "list", "--format", "json")
    assert "qa_stray" not in {v["key"] for v in json.loads(out)}
    cli(live, capsys, "variables", "delete", "qa_limits")


def test_unchanged_boto3_code_reaches_the_runner(
    live: LiveAirflow, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in live.aws_env().items():
        monkeypatch.setenv(key, value)
    mwaa = boto3.client("mwaa")  # the code a team runs on AWS, unchanged
    body = {"key": "boto3_check", "value": "1"}
    created = mwaa.invoke_rest_api(
        Name="dagforge-local", Method="POST", Path="/variables", Body=body
    )
    assert created["RestApiStatusCode"] == 201 and created["RestApiResponse"]["value"] == "1"
    with pytest.raises(mwaa.exceptions.RestApiClientException) as refused:
        mwaa.invoke_rest_api(Name="dagforge-local", Method="GET", Path="/dags/who_splt")
    assert refused.value.response["RestApiStatusCode"] == 404
    assert "was not found" in refused.value.response["RestApiResponse"]["detail"]
    mwaa.invoke_rest_api(Name="dagforge-local", Method="DELETE", Path="/variables/boto3_check")


def test_every_shipped_family_runs_without_a_logical_date(live: LiveAirflow) -> None:
    api = live.client()
    api.unpause("who_country_NA")
    split = api.trigger("who_split", unpause=True)
    api.wait("who_split", split.run_id, timeout=300)
    country = _asset_run(api, "who_country_NA", after=split.run_id)
    assert api.wait("who_country_NA", country, timeout=300).state == "success"
    today = datetime.now(UTC).date()  # what an API run without a logical date takes as its ds
    name, data = sampledata_sources.landed_file("orders", today, 30)
    _s3(live).put_object(
        Bucket=live.info["data_bucket"], Key=f"landing/orders/date={today}/{name}", Body=data
    )
    ingest = api.trigger("ingest_orders", unpause=True)
    assert api.wait("ingest_orders", ingest.run_id, timeout=300).state == "success"


def test_s3_events_run_the_data_aware_dag_once_per_file(
    live: LiveAirflow, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, bucket, s3 = live.client(), live.info["data_bucket"], _s3(live)
    api.unpause("landed_orders")
    event, keys = _land_three_files(live, s3, bucket)
    routes = {f"s3://{bucket}/landing/orders/": "dagforge://landed/orders"}
    for key, value in {
        **live.aws_env(),
        "DAGFORGE_MWAA_ENV": "dagforge-local",
        "DAGFORGE_ASSET_ROUTES": json.dumps(routes),
    }.items():
        monkeypatch.setenv(key, value)
    result = handler(event, None)
    assert [s["uri"] for s in result["sent"]] == [f"s3://{bucket}/{k}" for k in keys]
    assert result["batchItemFailures"] == []
    markers = _wait_for_markers(s3, bucket, 3)
    ingested = [json.loads(s3.get_object(Bucket=bucket, Key=m)["Body"].read()) for m in markers]
    assert sorted(m["key"] for m in ingested) == sorted(keys)
    assert sum(m["rows"] for m in ingested) == 3 * 20
    before = {m: s3.head_object(Bucket=bucket, Key=m)["ETag"] for m in markers}
    runs = len(api.runs("landed_orders", limit=100))
    handler(event, None)  # SQS delivers at least once: the same batch again
    replay = _new_run(api, "landed_orders", runs)
    assert api.wait("landed_orders", replay, timeout=300).state == "success"
    assert {m: s3.head_object(Bucket=bucket, Key=m)["ETag"] for m in markers} == before


def _aws(live: LiveAirflow, service: str) -> Any:
    """A boto3 client of the runner's local S3 (moto also serves SQS there)."""
    keys = {
        "aws_access_key_id": DUMMY_AWS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": DUMMY_AWS["AWS_SECRET_ACCESS_KEY"],
    }
    return boto3.client(
        service, endpoint_url=live.info["s3_endpoint_url"], region_name="us-east-1", **keys
    )


def _s3(live: LiveAirflow) -> Any:
    return _aws(live, "s3")


def _land_three_files(live: LiveAirflow, s3: Any, bucket: str) -> tuple[dict[str, Any], list[str]]:
    sqs = _aws(live, "sqs")
    queue = sqs.create_queue(QueueName="landed-orders")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    rule = {"Name": "prefix", "Value": "landing/orders/events/"}
    config = {
        "QueueArn": arn,
        "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [rule]}},
    }
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [config]}
    )
    keys = [f"landing/orders/events/{name}" for name in ("a.csv", "b c.csv", "d+e.csv")]
    for day, key in enumerate(keys, start=1):
        _, data = sampledata_sources.landed_file("orders", datetime(2024, 3, day).date(), 20)
        s3.put_object(Bucket=bucket, Key=key, Body=data)
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    return sqs_event(messages, arn), keys


def _wait_for_markers(s3: Any, bucket: str, count: int, timeout: float = 300) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listed = s3.list_objects_v2(Bucket=bucket, Prefix="raw/orders/_landed/").get("Contents", [])
        if len(listed) >= count:
            return sorted(item["Key"] for item in listed)
        time.sleep(2)
    raise AssertionError(f"fewer than {count} files ingested within {timeout:.0f} s")


def _asset_run(api: AirflowClient, dag_id: str, after: str, timeout: float = 120) -> str:
    """The asset-triggered run of ``dag_id`` the producer's run ``after`` caused."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for run in api.runs(dag_id, limit=5):
            if run.run_type == "asset_triggered":
                return run.run_id
        time.sleep(2)
    raise AssertionError(f"{dag_id} was not triggered by its asset after {after}")


def _new_run(api: AirflowClient, dag_id: str, known: int, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = api.runs(dag_id, limit=100)
        if len(runs) > known:
            return runs[0].run_id
        time.sleep(2)
    raise AssertionError(f"no new run of {dag_id} within {timeout:.0f} s")
