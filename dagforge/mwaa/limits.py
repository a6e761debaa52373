"""MWAA's published limits, as dagforge checks and reproduces them (see docs/mwaa.md).

One definition each: the parse timeouts the local Airflow and the local runner apply, the figure
``validate --env-class`` and the bundle manifest measure against, and the DAG capacity per
environment class.
"""

from __future__ import annotations

import re

DAGBAG_IMPORT_TIMEOUT = 30  # seconds per DAG file: core.dagbag_import_timeout
DAG_FILE_PROCESSOR_TIMEOUT = 50  # seconds: dag_processor.dag_file_processor_timeout
MIN_FILE_PROCESS_INTERVAL = 30  # seconds between parses of one file

# DAGs an environment class is sized for (AWS's guidance; medium is given as 200–250).
ENV_CLASS_CAPACITY = {
    "mw1.micro": 25,
    "mw1.small": 50,
    "mw1.medium": 200,
    "mw1.large": 1000,
    "mw1.xlarge": 2000,
    "mw1.2xlarge": 4000,
}

# Concurrent tasks per Celery worker (``celery.worker_autoscale``) by environment class: AWS's
# defaults, which the local runner's workers take from ``--env-class``.
ENV_CLASS_WORKER_CONCURRENCY = {
    "mw1.micro": 3,
    "mw1.small": 5,
    "mw1.medium": 10,
    "mw1.large": 20,
    "mw1.xlarge": 40,
    "mw1.2xlarge": 80,
}
DEFAULT_ENV_CLASS = "mw1.small"
# The SQS broker's visibility timeout in the MWAA images (12 h): a message a dead worker held is
# not redelivered; the scheduler detects the dead task by its missing heartbeat and retries it.
SQS_VISIBILITY_TIMEOUT = 43200
TASK_QUEUED_TIMEOUT = 1800  # seconds: scheduler.task_queued_timeout in the MWAA images

# InvokeRestApi (the Airflow REST API through the MWAA control plane): the API documents the
# environment name's form and a Path of at most 64 characters; calls are cut at 10 s and answers
# at 6 MB. dagforge holds requests to the same 6 MB (a conf that passes locally passes on MWAA).
INVOKE_REST_API_TIMEOUT = 10.0  # seconds
INVOKE_REST_API_MAX_BYTES = 6 * 1024 * 1024
INVOKE_REST_API_MAX_PATH = 64
ENVIRONMENT_NAME_PATTERN = r"^[a-zA-Z][0-9a-zA-Z_-]{0,79}$"
ENVIRONMENT_NAME_RULE = "a letter, then up to 79 letters, digits, '-' or '_'"


def valid_environment_name(name: str) -> bool:
    return re.match(ENVIRONMENT_NAME_PATTERN, name) is not None
