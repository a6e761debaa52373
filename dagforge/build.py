"""Build Airflow DAGs from expanded configs through dag-factory: the only stage that imports them."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, MutableMapping
from pathlib import Path
from typing import Any

from dagforge.expand import ExpandedDag
from dagforge.values import DATE_KEYS, DURATION_KEYS, parse_date, parse_duration

log = logging.getLogger(__name__)

# dag-factory phones home on every DAG run unless told not to; MWAA private networks have no internet.
_OFFLINE_ENV = {
    "AIRFLOW__DAG_FACTORY__ENABLE_TELEMETRY": "False",
    "SCARF_NO_ANALYTICS": "true",
    "DO_NOT_TRACK": "true",
}


def disable_telemetry() -> None:
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def to_dagfactory(config: dict[str, Any]) -> dict[str, Any]:
    """Turn friendly values into the Python objects dag-factory passes to Airflow."""
    result = _convert(config)
    if isinstance(result.get("default_args"), dict):
        result["default_args"] = _convert(result["default_args"])
    tasks = result.get("tasks")
    if isinstance(tasks, list):
        result["tasks"] = [_convert(task) for task in tasks]
    elif isinstance(tasks, dict):
        result["tasks"] = {name: _convert(task) for name, task in tasks.items()}
    return result


def _convert(mapping: dict[str, Any]) -> dict[str, Any]:
    converted = dict(mapping)
    for key in DURATION_KEYS:
        if isinstance(converted.get(key), str):
            converted[key] = parse_duration(converted[key])
    for key in DATE_KEYS:
        if isinstance(converted.get(key), str):
            converted[key] = parse_date(converted[key])
    return converted


def build_dags(dags: Iterable[ExpandedDag], target: MutableMapping[str, Any]) -> list[str]:
    """Build ``dags`` into ``target`` (a DAG file's globals); returns the dag_ids that failed to build."""
    disable_telemetry()
    from dagfactory import load_yaml_dags

    wanted = {dag.dag_id: to_dagfactory(dag.config) for dag in dags}
    if not wanted:
        return []
    built: dict[str, Any] = {}
    # dagforge has merged every defaults layer already. dag-factory would still merge any defaults.yml
    # in the folder it is given, so give it this package's folder, which never holds one.
    load_yaml_dags(built, config_dict=wanted, defaults_config_path=str(Path(__file__).resolve().parent))
    target.update(built)
    return sorted(set(wanted) - set(built))
