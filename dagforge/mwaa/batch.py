"""Batches of DAG runs through a local runner's REST API, and their accounting.

Used by the fault tests and ``bench/runner.py``: trigger runs with fixed run ids and logical dates
(idempotently, so a trigger retried across a database restart never makes a second run), wait for
them while the API may be briefly unavailable, and count what happened: runs started, succeeded,
lost (not successful at the end), and doubled (more than one run for a DAG and logical date).
"""

from __future__ import annotations

import shutil
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from dagforge.api.models import FINISHED
from dagforge.errors import LocalRunnerError
from dagforge.mwaa.runnerclient import ApiClient
from dagforge.settings import CONFIGS_DIR_NAME, DEFAULTS_NAMES

PROJECT_FOLDERS = ("dags", CONFIGS_DIR_NAME, "callables", "dagforge", "schemas", "requirements")

# What a briefly unavailable API looks like (a database restart answers 5xx, a restart refuses).
TRANSIENT = (LocalRunnerError, ConnectionError, TimeoutError, OSError)


@dataclass(frozen=True)
class RunRef:
    dag_id: str
    run_id: str
    logical_date: str  # YYYY-MM-DD


@dataclass(frozen=True)
class Tally:
    started: int
    succeeded: int
    lost: int  # triggered but not successful at the end (or gone)
    duplicated: int  # runs beyond one per DAG and logical date

    def line(self) -> str:
        return (
            f"runs started {self.started}, succeeded {self.succeeded}, lost {self.lost}, "
            f"duplicated {self.duplicated}"
        )


def runs_of(dag_ids: Iterable[str], dates: Sequence[str], prefix: str) -> list[RunRef]:
    """One run per DAG and date, named ``<prefix>__<date>``; dates first, so a batch goes date by
    date."""
    return [RunRef(dag, f"{prefix}__{date}", date) for date in dates for dag in dag_ids]


def retrying(call: Callable[..., Any], *args: Any, timeout: float = 120) -> Any:
    """``call(*args)``, retried while the API is unavailable, for up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call(*args)
        except TRANSIENT:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def unpause(api: ApiClient, dag_ids: Iterable[str]) -> None:
    for dag_id in dag_ids:
        retrying(api.patch, f"/dags/{dag_id}", {"is_paused": False})


def trigger(api: ApiClient, run: RunRef, timeout: float = 120) -> None:
    """Create ``run`` unless it exists: after a failed POST, look before posting again."""
    body = {"dag_run_id": run.run_id, "logical_date": f"{run.logical_date}T00:00:00Z"}

    def once() -> None:
        try:
            api.post(f"/dags/{run.dag_id}/dagRuns", body)
        except TRANSIENT:
            if state_of(api, run) is None:
                raise

    retrying(once, timeout=timeout)


def state_of(api: ApiClient, run: RunRef) -> str | None:
    """The run's state, or None if it does not exist."""
    try:
        return str(api.get(f"/dags/{run.dag_id}/dagRuns/{run.run_id}")["state"])
    except LocalRunnerError as exc:
        if " answered 404" in str(exc):
            return None
        raise


def wait_for(api: ApiClient, runs: Sequence[RunRef], timeout: float) -> dict[RunRef, str]:
    """Poll until every run has finished (or ``timeout``); their last states."""
    states: dict[RunRef, str] = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for run in runs:
            if states.get(run) not in FINISHED:
                states[run] = str(retrying(state_of, api, run))
        if all(states[run] in FINISHED for run in runs):
            break
        time.sleep(1)
    return states


def tally(api: ApiClient, runs: Sequence[RunRef], states: dict[RunRef, str]) -> Tally:
    """Count the batch: duplicates are looked up in each DAG's full list of runs."""
    dates = {(run.dag_id, run.logical_date) for run in runs}
    per_date: Counter[tuple[str, str]] = Counter()
    for dag_id in sorted({run.dag_id for run in runs}):
        listed = retrying(api.get, f"/dags/{dag_id}/dagRuns?limit=1000")["dag_runs"]
        for dag_run in listed:
            key = (dag_id, str(dag_run["logical_date"] or "")[:10])
            per_date[key] += key in dates
    succeeded = sum(states.get(run) == "success" for run in runs)
    return Tally(
        started=len(runs),
        succeeded=succeeded,
        lost=len(runs) - succeeded,
        duplicated=sum(max(0, count - 1) for count in per_date.values()),
    )


def task_instances(api: ApiClient, run: RunRef) -> list[dict[str, Any]]:
    path = f"/dags/{run.dag_id}/dagRuns/{run.run_id}/taskInstances"
    found: list[dict[str, Any]] = retrying(api.get, path)["task_instances"]
    return found


def queued_to_running(instances: Iterable[dict[str, Any]]) -> list[float]:
    """Seconds from queued to running of each task instance that ran."""
    return [
        (_time(ti["start_date"]) - _time(ti["queued_when"])).total_seconds()
        for ti in instances
        if ti.get("queued_when") and ti.get("start_date")
    ]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def project_copy(
    source: Path,
    target: Path,
    default_args: Mapping[str, Any] | None = None,
    dag_files: Mapping[str, str] | None = None,
) -> Path:
    """A copy of the project a runner can bundle, with ``default_args`` changed in its
    ``defaults.yml`` (the fault tests shorten the retry delay) and extra DAG files (the benchmark's
    baseline DAGs)."""
    for folder in PROJECT_FOLDERS:
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(source / folder, target / folder, ignore=ignore, dirs_exist_ok=True)
    defaults = target / CONFIGS_DIR_NAME / DEFAULTS_NAMES[0]
    data = yaml.safe_load(defaults.read_text(encoding="utf-8"))
    data["default_args"] = {**data.get("default_args", {}), **(default_args or {})}
    defaults.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    for name, text in (dag_files or {}).items():
        (target / "dags" / name).write_text(text, encoding="utf-8")
    return target
