"""Walks over config data: the tasks of a DAG config, whether written as a list (``- task_id: x``)
or a mapping (``x: {}``), and the strings anywhere inside a value.

Every walk over tasks goes through here, so the two forms are handled the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from dagforge.load import JsonPath

Task = tuple[str, JsonPath, Mapping[str, Any]]
Group = tuple[str, JsonPath, Mapping[str, Any]]


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


def groups_of(config: Mapping[str, Any]) -> list[Group]:
    """(name, path inside the DAG config, group config) for every task group, whether written as a
    mapping (``name: {...}``) or a list (``- group_name: name``)."""
    groups = config.get("task_groups")
    if isinstance(groups, dict):
        return [(str(k), ("task_groups", k), v) for k, v in groups.items() if isinstance(v, dict)]
    if isinstance(groups, list):
        return [
            (str(group["group_name"]), ("task_groups", index), group)
            for index, group in enumerate(groups)
            if isinstance(group, dict) and isinstance(group.get("group_name"), str)
        ]
    return []


def build_order(tasks: list[Task]) -> list[str]:
    """The order dag-factory 1.1 builds tasks in (its ``topological_sort_tasks``: Kahn's algorithm
    over task dependencies, ties in config order); tasks on a cycle are left out."""
    ids = {task_id for task_id, _, _ in tasks}
    downstream: dict[str, list[str]] = {task_id: [] for task_id in ids}
    waiting = dict.fromkeys(ids, 0)
    for task_id, _, task in tasks:
        deps = task.get("dependencies")
        for dep in deps if isinstance(deps, list) else []:
            if dep in ids:
                downstream[dep].append(task_id)
                waiting[task_id] += 1
    ready = [task_id for task_id, _, _ in tasks if not waiting[task_id]]
    order: list[str] = []
    while ready:
        current = ready.pop(0)
        order.append(current)
        for child in downstream[current]:
            waiting[child] -= 1
            if not waiting[child]:
                ready.append(child)
    return order


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


def map_groups(
    config: Mapping[str, Any], convert: Callable[[Mapping[str, Any]], dict[str, Any]]
) -> Any:
    """``config["task_groups"]`` with ``convert`` applied to each group, in the form written."""
    groups = config.get("task_groups")
    if isinstance(groups, list):
        return [convert(group) if isinstance(group, dict) else group for group in groups]
    if isinstance(groups, dict):
        return {key: convert(g) if isinstance(g, dict) else g for key, g in groups.items()}
    return groups


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside ``value`` (mapping values and list items, recursively)."""
    return (text for _, text in strings_at(value))


def strings_at(value: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, str]]:
    """Every string inside ``value`` with its path (mapping values and list items)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from strings_at(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_at(item, (*path, index))
