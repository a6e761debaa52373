"""The task graph of one expanded DAG as dag-factory 1.1 wires it: unique ids, task groups (a
mapping or a list, nested with ``parent_group_name``), dependencies on tasks and groups, no
cycles. Each finding is something dag-factory cannot build, or builds without a word."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag
from dagforge.language.hints import did_you_mean
from dagforge.language.walk import Group, Task, groups_of, tasks_of


def check_graph(dag: ExpandedDag) -> list[Finding]:
    tasks, groups = tasks_of(dag.config), groups_of(dag.config)
    return [
        *_duplicates(dag, tasks, groups),
        *_group_parents(dag, groups),
        *_references(dag, tasks, groups),
        *_unprefixed(dag, tasks, groups),
        *_cycles(dag, tasks),
    ]


def _duplicates(dag: ExpandedDag, tasks: list[Task], groups: list[Group]) -> Iterator[Finding]:
    seen: set[str] = set()
    for task_id, path, _ in tasks:
        if task_id in seen:
            yield Finding(
                dag=dag,
                cpath=(*path, "task_id"),
                code="duplicate-task-id",
                message=f"task_id '{task_id}' is used twice in this DAG",
                hint="rename one of the tasks",
            )
        seen.add(task_id)
    names: set[str] = set()
    for name, path, _ in groups:
        clash = "a task" if name in seen else "another task group" if name in names else ""
        if clash:
            yield Finding(
                dag=dag,
                cpath=path,
                code="duplicate-task-id",
                message=f"task group '{name}' has the name of {clash}: dag-factory 1.1 keeps "
                "one of them and silently loses the other's dependencies",
                hint="give the group a name of its own",
            )
        names.add(name)


def _group_parents(dag: ExpandedDag, groups: list[Group]) -> Iterator[Finding]:
    names = {name for name, _, _ in groups}
    parents = {name: group.get("parent_group_name") for name, _, group in groups}
    for name, path, group in groups:
        parent = group.get("parent_group_name")
        if isinstance(parent, str) and parent not in names:
            yield Finding(
                dag=dag,
                cpath=(*path, "parent_group_name"),
                code="unknown-task-group",
                message=f"parent group '{parent}' of task group '{name}' is not defined under "
                "task_groups",
                hint=did_you_mean(parent, names - {name}),
            )
        elif _on_parent_cycle(name, parents):
            yield Finding(
                dag=dag,
                cpath=(*path, "parent_group_name"),
                code="dependency-cycle",
                message=f"task group '{name}' is its own ancestor through parent_group_name",
                hint="one of these groups must have no parent_group_name",
            )


def _on_parent_cycle(name: str, parents: Mapping[str, Any]) -> bool:
    seen, current = {name}, parents.get(name)
    while isinstance(current, str) and current in parents:
        if current in seen:
            return True
        seen.add(current)
        current = parents[current]
    return False


def _references(dag: ExpandedDag, tasks: list[Task], groups: list[Group]) -> Iterator[Finding]:
    ids = {task_id for task_id, _, _ in tasks}
    group_names = {name for name, _, _ in groups}
    for owner, path, conf in [*tasks, *groups]:
        deps = conf.get("dependencies")
        for index, dep in enumerate(deps if isinstance(deps, list) else []):
            if dep not in ids and dep not in group_names:
                yield Finding(
                    dag=dag,
                    cpath=(*path, "dependencies", index),
                    code="unknown-dependency",
                    message=f"'{owner}' depends on '{dep}', which is no task or task group of "
                    "this DAG",
                    hint=did_you_mean(str(dep), (ids | group_names) - {owner}),
                )
    for task_id, path, task in tasks:
        yield from _group_membership(dag, task_id, path, task, group_names)


def _group_membership(
    dag: ExpandedDag, task_id: str, path: tuple[Any, ...], task: Mapping[str, Any], names: set[str]
) -> Iterator[Finding]:
    group = task.get("task_group_name")
    if not isinstance(group, str) or group in names:
        return
    if names:
        yield Finding(
            dag=dag,
            cpath=(*path, "task_group_name"),
            code="unknown-task-group",
            message=f"task group '{group}' is not defined under task_groups",
            hint=did_you_mean(group, names),
        )
    else:
        yield Finding(
            dag=dag,
            cpath=(*path, "task_group_name"),
            code="ignored-key",
            message=f"this DAG has no task_groups, so dag-factory 1.1 ignores task_group_name "
            f"'{group}' and builds task '{task_id}' outside any group",
            hint=f"define '{group}' under task_groups, or remove task_group_name",
            severity="warning",
        )


def _unprefixed(dag: ExpandedDag, tasks: list[Task], groups: list[Group]) -> Iterator[Finding]:
    """dag-factory finds a grouped task's dependencies as ``<group>.<task>``: a task of a group
    with ``prefix_group_id: false`` (or a TaskFlow task in a group) cannot be found that way."""
    unprefixed = {name for name, _, g in groups if g.get("prefix_group_id") is False}
    grouped = {t: task.get("task_group_name") for t, _, task in tasks}
    names = {name for name, _, _ in groups}
    depended = {d for _, _, c in [*tasks, *groups] for d in _deps(c)}
    for task_id, path, task in tasks:
        group = grouped[task_id]
        if group not in names or not (_deps(task) or task_id in depended):
            continue
        if group in unprefixed or ("decorator" in task and "operator" not in task):
            why = (
                "its group has prefix_group_id: false"
                if group in unprefixed
                else ("it is a TaskFlow task")
            )
            yield Finding(
                dag=dag,
                cpath=(*path, "task_group_name"),
                code="unknown-dependency",
                message=f"dag-factory 1.1 cannot wire the dependencies of task '{task_id}' in "
                f"group '{group}': {why}, and it looks the task up as '{group}.{task_id}'",
                hint="depend on the group instead, or keep the task out of the group",
            )


def _deps(conf: Mapping[str, Any]) -> list[str]:
    deps = conf.get("dependencies")
    return [d for d in deps if isinstance(d, str)] if isinstance(deps, list) else []


def _cycles(dag: ExpandedDag, tasks: list[Task]) -> Iterator[Finding]:
    upstream = {task_id: _deps(t) for task_id, _, t in tasks}
    paths = {task_id: path for task_id, path, _ in tasks}
    for cycle in find_cycles(upstream):
        yield Finding(
            dag=dag,
            cpath=(*paths[cycle[0]], "dependencies"),
            code="dependency-cycle",
            message=f"tasks depend on each other in a cycle: {' -> '.join([*cycle, cycle[0]])}",
            hint="remove one of these dependencies",
        )


def find_cycles(upstream: Mapping[str, list[str]]) -> list[list[str]]:
    """Each cycle once, as the list of its tasks, found by depth-first search in a stable order."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in upstream.get(node, []):
            if state.get(dep) == 1:
                cycles.append(trail[trail.index(dep) :])
            elif dep in upstream and dep not in state:
                visit(dep, [*trail, dep])
        state[node] = 2

    for node in upstream:
        if node not in state:
            visit(node, [node])
    return cycles
