"""MWAA's published limits, as dagforge checks and reproduces them (see docs/mwaa.md).

One definition each: the parse timeouts the local Airflow and the local runner apply, the figure
``validate --env-class`` and the bundle manifest measure against, and the DAG capacity per
environment class.
"""

from __future__ import annotations

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

# InvokeRestApi (the Airflow REST API through the MWAA control plane): the API documents the
# environment name's form and a Path of at most 64 characters; calls are cut at 10 s and answers
# at 6 MB. dagforge holds requests to the same 6 MB (a conf that passes locally passes on MWAA).
INVOKE_REST_API_TIMEOUT = 10.0  # seconds
INVOKE_REST_API_MAX_BYTES = 6 * 1024 * 1024
INVOKE_REST_API_MAX_PATH = 64
ENVIRONMENT_NAME_PATTERN = r"^[a-zA-Z][0-9a-zA-Z_-]{0,79}$"
