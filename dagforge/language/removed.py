"""Keys and operators that dag-factory 1.0, Airflow 3 or dagforge removed, with their replacements.

One table read by the schema-error translation (the problem and its hint), ``migrate`` (the edit),
and the Airflow version table in :mod:`dagforge.checks.compat` (which keys still work on Airflow 2).
Each hint is computed from the value written, so it can be pasted as is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from dagforge.language.values import format_duration

MWAA_DAGS = PurePosixPath("/usr/local/airflow/dags")
SECONDS_SUFFIX = re.compile(r"_(secs?|seconds)$")
EMPTY_OPERATOR = "airflow.providers.standard.operators.empty.EmptyOperator"


@dataclass(frozen=True)
class Removed:
    """A removed key: why, and either the key that replaces it or why the line can simply go."""

    why: str
    rename: str | None = None  # the same value under this key
    drop: str | None = None  # why deleting the line loses nothing
    airflow2: bool = False  # Airflow 2 still reads it (the compat table's "until Airflow 3" rows)
    level: Literal["dag", "task"] = "dag"
    # dag-factory 1.1 still reads it on Airflow 3 (validate warns, see checks/dag_keys.py);
    # ``dagforge migrate`` rewrites it all the same.
    accepted: bool = False


REMOVED: dict[str, Removed] = {
    "schedule_interval": Removed(
        "removed in Airflow 3 and dag-factory 1.0", rename="schedule", airflow2=True
    ),
    "concurrency": Removed("removed in Airflow 3", rename="max_active_tasks", accepted=True),
    "task_concurrency": Removed(
        "removed in Airflow 3", rename="max_active_tis_per_dag", airflow2=True, level="task"
    ),
    "default_view": Removed(
        "removed in Airflow 3", drop="Airflow 3 has no per-DAG default view", accepted=True
    ),
    "orientation": Removed(
        "removed in Airflow 3", drop="Airflow 3 has no per-DAG graph orientation", accepted=True
    ),
    "timetable": Removed("not an argument of Airflow 3's DAG", rename="schedule"),
    "sla": Removed(
        "removed in Airflow 3",
        drop="SLAs were removed in Airflow 3; use a deadline alert or a timeout",
        level="task",
        accepted=True,
    ),
    "provide_context": Removed(
        "removed in Airflow 2",
        drop="the context is passed to callables that accept it",
        level="task",
    ),
    "python_callable_file": Removed(
        "a file-based callable (absolute MWAA paths)", level="task", accepted=True
    ),
    "python_callable_name": Removed(
        "a file-based callable (absolute MWAA paths)", level="task", accepted=True
    ),
}
SECONDS_WHY = "removed in dag-factory 1.0 (durations are no longer given in seconds)"

STANDARD = "airflow.providers.standard"
# Operator paths Airflow 3 no longer imports at all, and the class that replaces each (the paths
# it still imports with a deprecation warning come from Airflow itself: schemas/operators.json).
REMOVED_OPERATORS = {
    "airflow.operators.dummy.DummyOperator": EMPTY_OPERATOR,
    "airflow.operators.dummy_operator.DummyOperator": EMPTY_OPERATOR,
    "airflow.operators.bash_operator.BashOperator": f"{STANDARD}.operators.bash.BashOperator",
    "airflow.operators.python_operator.PythonOperator": f"{STANDARD}.operators.python."
    "PythonOperator",
    "airflow.sensors.external_task_sensor.ExternalTaskSensor": f"{STANDARD}.sensors."
    "external_task.ExternalTaskSensor",
    "airflow.operators.http_operator.SimpleHttpOperator": "airflow.providers.http.operators.http."
    "HttpOperator",
    "airflow.providers.http.operators.http.SimpleHttpOperator": "airflow.providers.http."
    "operators.http.HttpOperator",
}


def yaml_scalar(value: Any) -> str:
    """``value`` as it would be written in YAML (quoted when it has to be)."""
    if isinstance(value, str):
        special = any(c in value for c in ":#*@{}[],&!|>'\"%`")
        return f'"{value}"' if special or not value else value
    if value is None:
        return "null"
    return str(value).lower() if isinstance(value, bool) else str(value)


def callable_path(siblings: Mapping[str, Any], key: str = "python_callable") -> str | None:
    """``callables.<module>.<name>`` for a ``<key>_file`` + ``<key>_name`` pair (dag-factory's
    file-based callables, e.g. python_callable_file with python_callable_name)."""
    file, name = siblings.get(f"{key}_file"), siblings.get(f"{key}_name")
    if not isinstance(file, str) or not isinstance(name, str):
        return None
    module = PurePosixPath(file).with_suffix("")
    parts = (
        module.relative_to(MWAA_DAGS).parts if module.is_relative_to(MWAA_DAGS) else (module.name,)
    )
    parts = parts[1:] if parts and parts[0] == "callables" else parts
    return ".".join(("callables", *parts, name))


def _callable_hint(siblings: Mapping[str, Any]) -> str:
    target = callable_path(siblings)
    if target is None:
        return (
            "replace python_callable_file and python_callable_name with `python_callable: "
            "callables.<module>.<name>`"
        )
    return (
        "move the function into the callables package and replace python_callable_file and "
        f"python_callable_name with `python_callable: {target}`"
    )


def _seconds_hint(key: str, value: Any) -> str:
    new = SECONDS_SUFFIX.sub("", key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"replace it with `{new}: {format_duration(value)}`"
    return f"replace it with `{new}:` and a duration such as 5m or 1h30m"


def removed_key(key: str, value: Any, siblings: Mapping[str, Any]) -> tuple[str, str] | None:
    """(why, exact replacement) when ``key`` was removed, else None. Every ``*_sec`` key is."""
    entry = REMOVED.get(key)
    if entry is None:
        return (SECONDS_WHY, _seconds_hint(key, value)) if SECONDS_SUFFIX.search(key) else None
    if entry.rename and isinstance(value, dict | list):
        return entry.why, f"rename it to `{entry.rename}:`"
    if entry.rename:
        return entry.why, f"replace it with `{entry.rename}: {yaml_scalar(value)}`"
    if entry.drop:
        return entry.why, f"delete this line: {entry.drop}"
    return entry.why, _callable_hint(siblings)
