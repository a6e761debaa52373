"""Time one DAG file's import the way Airflow's DAG processor does: a fresh process, imports warm.

Used by ``dagforge validate --env-class`` (the loader against MWAA's 30 s import timeout), by the
MWAA bundle manifest, and by ``bench/parse.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dagforge.errors import ImportTimingError
from dagforge.settings import OFFLINE_ENV


@dataclass(frozen=True)
class ParseTiming:
    seconds: float
    peak_bytes: int
    dags: int


def quiet_env(airflow_home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment for a throw-away Airflow home, quiet and offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("_AIRFLOW_PARSING_CONTEXT")}
    env.update(
        {
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR",
            "PYTHONWARNINGS": "ignore",
            **OFFLINE_ENV,
        }
    )
    env.update(extra or {})
    return env


def time_dag_file(dag_file: Path, env: Mapping[str, str], *, memory: bool = False) -> ParseTiming:
    """Execute ``dag_file`` once in a fresh interpreter and time it (or trace its peak memory)."""
    dag_file = dag_file.resolve()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dagforge.mwaa.timed_import",
            str(dag_file),
            "memory" if memory else "time",
        ],
        env=dict(env),
        cwd=dag_file.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ImportTimingError(dag_file, done.stderr)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return ParseTiming(float(data["seconds"]), int(data["peak_bytes"]), int(data["dags"]))
