"""The task graph of one expanded DAG: unique task ids, known dependencies and task groups, no
cycles.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag
from dagforge.language.hints import did_you_mean
from dagforge.language.walk import Task, tasks_of


def check_graph(dag: ExpandedDag) -> list[Finding]:
    tasks = tasks_of(dag.config)
    return [*_duplicates(dag, tasks), *_references(dag, tasks), *_cycles(dag, tasks)]


def _duplicates(dag: ExpandedDag, tasks: list[Task]) -> Iterator[Finding]:
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


def _references(dag: ExpandedDag, tasks: list[Task]) -> Iterator[Finding]:
    ids = {task_id for task_id, _, _ in tasks}
    groups = dag.config.get("task_groups")
    group_names = set(groups) if isinstance(groups, dict) else set()
    for task_id, path, task in tasks:
        deps = task.get("dependencies")
        for index, dep in enumerate(deps if isinstance(deps, list) else []):
            if dep not in ids and dep not in group_names:
                yield Finding(
                    dag=dag,
                    cpath=(*path, "dependencies", index),
                    code="unknown-dependency",
                    message=f"task '{task_id}' depends on '{dep}', which is not a task of this DAG",
                    hint=did_you_mean(str(dep), ids - {task_id}),
                )
        group = task.get("task_group_name")
        if isinstance(group, str) and group not in group_names:
            yield Finding(
                dag=dag,
                cpath=(*path, "task_group_name"),
                code="unknown-task-group",
                message=f"task group '{group}' is not defined under task_groups",
                hint=did_you_mean(group, group_names),
            )


def _cycles(dag: ExpandedDag, tasks: list[Task]) -> Iterator[Finding]:
    upstream = {
        task_id: [d for d in (t.get("dependencies") or []) if isinstance(d, str)]
        for task_id, _, t in tasks
    }
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
