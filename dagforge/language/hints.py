"""Hints from data: close matches for typos, and the exact replacement for keys that were removed.

Removed keys come from dag-factory 0.x and Airflow 2 (see docs/config-language.md); each entry
computes its replacement from the value written, so the hint can be pasted as is.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePosixPath
from typing import Any

from dagforge.language.values import format_duration

MWAA_DAGS = PurePosixPath("/usr/local/airflow/dags")
# The few allowed values are listed in full; longer lists only through close matches.
FEW = 8


def close_matches(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, sorted(set(choices)), n=n, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``did you mean 'schedule'?``, or the allowed values when there are few, or ``""``."""
    options = sorted(set(choices))
    matches = close_matches(word, options)
    if matches:
        return "did you mean " + " or ".join(f"'{m}'" for m in matches) + "?"
    if 0 < len(options) <= FEW:
        return "allowed: " + ", ".join(options)
    return ""


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"' if any(c in value for c in ":#*@{}[],&!|>'\"%`") or not value else value
    if value is None:
        return "null"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _renamed(new: str) -> Callable[[Any, Mapping[str, Any]], str]:
    return lambda value, _siblings: f"replace it with `{new}: {_yaml_scalar(value)}`"


def _seconds(new: str) -> Callable[[Any, Mapping[str, Any]], str]:
    def hint(value: Any, _siblings: Mapping[str, Any]) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"replace it with `{new}: {format_duration(value)}`"
        return f"replace it with `{new}:` and a duration such as 5m or 1h30m"
    return hint


def _dropped(reason: str) -> Callable[[Any, Mapping[str, Any]], str]:
    return lambda _value, _siblings: f"delete this line: {reason}"


def callable_path(siblings: Mapping[str, Any]) -> str | None:
    """``callables.<module>.<name>`` for a 0.x ``python_callable_file`` + ``python_callable_name`` pair."""
    file, name = siblings.get("python_callable_file"), siblings.get("python_callable_name")
    if not isinstance(file, str) or not isinstance(name, str):
        return None
    module = PurePosixPath(file).with_suffix("")
    parts = module.relative_to(MWAA_DAGS).parts if module.is_relative_to(MWAA_DAGS) else (module.name,)
    parts = parts[1:] if parts and parts[0] == "callables" else parts
    return ".".join(("callables", *parts, name))


def _callable(value: Any, siblings: Mapping[str, Any]) -> str:
    target = callable_path(siblings)
    if target is None:
        return "replace python_callable_file and python_callable_name with `python_callable: callables.<module>.<name>`"
    return (f"move the function into the callables package and replace python_callable_file and "
            f"python_callable_name with `python_callable: {target}`")


REMOVED: dict[str, tuple[str, Callable[[Any, Mapping[str, Any]], str]]] = {
    "schedule_interval": ("removed in Airflow 3 and dag-factory 1.0", _renamed("schedule")),
    "concurrency": ("removed in Airflow 3", _renamed("max_active_tasks")),
    "task_concurrency": ("removed in Airflow 3", _renamed("max_active_tis_per_dag")),
    "default_view": ("removed in Airflow 3", _dropped("Airflow 3 has no per-DAG default view")),
    "orientation": ("removed in Airflow 3", _dropped("Airflow 3 has no per-DAG graph orientation")),
    "sla": ("removed in Airflow 3", _dropped("SLAs were removed in Airflow 3; use a deadline alert or a timeout")),
    "provide_context": ("removed in Airflow 2", _dropped("the context is passed to callables that accept it")),
    "python_callable_file": ("not allowed by dagforge (absolute MWAA paths)", _callable),
    "python_callable_name": ("not allowed by dagforge (absolute MWAA paths)", _callable),
}
REMOVED_OPERATORS = {
    "airflow.operators.dummy.DummyOperator": "airflow.providers.standard.operators.empty.EmptyOperator",
    "airflow.operators.dummy_operator.DummyOperator": "airflow.providers.standard.operators.empty.EmptyOperator",
}


def removed_key(key: str, value: Any, siblings: Mapping[str, Any]) -> tuple[str, str] | None:
    """(why, exact replacement) when ``key`` was removed, else None. Every ``*_sec`` key is removed."""
    if key in REMOVED:
        why, hint = REMOVED[key]
        return why, hint(value, siblings)
    for suffix in ("_sec", "_secs", "_seconds"):
        if key.endswith(suffix):
            return "removed in dag-factory 1.0 (durations are no longer given in seconds)", _seconds(
                key.removesuffix(suffix))(value, siblings)
    return None
