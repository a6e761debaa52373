"""TaskFlow tasks (``decorator:``) and task results passed between tasks, as dag-factory 1.1
builds them (``DagBuilder.make_decorator``):

- a key that is a positional-or-keyword parameter of the function is its argument; every other
  key is an argument of the task (``multiple_outputs``, ``retries``, ...);
- ``+task`` / ``+task['key']`` is that task's result (its XCom), found among the tasks built
  before this one, in dag-factory's build order;
- ``expand:``/``partial:`` map the function over lists; with ``expand`` alone, arguments written
  on the task are dropped, and with ``partial`` alone, ``partial`` is.

Operator tasks' ``expand`` values that name another task's output (``task.output``) are checked
here too: the same build order decides whether dag-factory finds the task.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from typing import Any

from dagforge.checks.callables import CONTEXT_KEYS
from dagforge.checks.operator_lookup import base_args
from dagforge.checks.operators import unknown_keys
from dagforge.checks.resolve import resolve, resolve_file
from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag
from dagforge.language.dagfactory import EXPAND_OUTPUT, TASK_SYSTEM, XCOM_REFERENCE
from dagforge.language.hints import did_you_mean
from dagforge.language.patterns import DOTTED_RE
from dagforge.language.schema import registry
from dagforge.language.walk import build_order, groups_of, tasks_of
from dagforge.load import JsonPath
from dagforge.policy import Policy

_OWN = frozenset(
    {
        *TASK_SYSTEM,
        "task_id",
        "python_callable",
        "python_callable_name",
        "python_callable_file",
        "multiple_outputs",
    }
)


def check_taskflow(dag: ExpandedDag, policy: Policy) -> list[Finding]:
    tasks = tasks_of(dag.config)
    if not any("decorator" in task or "expand" in task for _, _, task in tasks):
        return []
    order = build_order(tasks)
    built_before = _keys_built_before(dag.config, tasks, order)
    findings: list[Finding] = []
    for task_id, path, task in tasks:
        available = built_before.get(task_id, set())
        if "operator" in task:
            findings.extend(_operator_expand(dag, path, task, available))
        elif "decorator" in task:
            function = _function(task, policy)
            if function is not None:
                findings.extend(_decorated(dag, path, task, function, available))
    return findings


def _keys_built_before(
    config: Mapping[str, Any],
    tasks: list[tuple[str, JsonPath, Mapping[str, Any]]],
    order: list[str],
) -> dict[str, set[str]]:
    """For each task, the names dag-factory can look tasks up by when it builds that task: an
    operator task by its Airflow task_id (``group.task``), a TaskFlow task by its config name."""
    confs = {task_id: task for task_id, _, task in tasks}
    prefixes = _group_prefixes(config)
    seen: set[str] = set()
    before: dict[str, set[str]] = {}
    for task_id in order:
        before[task_id] = set(seen)
        task = confs[task_id]
        group = task.get("task_group_name")
        prefix = prefixes.get(group, "") if "operator" in task and isinstance(group, str) else ""
        seen.add(f"{prefix}{task_id}")
    return before


def _group_prefixes(config: Mapping[str, Any]) -> dict[str, str]:
    """``group name → the prefix its tasks' ids get`` (``outer.inner.``; empty without prefix)."""
    groups = {name: g for name, _, g in groups_of(config)}

    def group_id(name: str, depth: int = 0) -> str:
        parent = groups.get(name, {}).get("parent_group_name")
        if not isinstance(parent, str) or parent not in groups or depth > len(groups):
            return name
        if groups[parent].get("prefix_group_id") is False:
            return name
        return f"{group_id(parent, depth + 1)}.{name}"

    return {
        name: "" if g.get("prefix_group_id") is False else f"{group_id(name)}."
        for name, g in groups.items()
    }


def _function(task: Mapping[str, Any], policy: Policy) -> Any:
    dotted, name, file = (
        task.get(k) for k in ("python_callable", "python_callable_name", "python_callable_file")
    )
    if isinstance(name, str) and isinstance(file, str):
        found = resolve_file(name, file, policy, "python_callable")
    elif isinstance(dotted, str) and DOTTED_RE.match(dotted):
        found = resolve(dotted, policy)
    else:
        return None
    return found.target if found.ok and callable(found.target) else None  # else callables says


def _decorated(
    dag: ExpandedDag, path: JsonPath, task: Mapping[str, Any], function: Any, available: set[str]
) -> Iterator[Finding]:
    try:
        spec = inspect.getfullargspec(function)
        parameters = inspect.signature(function).parameters
    except TypeError:
        return
    arguments = {k: v for k, v in task.items() if k in spec.args}
    expand, partial = _dict(task.get("expand")), _dict(task.get("partial"))
    yield from _task_arguments(dag, path, task, spec.args)
    for key, value in [*arguments.items(), *expand.items(), *partial.items()]:
        where = (*path, key) if key in arguments else (*path, _which(key, expand), key)
        yield from _reference(dag, where, value, available)
    yield from _mapping(dag, path, task, arguments, expand, partial)
    given = set(expand) | set(partial) if expand else set(arguments)
    missing = [
        name
        for name, p in parameters.items()
        if p.default is p.empty
        and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        and name not in given
        and name not in CONTEXT_KEYS
    ]
    if missing:
        yield Finding(
            dag=dag,
            cpath=path,
            code="callable-arguments",
            message=f"{function.__name__}() needs {', '.join(repr(m) for m in missing)}, which "
            "this task does not give",
            hint=f"add {', '.join(f'{m}: ...' for m in missing)} to the task (or to expand:)",
            key=True,
        )


def _which(key: str, expand: Mapping[str, Any]) -> str:
    return "expand" if key in expand else "partial"


def _task_arguments(
    dag: ExpandedDag, path: JsonPath, task: Mapping[str, Any], parameters: list[str]
) -> Iterator[Finding]:
    accepted = {*_OWN, *base_args(), *registry()["decorator"], *parameters}
    what = "(neither a parameter of the task's function nor an argument of the task)"
    yield from unknown_keys(dag, path, task, accepted, what, [*parameters, *registry()["base"]])


def _reference(
    dag: ExpandedDag, cpath: JsonPath, value: Any, available: set[str]
) -> Iterator[Finding]:
    match = XCOM_REFERENCE.match(value) if isinstance(value, str) else None
    if match is not None and match.group("task") not in available:
        name = match.group("task")
        yield Finding(
            dag=dag,
            cpath=cpath,
            code="xcom-reference",
            message=f"'{value}' names task '{name}', which dag-factory 1.1 has not built when it "
            "builds this task (it builds tasks in dependency order, then in config order)",
            hint=did_you_mean(name, available)
            or f"define '{name}' earlier, or add it to this task's dependencies",
        )


def _mapping(
    dag: ExpandedDag,
    path: JsonPath,
    task: Mapping[str, Any],
    arguments: Mapping[str, Any],
    expand: Mapping[str, Any],
    partial: Mapping[str, Any],
) -> Iterator[Finding]:
    if expand and partial and arguments:
        yield _finding(
            dag,
            path,
            "error",
            "with both expand: and partial:, dag-factory 1.1 "
            f"refuses arguments on the task itself ({', '.join(arguments)})",
            "move them into partial:",
        )
    elif expand and arguments:
        yield _finding(
            dag,
            path,
            "warning",
            "with expand: alone, dag-factory 1.1 drops the "
            f"arguments written on the task ({', '.join(arguments)})",
            "move them into partial:",
        )
    elif partial and not expand:
        yield _finding(
            dag,
            (*path, "partial"),
            "warning",
            "partial: without expand: is dropped by dag-factory 1.1",
            "write the arguments on the task",
        )


def _finding(dag: ExpandedDag, cpath: JsonPath, severity: str, message: str, hint: str) -> Finding:
    return Finding(
        dag=dag,
        cpath=cpath,
        code="task-mapping",
        message=message,
        hint=hint,
        severity="error" if severity == "error" else "warning",
    )


def _operator_expand(
    dag: ExpandedDag, path: JsonPath, task: Mapping[str, Any], available: set[str]
) -> Iterator[Finding]:
    for key, value in _dict(task.get("expand")).items():
        if not isinstance(value, str):
            continue
        match = EXPAND_OUTPUT.search(value)
        name = (match.group("task") or match.group("arg")) if match else None
        if name is None or name not in available:
            yield Finding(
                dag=dag,
                cpath=(*path, "expand", key),
                code="task-mapping",
                message=f"'{value}' cannot be mapped: dag-factory 1.1 maps lists, mappings and "
                "`<task>.output` of a task built before this one",
                hint=f"add '{name}' to this task's dependencies"
                if name
                else "write a list, or `<task_id>.output`",
            )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
