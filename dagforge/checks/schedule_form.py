"""Schedules dag-factory 1.1 builds on Airflow 2 only, or never: said in words, with the Airflow 3
form to write instead.

On Airflow 3 dag-factory passes a ``schedule`` mapping to the DAG as it is, so every
``{datasets: ...}`` form (a list, a condition string, with ``file`` or ``timetable``) fails; and
its ``__and__``/``__or__`` join plain URIs into text, which is no schedule either.
"""

from __future__ import annotations

from typing import Any

from dagforge.load import Document, JsonPath, value_at
from dagforge.problems import Problem

ASSET = "airflow.sdk.Asset"
ASSET_OR_TIME = "airflow.timetables.assets.AssetOrTimeSchedule"


def schedule_problem(doc: Document, path: JsonPath) -> Problem:
    """The one problem for the ``schedule`` at or above ``path``."""
    at = path.index("schedule") + 1 if "schedule" in path else len(path)
    where = path[:at]
    value = value_at(doc.data, where)
    message, hint = _explain(value)
    return doc.problem(where, code="schedule-form", message=message, hint=hint, key=True)


def _explain(value: Any) -> tuple[str, str]:
    if isinstance(value, dict) and "datasets" in value:
        return _datasets(value)
    return (
        "dag-factory 1.1 joins plain URIs under `__and__`/`__or__` into text, which Airflow 3 "
        "cannot schedule on",
        f"make each item an Asset: `- {{__type__: {ASSET}, uri: s3://bucket/key}}`",
    )


def _datasets(value: dict[str, Any]) -> tuple[str, str]:
    datasets = value["datasets"]
    message = "dag-factory 1.1 builds `schedule: {datasets: ...}` on Airflow 2 only; on Airflow 3 "
    if "timetable" in value:
        return message + "this DAG fails to build", (
            f"write `schedule: {{__type__: {ASSET_OR_TIME}, timetable: {{...}}, assets: "
            f"{{__or__: [...]}}}}` with `{ASSET}` items"
        )
    if "file" in value:
        return message + "this DAG fails to build (and so does the `file:` lookup)", (
            f"list the assets themselves: `schedule: [s3://bucket/key, ...]` or `{ASSET}` objects"
        )
    if isinstance(datasets, list) and all(isinstance(item, str) for item in datasets):
        uris = ", ".join(f'"{uri}"' for uri in datasets)
        return message + "this DAG fails to build", f"for Airflow 3 write `schedule: [{uris}]`"
    return message + "this DAG fails to build (a condition string is no Airflow 3 schedule)", (
        f"write the condition as `{{__or__: [...]}}`/`{{__and__: [...]}}` of `{ASSET}` objects"
    )
