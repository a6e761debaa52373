"""callables.notify: SNS through the amazon provider (read back from the local moto server) and a
webhook through an Airflow HTTP connection (received by a local server); then a real failing task
in real Airflow that triggers both, with callbacks written in dag-factory's two forms."""

from __future__ import annotations

import json
import os
import textwrap
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from callables import notify
from dagforge.demo.s3local import LocalS3
from tests.support.webhook import Recorder, webhook_server


@pytest.fixture
def topic(local_s3: LocalS3) -> Iterator[tuple[str, Any, str]]:
    """An SNS topic with an SQS queue subscribed: ``(topic ARN, SQS client, queue URL)``."""
    sns = boto3.client("sns", endpoint_url=local_s3.endpoint_url, region_name=local_s3.region)
    sqs = boto3.client("sqs", endpoint_url=local_s3.endpoint_url, region_name=local_s3.region)
    name = f"alerts-{uuid.uuid4().hex[:8]}"
    arn = sns.create_topic(Name=name)["TopicArn"]
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)
    yield arn, sqs, queue
    sns.delete_topic(TopicArn=arn)
    sqs.delete_queue(QueueUrl=queue)


def _published(sqs: Any, queue: str, expected: int = 1) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for _ in range(10):
        answer = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        messages += [json.loads(m["Body"]) for m in answer.get("Messages", [])]
        if len(messages) >= expected:
            break
    return messages


@pytest.fixture
def webhook() -> Iterator[Recorder]:
    with webhook_server() as recorder:
        saved = os.environ.get("AIRFLOW_CONN_DAGFORGE_ALERTS")
        os.environ["AIRFLOW_CONN_DAGFORGE_ALERTS"] = recorder.connection_uri()
        yield recorder
        if saved is None:
            os.environ.pop("AIRFLOW_CONN_DAGFORGE_ALERTS", None)
        else:
            os.environ["AIRFLOW_CONN_DAGFORGE_ALERTS"] = saved


def _task_context(state: str = "failed") -> dict[str, Any]:
    ti = SimpleNamespace(
        dag_id="ingest_orders",
        task_id="landing_to_raw",
        state=state,
        try_number=2,
        log_url="http://127.0.0.1:8080/dags/ingest_orders/runs/r1/tasks/landing_to_raw",
    )
    return {
        "ti": ti,
        "dag": SimpleNamespace(dag_id="ingest_orders"),
        "run_id": "r1",
        "logical_date": datetime(2024, 3, 1, tzinfo=UTC),
        "exception": ValueError("line 7: 'x1' is not int64"),
    }


def test_the_event_of_a_task_and_of_a_dag_run() -> None:
    task = notify.event(_task_context())
    assert notify.summary(task) == (
        "ingest_orders.landing_to_raw failed (try 2): ValueError: line 7: 'x1' is not int64"
    )
    run = SimpleNamespace(state="failed", run_id="r1")
    dag = notify.event({"dag_run": run, "reason": "task_failure", "ti": task, "dag": None})
    assert notify.summary({**dag, "dag_id": "ingest_orders"}) == (
        "ingest_orders failed (task_failure)"
    )


def test_sns_publishes_through_the_provider(topic: tuple[str, Any, str]) -> None:
    arn, sqs, queue = topic
    notify.sns(_task_context(), topic_arn=arn)
    [envelope] = _published(sqs, queue)
    assert envelope["Subject"].startswith("ingest_orders.landing_to_raw failed (try 2)")
    assert "error: ValueError: line 7: 'x1' is not int64" in envelope["Message"]
    assert envelope["MessageAttributes"]["state"]["Value"] == "failed"


def test_sns_takes_the_topic_from_a_variable(
    topic: tuple[str, Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    arn, sqs, queue = topic
    monkeypatch.setenv(f"AIRFLOW_VAR_{notify.TOPIC_VARIABLE.upper()}", arn)
    notify.sns(_task_context("up_for_retry"))
    [envelope] = _published(sqs, queue)
    assert "up_for_retry" in envelope["Subject"]


def test_webhook_posts_slack_text_and_events(webhook: Recorder) -> None:
    notify.webhook(_task_context())
    notify.webhook(_task_context(), endpoint="/hooks/data", style="event")
    slack, event = webhook.requests
    assert slack.path == "/" and slack.json()["text"].startswith(
        "*ingest_orders.landing_to_raw failed (try 2): ValueError"
    )
    assert "|task log>" in slack.json()["text"]
    assert event.path == "/hooks/data" and event.json()["state"] == "failed"
    assert event.headers["Content-Type"] == "application/json"


def test_a_webhook_that_answers_an_error_fails_loudly(webhook: Recorder) -> None:
    from airflow.exceptions import AirflowException

    webhook.status = 500
    with pytest.raises(AirflowException, match="500"):
        notify.webhook(_task_context())


DAG_FILE = """
from datetime import UTC, datetime

from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from dagfactory.dagbuilder import DagBuilder


def callback(value):
    # dag-factory's own resolution of a YAML callback value: a dotted string, or a mapping with
    # 'callback' and the parameters it binds with functools.partial
    return DagBuilder.set_callback({{"on_failure_callback": value}}, "on_failure_callback")


def land():
    raise ValueError("line 7: 'x1' is not int64")


with DAG(
    "notify_e2e",
    schedule=None,
    start_date=datetime(2024, 1, 1, tzinfo=UTC),
    on_failure_callback=callback({{"callback": "callables.notify.webhook", "style": "event"}}),
):
    PythonOperator(
        task_id="landing_to_raw",
        python_callable=land,
        retries=0,
        on_failure_callback=[
            callback({{"callback": "callables.notify.sns", "topic_arn": "{arn}"}}),
            callback("callables.notify.webhook"),
        ],
    )
"""


def test_a_failing_task_triggers_both_notifiers(
    tmp_path: Path,
    topic: tuple[str, Any, str],
    webhook: Recorder,
    airflow_db: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arn, sqs, queue = topic
    (tmp_path / "notify_e2e.py").write_text(textwrap.dedent(DAG_FILE.format(arn=arn)))
    bundle = {
        "name": "dags-folder",
        "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
        "kwargs": {"path": str(tmp_path)},
    }
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps([bundle]))
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(str(tmp_path)).dags["notify_e2e"]
    run = dag.test(logical_date=datetime(2024, 3, 1, tzinfo=UTC))
    assert str(run.state) == "failed"
    [envelope] = _published(sqs, queue)
    assert envelope["Subject"] == (
        "notify_e2e.landing_to_raw failed (try 1): ValueError: line 7: 'x1' is not int64"
    )
    task_post, run_post = sorted(webhook.requests, key=lambda r: "text" not in r.json())
    assert task_post.json()["text"].startswith("*notify_e2e.landing_to_raw failed (try 1)")
    assert run_post.json() == {
        "dag_id": "notify_e2e",
        "logical_date": "2024-03-01 00:00:00+00:00",
        "reason": "task_failure",
        "run_id": run.run_id,
        "state": "failed",
    }
