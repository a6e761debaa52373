"""The CeleryExecutor's settings as MWAA's images make them, and kombu's SQS transport against the
local moto server with exactly those transport options."""

from __future__ import annotations

import json

from kombu import Connection

from dagforge.demo.s3local import LocalS3
from dagforge.mwaa import localcelery
from dagforge.mwaa.workerhost import HOSTNAME_CALLABLE, WORKER_NAME_ENV

DB = "postgresql+psycopg2://airflow@127.0.0.1:5432/airflow"


def _env(env_class: str = "mw1.small") -> dict[str, str]:
    sqs = LocalS3("http://127.0.0.1:4566")
    return localcelery.celery_env(sqs, "http://127.0.0.1:4566/1/celery-queue", DB, env_class)


def test_celery_over_sqs_with_mwaas_settings() -> None:
    env = _env()
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "sqs://127.0.0.1:4566"
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"] == f"db+{DB}"
    assert env["AIRFLOW__CELERY__WORKER_ENABLE_REMOTE_CONTROL"] == "False"
    assert env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"] == "celery-queue"
    assert env["AIRFLOW__CORE__EXECUTE_TASKS_NEW_PYTHON_INTERPRETER"] == "True"
    transport = json.loads(env["AIRFLOW__CELERY__EXTRA_CELERY_CONFIG"])["broker_transport_options"]
    assert transport["visibility_timeout"] == 43200
    assert transport["predefined_queues"]["celery-queue"]["url"].endswith("/celery-queue")
    assert transport["is_secure"] is False


def test_tasks_per_worker_follow_the_environment_class() -> None:
    assert _env("mw1.small")["AIRFLOW__CELERY__WORKER_AUTOSCALE"] == "5,5"
    assert _env("mw1.medium")["AIRFLOW__CELERY__WORKER_AUTOSCALE"] == "10,10"
    assert _env("mw1.micro")["AIRFLOW__CELERY__WORKER_CONCURRENCY"] == "3"


def test_each_worker_has_its_own_pid_file_and_host_name() -> None:
    command = localcelery.worker_command("python", "/home/celery-worker-2.pid")
    assert command[:5] == ["python", "-m", "airflow", "celery", "worker"]
    assert "--celery-hostname" not in command  # it would broadcast, which SQS cannot carry
    assert command[command.index("--pid") + 1] == "/home/celery-worker-2.pid"
    env = localcelery.worker_env("celery-worker-2")
    assert env == {
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": HOSTNAME_CALLABLE,
        WORKER_NAME_ENV: "celery-worker-2",
    }


def test_kombu_sqs_transport_round_trip_on_the_local_server(local_s3: LocalS3) -> None:
    queue_url = localcelery.create_queue(local_s3)
    env = localcelery.celery_env(local_s3, queue_url, DB, "mw1.small")
    options = json.loads(env["AIRFLOW__CELERY__EXTRA_CELERY_CONFIG"])["broker_transport_options"]
    options["wait_time_seconds"] = 1
    with Connection(env["AIRFLOW__CELERY__BROKER_URL"], transport_options=options) as conn:
        queue = conn.SimpleQueue(localcelery.QUEUE)
        for index in range(5):
            queue.put({"index": index})
        got = []
        for _ in range(5):
            message = queue.get(timeout=10)
            got.append(message.payload["index"])
            message.ack()
        queue.close()
    assert sorted(got) == [0, 1, 2, 3, 4]
