"""The ``__type__`` allow-list, and building its objects for the build stage.

Validation only compares names against :data:`ALLOWED_TYPES` (through the schema) and never calls
:func:`construct`. The build stage calls it on a validated config, so dag-factory receives the
objects themselves: it only casts ``__type__`` when it reads YAML files, never a config dict.
"""

from __future__ import annotations

import importlib
from typing import Any

from dagforge.errors import UnsafeTypeError

ALLOWED_TYPES = (
    "datetime.date",
    "datetime.datetime",
    "datetime.timedelta",
    "airflow.sdk.Asset",
    "airflow.sdk.definitions.asset.Asset",
    "airflow.datasets.Dataset",
    "airflow.timetables.events.EventsTimetable",
    "airflow.timetables.interval.CronDataIntervalTimetable",
    "airflow.timetables.interval.DeltaDataIntervalTimetable",
    "airflow.timetables.simple.ContinuousTimetable",
    "airflow.timetables.simple.NullTimetable",
    "airflow.timetables.simple.OnceTimetable",
    "airflow.timetables.trigger.CronTriggerTimetable",
    "airflow.timetables.trigger.MultipleCronTriggerTimetable",
)


def construct(value: Any) -> Any:
    """``value`` with every allow-listed ``{__type__: ..., **kwargs}`` mapping replaced by its
    object.
    """
    if isinstance(value, list):
        return [construct(item) for item in value]
    if not isinstance(value, dict):
        return value
    fields = {
        key: construct(item) for key, item in value.items() if key not in ("__type__", "__args__")
    }
    target = value.get("__type__")
    if target is None:
        return fields
    if target not in ALLOWED_TYPES:
        raise UnsafeTypeError(str(target))
    module, _, name = str(target).rpartition(".")
    args = construct(value.get("__args__", []))
    return getattr(importlib.import_module(module), name)(*args, **fields)
