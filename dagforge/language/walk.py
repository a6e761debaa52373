"""Walks over config data: the tasks of a DAG config, whether written as a list (``- task_id: x``)
or a mapping (``x: {}``), and the strings anywhere inside a value.

Every walk over tasks goes through here, so the two forms are handled the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from dagforge.load import JsonPath

Task = tuple[str, JsonPath, Mapping[str, Any]]


def tasks_of(config: Mapping[str, Any]) -> list[Task]:
    """(task_id, path inside the DAG config, task config) for every task that has an id."""
    tasks = config.get("tasks")
    if isinstance(tasks, dict):
        return [(str(k), ("tasks", k), v) for k, v in tasks.items() if isinstance(v, dict)]
    if isinstance(tasks, list):
        return [
            (str(task["task_id"]), ("tasks", index), task)
            for index, task in enumerate(tasks)
            if isinstance(task, dict) and isinstance(task.get("task_id"), str)
        ]
    return []


def map_tasks(
    config: Mapping[str, Any], convert: Callable[[Mapping[str, Any]], dict[str, Any]]
) -> Any:
    """``config["tasks"]`` with ``convert`` applied to each task, in the form it was written."""
    tasks = config.get("tasks")
    if isinstance(tasks, list):
        return [convert(task) if isinstance(task, dict) else task for task in tasks]
    if isinstance(tasks, dict):
        return {
            key: convert(task) if isinstance(task, dict) else task for key, task in tasks.items()
        }
    return tasks


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside ``value`` (mapping values and list items, recursively)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
