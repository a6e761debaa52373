"""Real Airflow on this machine: a project-local AIRFLOW_HOME with SQLite, DAG import and test runs.

Used by ``make demo`` and the end-to-end tests. Airflow reads its configuration when first
imported, so :func:`configure` must run before anything imports ``airflow``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from dagforge.errors import EnvironmentSetupError
from dagforge.mwaa.limits import DAG_FILE_PROCESSOR_TIMEOUT, DAGBAG_IMPORT_TIMEOUT
from dagforge.settings import disable_telemetry

_EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\w*: ")
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
    """A new, migrated SQLite metadata DB (removing the previous one keeps runs reproducible).

    The first migration of an Airflow version is kept beside it (``airflow-<version>-empty.db``)
    and copied afterwards: a copy takes milliseconds, ``airflow db migrate`` several seconds."""
    database = home / "airflow.db"
    empty = home / f"airflow-{metadata.version('apache-airflow')}-empty.db"
    database.unlink(missing_ok=True)
    if empty.is_file():
        shutil.copyfile(empty, database)
        return
    done = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise EnvironmentSetupError(f"'airflow db migrate' failed:\n{done.stderr[-2000:]}")
    shutil.copyfile(database, empty)


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


@contextmanager
def output_to(log: Path) -> Iterator[None]:
    """Send this process's standard output (file descriptor 1, so Airflow's own handlers too) to
    the end of ``log`` for the block: Airflow and the task logs print there, not on stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    with log.open("ab") as target:
        os.dup2(target.fileno(), 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


@dataclass
class RunOutcome:
    """One local run: its state, each task's state and seconds, and what the run printed."""

    dag_id: str
    state: str
    seconds: float
    tasks: list[tuple[str, str, float]] = field(default_factory=list)
    log: str = ""

    @property
    def failed_tasks(self) -> list[str]:
        return [task for task, state, _ in self.tasks if state not in ("success", "skipped")]

    def timings(self) -> str:
        """``extract 0.4 s, load 1.2 s``: each task's state when not a success, and its time."""
        return ", ".join(
            f"{task} {'' if state == 'success' else state + ' '}{seconds:.1f} s"
            for task, state, seconds in self.tasks
        )

    def describe(self) -> str:
        """``ingest_orders: success (1.2 s: landing_to_raw 0.9 s)``."""
        return f"{self.dag_id}: {self.state} ({self.seconds:.1f} s: {self.timings()})"

    def error(self) -> str:
        """The last exception line the run printed (``ContractError: ...``), if any."""
        found = [line for line in self.log.splitlines() if _EXCEPTION_LINE.match(line)]
        return found[-1] if found else ""

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.splitlines()[-lines:])


def run_locally(
    dag: Any, logical_date: datetime, log: Path, conf: Mapping[str, Any] | None = None
) -> RunOutcome:
    """Run ``dag`` once with ``dag.test()``, retries off (a failure shows at once instead of after
    ``retry_delay``), its output appended to ``log``; returns the outcome with each task's time."""
    for task in dag.tasks:
        task.retries = 0
    start, started = log.stat().st_size if log.exists() else 0, time.monotonic()
    with output_to(log):
        try:
            run = dag.test(logical_date=logical_date, run_conf=dict(conf or {}))
        except TypeError:  # Airflow 2.x names it execution_date
            run = dag.test(execution_date=logical_date, run_conf=dict(conf or {}))
    instances = sorted(run.get_task_instances(), key=lambda ti: str(ti.start_date or "~"))
    tasks = [
        (ti.task_id, str(getattr(ti.state, "value", ti.state)), float(ti.duration or 0))
        for ti in instances
    ]
    with log.open("rb") as written:
        written.seek(start)
        printed = written.read().decode(errors="replace")
    state = str(getattr(run.state, "value", run.state))
    return RunOutcome(dag.dag_id, state, time.monotonic() - started, tasks, printed)
