"""Operators against their real signatures: any class the installed Airflow and providers import
(the catalog, read from Airflow at dev time), or one of an allowed package (imported and read
here). The common operators' arguments are checked by the schema already; here: the others'
arguments, what every operator is given through ``expand``, ``partial`` and
``variables_as_arguments``, and the ``default_args`` no task of the DAG takes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from dagforge.checks.operator_lookup import Operator, base_args, lookup
from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag
from dagforge.language.dagfactory import (
    DEFAULT_ARGS_OWN,
    FILE_SUFFIX,
    LAMBDA_SUFFIX,
    NAME_SUFFIX,
    SENSOR_PAIRS,
    TASK_SYSTEM,
)
from dagforge.language.hints import did_you_mean
from dagforge.language.removed import removed_key
from dagforge.language.schema import registry
from dagforge.language.walk import groups_of, tasks_of
from dagforge.load import JsonPath
from dagforge.policy import Policy

_TASK_KEYS = frozenset({*TASK_SYSTEM, "task_id", "inlets", "outlets", "start_date", "end_date"})


def check_operators(dag: ExpandedDag, policy: Policy) -> list[Finding]:
    findings: list[Finding] = []
    taken: set[str] = set(_taken())
    for _, path, task in tasks_of(dag.config):
        written = task.get("operator")
        if not isinstance(written, str) or "." not in written:
            continue  # a TaskFlow task, or the schema has said
        operator = lookup(written, policy)
        if operator.problem[0]:
            code, message, hint = operator.problem
            findings.append(
                Finding(dag=dag, cpath=(*path, "operator"), code=code, message=message, hint=hint)
            )
            continue
        taken |= operator.args
        findings.extend(_task_args(dag, path, task, operator))
    if not any(f.cpath[-1:] == ("operator",) for f in findings):
        findings.extend(_default_args(dag, taken))
    return findings


@cache
def _taken() -> frozenset[str]:
    """What any task takes: BaseOperator's and TaskFlow's arguments (and callback pairs)."""
    return frozenset({*base_args(), *registry()["decorator"]})


def _accepted(operator: Operator) -> set[str]:
    extra = {f"python_callable{NAME_SUFFIX}", f"python_callable{FILE_SUFFIX}"}
    for written in SENSOR_PAIRS.get(operator.path, {}):
        extra |= {f"{written}{s}" for s in (NAME_SUFFIX, FILE_SUFFIX, LAMBDA_SUFFIX)}
    pairs = {f"execution_date_fn{s}" for s in (NAME_SUFFIX, FILE_SUFFIX)}
    return {*base_args(), *_TASK_KEYS, *operator.args, *extra, *pairs}


def _task_args(
    dag: ExpandedDag, path: JsonPath, task: Mapping[str, Any], operator: Operator
) -> Iterator[Finding]:
    if not operator.common:  # the schema checks the common operators' keys
        name = operator.path.rsplit(".", 1)[-1]
        yield from unknown_keys(
            dag,
            path,
            task,
            _accepted(operator),
            f"for {name}",
            [*operator.args, *registry()["base"]],
        )
        yield from _required(dag, path, task, operator)
    yield from _mapping(dag, path, task, operator)
    for index, item in enumerate(_list(task.get("variables_as_arguments"))):
        attribute = item.get("attribute") if isinstance(item, dict) else None
        if isinstance(attribute, str) and attribute not in {*operator.args, *registry()["base"]}:
            yield Finding(
                dag=dag,
                cpath=(*path, "variables_as_arguments", index, "attribute"),
                code="unknown-key",
                message=f"'{attribute}' is no argument of {operator.path.rsplit('.', 1)[-1]}: "
                "Airflow refuses the task when the Variable is set",
                hint=did_you_mean(attribute, operator.args),
            )


def unknown_keys(
    dag: ExpandedDag,
    path: JsonPath,
    task: Mapping[str, Any],
    accepted: set[str] | frozenset[str],
    what: str,
    choices: list[str],
) -> Iterator[Finding]:
    """A task key its operator (or its TaskFlow function) does not take, with the close match."""
    for key in task:
        if key not in accepted:
            yield Finding(
                dag=dag,
                cpath=(*path, key),
                code="unknown-key",
                message=f"unknown key '{key}' {what}",
                hint=did_you_mean(str(key), choices),
                key=True,
            )


def _required(
    dag: ExpandedDag, path: JsonPath, task: Mapping[str, Any], operator: Operator
) -> Iterator[Finding]:
    given = {
        *task,
        *_dict(dag.config.get("default_args")),
        *_dict(task.get("partial")),
        *_dict(task.get("expand")),
    }
    if operator.python and f"python_callable{NAME_SUFFIX}" in task:
        given.add("python_callable")
    for name in operator.required:
        if name not in given:
            yield Finding(
                dag=dag,
                cpath=path,
                code="missing-key",
                message=f"missing required key '{name}' for {operator.path.rsplit('.', 1)[-1]}",
                hint=f"add '{name}: ...' here",
                key=True,
            )


def _mapping(
    dag: ExpandedDag, path: JsonPath, task: Mapping[str, Any], operator: Operator
) -> Iterator[Finding]:
    expand, partial = task.get("expand"), task.get("partial")
    if partial is not None and expand is None:
        yield _mapping_finding(
            dag,
            (*path, "partial"),
            "an operator task with `partial:` but no `expand:` fails in dag-factory 1.1",
            "add `expand:`, or move the arguments out of `partial:`",
        )
    for key in _dict(expand):
        if key not in operator.args and key not in registry()["base"]:
            yield _mapping_finding(
                dag,
                (*path, "expand", key),
                f"'{key}' is no argument of {operator.path.rsplit('.', 1)[-1]}: it cannot be "
                "mapped",
                did_you_mean(key, operator.args),
            )
    last = list(_dict(partial))[-1:]  # dag-factory checks only the last key (is_partial_duplicated)
    if expand is not None and last and task.get(last[0]) is not None:
        yield _mapping_finding(
            dag,
            (*path, "partial", last[0]),
            f"'{last[0]}' is given both in `partial:` and on the task: dag-factory 1.1 refuses it",
            "keep it in one place",
        )


def _mapping_finding(dag: ExpandedDag, cpath: JsonPath, message: str, hint: str) -> Finding:
    return Finding(dag=dag, cpath=cpath, code="task-mapping", message=message, hint=hint, key=True)


def _default_args(dag: ExpandedDag, taken: set[str]) -> Iterator[Finding]:
    places: list[tuple[JsonPath, Any]] = [(("default_args",), dag.config.get("default_args"))]
    places += [((*p, "default_args"), g.get("default_args")) for _, p, g in groups_of(dag.config)]
    dag_keys = set(registry()["dag"])
    for path, written in places:
        default_args = _dict(written)
        for key in default_args:
            if key in taken or key in DEFAULT_ARGS_OWN or key in ("inlets", "outlets"):
                continue
            removed = removed_key(key, default_args[key], default_args)
            if removed:
                yield Finding(
                    dag=dag,
                    cpath=(*path, key),
                    code="removed-key",
                    message=f"'{key}' is {removed[0]}",
                    hint=removed[1],
                    key=True,
                )
            elif key in dag_keys:
                message = (
                    f"'{key}' under default_args has no effect: no task of this DAG takes "
                    f"it ('{key}' is a DAG key)"
                )
                yield Finding(
                    dag=dag,
                    cpath=(*path, key),
                    code="ignored-key",
                    message=message,
                    hint=f"move '{key}' out of default_args, to the DAG itself",
                    key=True,
                    severity="warning",
                )
            else:
                yield Finding(
                    dag=dag,
                    cpath=(*path, key),
                    code="unknown-key",
                    message=f"unknown key '{key}' in default_args: no task of this DAG takes it",
                    hint=did_you_mean(key, taken),
                    key=True,
                )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
