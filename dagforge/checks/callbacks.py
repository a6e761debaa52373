"""Callbacks in dag-factory 1.1's three forms, wherever it reads them: the DAG, its default_args,
each task group's default_args and each task.

- a dotted path: the function Airflow calls with the context;
- ``{callback: <dotted path>, <param>: <value>, ...}``: the function with those keyword arguments
  (a notifier class, one with ``notify``, is built with them instead);
- ``<callback>_name`` + ``<callback>_file``: a function of an allowed Python file.

Each is resolved inside the policy and its parameters are checked against its signature. The
schema refuses what dag-factory cannot build (a list, a mapping without ``callback``).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from typing import Any

from dagforge.checks.callables import file_pairs
from dagforge.checks.resolve import resolve
from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag
from dagforge.language.dagfactory import CALLBACKS, DAG_CALLBACKS
from dagforge.language.patterns import DOTTED_RE
from dagforge.language.walk import groups_of, tasks_of
from dagforge.load import JsonPath
from dagforge.policy import Policy

# The DAG-level callbacks dag-factory resolves (on_execute_callback is resolved, then dropped).
_DAG_RESOLVED = (*DAG_CALLBACKS, "on_execute_callback")


def check_callbacks(dag: ExpandedDag, policy: Policy) -> list[Finding]:
    config = dag.config
    if not _names_callbacks(config):  # most DAGs name none
        return []
    places: list[tuple[JsonPath, Any, tuple[str, ...]]] = [
        ((), config, _DAG_RESOLVED),
        (("default_args",), config.get("default_args"), CALLBACKS),
    ]
    places += [
        ((*path, "default_args"), g.get("default_args"), CALLBACKS)
        for _, path, g in groups_of(config)
    ]
    places += [(path, task, CALLBACKS) for _, path, task in tasks_of(config)]
    findings: list[Finding] = []
    for path, conf, keys in places:
        if isinstance(conf, Mapping):
            findings.extend(_callbacks_of(dag, path, conf, keys, policy))
    return findings


def _names_callbacks(config: Mapping[str, Any]) -> bool:
    groups = [g.get("default_args") for _, _, g in groups_of(config)]
    confs = [config, config.get("default_args"), *groups, *(t for _, _, t in tasks_of(config))]
    return any("_callback" in key for conf in confs if isinstance(conf, Mapping) for key in conf)


def _callbacks_of(
    dag: ExpandedDag,
    path: JsonPath,
    conf: Mapping[str, Any],
    keys: tuple[str, ...],
    policy: Policy,
) -> Iterator[Finding]:
    for key in keys:
        value = conf.get(key)
        if isinstance(value, str) and DOTTED_RE.match(value):
            yield from _check(dag, (*path, key), value, {}, policy)
        elif isinstance(value, Mapping) and isinstance(value.get("callback"), str):
            params = {k: v for k, v in value.items() if k != "callback"}
            if DOTTED_RE.match(value["callback"]):
                yield from _check(dag, (*path, key, "callback"), value["callback"], params, policy)
    yield from file_pairs(dag, path, conf, keys, policy)


def _check(
    dag: ExpandedDag, cpath: JsonPath, dotted: str, params: dict[str, Any], policy: Policy
) -> Iterator[Finding]:
    found = resolve(dotted, policy, "callback")
    if not found.ok:
        yield Finding(dag=dag, cpath=cpath, code=found.code, message=found.message, hint=found.hint)
        return
    problem = bind_problem(found.target, params)
    if problem:
        yield Finding(
            dag=dag,
            cpath=cpath,
            code="callable-arguments",
            message=f"callback '{dotted}' cannot be called this way: {problem}",
            hint="its parameters: " + _parameters(found.target),
        )


def bind_problem(target: Any, params: Mapping[str, Any]) -> str:
    """Why Airflow cannot call ``target`` as dag-factory builds it ("" when it can): a notifier
    class is built with ``params``; a function gets the context, then ``params``."""
    notifier = inspect.isclass(target) and hasattr(target, "notify")
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return "it is not a function"
    try:
        if notifier:
            signature.bind(**params)
        elif not callable(target):
            return "it is not a function"
        else:
            signature.bind(object(), **params)
    except TypeError as exc:
        return str(exc)
    return ""


def _parameters(target: Any) -> str:
    try:
        return str(inspect.signature(target))
    except (TypeError, ValueError):
        return "unknown"
