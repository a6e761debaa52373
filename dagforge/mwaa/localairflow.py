"""Real Airflow on this machine: a project-local AIRFLOW_HOME with SQLite, DAG import and test runs.

Used by ``make demo`` and the end-to-end tests. Airflow reads its configuration when first
imported, so :func:`configure` must run before anything imports ``airflow``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from dagforge.errors import EnvironmentSetupError
from dagforge.mwaa.limits import DAG_FILE_PROCESSOR_TIMEOUT, DAGBAG_IMPORT_TIMEOUT
from dagforge.settings import disable_telemetry

# XCom and trigger payloads may hold objects of these packages only.
DESERIALIZATION_CLASSES = r"(airflow|dagforge|callables)\..*"


def mwaa_parse_settings() -> dict[str, str]:
    """MWAA's parse limits (see docs/mwaa.md), so a loader that is too slow fails here as it would
    there. Airflow 3 moved the processor timeout to ``[dag_processor]``; the installed version picks
    the name."""
    major = int(metadata.version("apache-airflow").split(".", 1)[0])
    section = "DAG_PROCESSOR" if major >= 3 else "CORE"
    return {
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": str(DAGBAG_IMPORT_TIMEOUT),
        f"AIRFLOW__{section}__DAG_FILE_PROCESSOR_TIMEOUT": str(DAG_FILE_PROCESSOR_TIMEOUT),
    }


def airflow_env(home: Path, dags_folder: Path, log_level: str = "WARNING") -> dict[str, str]:
    """Settings for a throw-away local Airflow under ``home`` (SQLite), parsing ``dags_folder``."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": log_level,
        "AIRFLOW__CORE__ALLOWED_DESERIALIZATION_CLASSES_REGEXP": DESERIALIZATION_CLASSES,
        **mwaa_parse_settings(),
    }


def configure(env: dict[str, str]) -> None:
    """Apply ``env`` to this process (before Airflow is imported) and turn telemetry off."""
    os.environ.update(env)
    disable_telemetry()
    if "AIRFLOW_HOME" in env:
        Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)


def fresh_db(home: Path) -> None:
    """A new, migrated SQLite metadata DB (removing the previous one keeps runs reproducible)."""
    (home / "airflow.db").unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise EnvironmentSetupError(f"'airflow db migrate' failed:\n{done.stderr[-2000:]}")


@dataclass(frozen=True)
class ImportResult:
    dags: dict[str, Any]
    errors: dict[str, str]


def import_dags(dags_folder: Path) -> ImportResult:
    """Import ``dags_folder`` with Airflow's own DagBag, as the scheduler's DAG processor does."""
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow 2.x
        from airflow.models.dagbag import DagBag  # type: ignore[no-redef]
    bag = DagBag(dag_folder=str(dags_folder))
    return ImportResult(dict(bag.dags), {str(k): str(v) for k, v in bag.import_errors.items()})


def run_dag(dag: Any, logical_date: datetime) -> str:
    """Run ``dag`` once for ``logical_date`` with ``dag.test()``; returns the run's final state."""
    try:
        run = dag.test(logical_date=logical_date)
    except TypeError:  # Airflow 2.x names it execution_date
        run = dag.test(execution_date=logical_date)
    return str(getattr(run, "state", "unknown"))
