"""The CeleryExecutor as MWAA configures it, with the broker on SQS served by the local moto server.

MWAA's images (``images/airflow/<version>/python/mwaa/config/``) point Celery at one predefined SQS
queue, keep the task messages invisible for 12 hours once taken, turn remote control off (SQS has
no broadcast), store results in the metadata database, and size each worker by the environment
class. These settings mirror theirs; kombu's own SQS transport stands in for MWAA's patched copy of
it (which adds metrics and an idle-worker monitor, nothing that changes delivery).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from dagforge.demo.s3local import LocalS3
from dagforge.mwaa.limits import (
    ENV_CLASS_WORKER_CONCURRENCY,
    SQS_VISIBILITY_TIMEOUT,
    TASK_QUEUED_TIMEOUT,
)
from dagforge.mwaa.workerhost import HOSTNAME_CALLABLE, WORKER_NAME_ENV

QUEUE = "celery-queue"  # the name the MWAA images' docker-compose file gives it
LONG_POLL_SECONDS = 10  # kombu's SQS default: a receive waits up to this for a message


def create_queue(sqs: LocalS3) -> str:
    """Create the broker queue on the local server, as ``MWAA__SQS__CREATE_QUEUE`` does."""
    import boto3

    client = boto3.client(
        "sqs",
        endpoint_url=sqs.endpoint_url,
        region_name=sqs.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return str(client.create_queue(QueueName=QUEUE)["QueueUrl"])


def broker_url(sqs: LocalS3) -> str:
    """Celery's ``sqs://host:port`` form of the endpoint (credentials come from the environment)."""
    return f"sqs://{urlsplit(sqs.endpoint_url).netloc}"


def celery_env(sqs: LocalS3, queue_url: str, db_url: str, env_class: str) -> dict[str, str]:
    """Airflow settings for the CeleryExecutor over SQS, and MWAA's worker settings."""
    concurrency = ENV_CLASS_WORKER_CONCURRENCY[env_class]
    transport = {
        "predefined_queues": {QUEUE: {"url": queue_url}, "default": {"url": queue_url}},
        "is_secure": False,
        "region": sqs.region,
        "visibility_timeout": SQS_VISIBILITY_TIMEOUT,
        "wait_time_seconds": LONG_POLL_SECONDS,
    }
    return {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": broker_url(sqs),
        "AIRFLOW__CELERY__EXTRA_CELERY_CONFIG": json.dumps({"broker_transport_options": transport}),
        # Also where Airflow looks before it merges the extra config (else it warns of a default).
        "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": str(SQS_VISIBILITY_TIMEOUT),
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{db_url}",
        "AIRFLOW__CELERY__WORKER_ENABLE_REMOTE_CONTROL": "False",
        "AIRFLOW__CELERY__WORKER_AUTOSCALE": f"{concurrency},{concurrency}",
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(concurrency),
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": QUEUE,
        **mwaa_worker_settings(),
    }


def mwaa_worker_settings() -> dict[str, str]:
    """Settings every MWAA image sets for its scheduler and workers (``mwaa/config/airflow.py``).

    Airflow 3 reads ``execute_tasks_new_python_interpreter`` no more: its task supervisor forks the
    Celery pool process, and the child parses the DAG file itself, so every task still imports the
    loader afresh. The setting is kept so the configuration reads as MWAA's does.
    """
    return {
        "AIRFLOW__CORE__EXECUTE_TASKS_NEW_PYTHON_INTERPRETER": "True",
        "AIRFLOW__SCHEDULER__SCHEDULE_AFTER_TASK_EXECUTION": "False",
        "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": str(TASK_QUEUED_TIMEOUT),
        "AIRFLOW__EXECUTION_API__JWT_EXPIRATION_TIME": "86400",
        "AIRFLOW__TRIGGERER__QUEUES_ENABLED": "False",
    }


def worker_command(python: str, pid_file: str) -> list[str]:
    """``airflow celery worker`` with its own PID file and no log server (every component reads
    task logs from the shared logs folder). No ``--celery-hostname``: Airflow would first ask the
    other workers over a broadcast, which SQS cannot carry (MWAA does not pass it either)."""
    command = ["celery", "worker", "--pid", pid_file, "--skip-serve-logs"]
    return [python, "-m", "airflow", *command, "--without-gossip", "--without-mingle"]


def worker_env(name: str) -> dict[str, str]:
    """A worker's own settings: the host name its task instances report."""
    return {"AIRFLOW__CORE__HOSTNAME_CALLABLE": HOSTNAME_CALLABLE, WORKER_NAME_ENV: name}
