"""Re-check a decision read from the cache before anything is built from it.

The cache folder can be written by any task on an MWAA worker, so an entry may have been planted.
Building from it may never do what a config could not: each DAG is checked again, cheaply, for
what would let it run code or break the loader: its dag_id, its shape, every callable and
operator it names (the allow-lists), every ``__type__`` it constructs. One failing check and the
whole entry is dropped, and the configs are checked again from scratch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from dagforge.checks.operator_lookup import lookup
from dagforge.envvars import expand_env
from dagforge.expand import ExpandedDag, dag_ids
from dagforge.language.keys import CALLABLE_ARGS, RESERVED_DAG_PREFIX
from dagforge.language.patterns import valid_id
from dagforge.language.walk import tasks_of
from dagforge.load.files import discover, read_text, refused
from dagforge.load.limits import deepest_line
from dagforge.policy import Policy
from dagforge.problems import Problem
from dagforge.project import display_name
from dagforge.runtime.decision import Broken, Decision

CALLBACK_SUFFIX = "_callback"

try:  # the C loader is several times faster; both construct plain data only
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader  # type: ignore[assignment]


def vet(decision: Decision, configs: Path, policy: Policy) -> list[str]:
    """Why ``decision`` may not be used (empty when it may)."""
    reasons = [r for dag in decision.accepted for r in vet_dag(dag, policy)]
    reasons += [r for broken in decision.broken for r in _vet_broken(broken)]
    ids = [dag.dag_id for dag in decision.accepted] + [b.dag_id for b in decision.broken]
    if len(ids) != len(set(ids)):
        reasons.append("a dag_id appears twice")
    return reasons or witnessed(decision.accepted, configs)


def witnessed(dags: Sequence[ExpandedDag], configs: Path) -> list[str]:
    """Why some of ``dags`` are not DAGs the config files define now: each must name a config
    file of ``configs`` that still defines its dag_id (cheap: read within the limits, load with
    libyaml's safe C loader, list the ids; nothing else is checked)."""
    files = {display_name(path, configs.parent): path for path in discover([configs])}
    defined: dict[str, set[str]] = {}
    reasons = []
    for dag in dags:
        name = dag.origin.file
        if name not in defined and name in files:
            defined[name] = _defined_ids(files[name], name, configs)
        if dag.dag_id not in defined.get(name, set()):
            reasons.append(f"DAG {dag.dag_id!r} is not defined by {name}")
    return reasons


def _defined_ids(path: Path, name: str, configs: Path) -> set[str]:
    text = refused(path, configs, name) or read_text(path, name)
    if isinstance(text, Problem) or deepest_line(text):
        return set()
    text = expand_env(text).text  # as the decision read it (and as dag-factory reads a file)
    try:
        return set(dag_ids(yaml.load(text, Loader=SafeLoader)))  # noqa: S506  (a safe loader)
    except yaml.YAMLError:
        return set()


def _vet_broken(broken: Broken) -> list[str]:
    ids = [broken.dag_id, *broken.task_ids]
    return [f"invalid id {bad!r} of a broken DAG" for bad in ids if not valid_id(bad)]


def vet_dag(dag: ExpandedDag, policy: Policy) -> list[str]:
    """Why one DAG read from the cache may not be built."""
    if not valid_id(dag.dag_id) or dag.dag_id.startswith(RESERVED_DAG_PREFIX):
        return [f"invalid dag_id {dag.dag_id!r}"]
    if not isinstance(dag.config, dict) or not tasks_of(dag.config):
        return [f"DAG {dag.dag_id!r} has no tasks"]
    return list(_named_code(dag.dag_id, dag.config, policy))


def _named_code(dag_id: str, config: dict[str, Any], policy: Policy) -> Iterator[str]:
    """Every callable, callback, operator and ``__type__`` outside what configs may name, where
    dag-factory reads them: the DAG, its default_args, each task and each task group's
    default_args."""
    groups = config.get("task_groups")
    group_list = groups.values() if isinstance(groups, dict) else groups or []
    levels = [config, config.get("default_args"), *(task for _, _, task in tasks_of(config))]
    levels += [g.get("default_args") for g in group_list if isinstance(g, dict)]
    for level in (level for level in levels if isinstance(level, dict)):
        for key, item in level.items():
            yield from _check_key(dag_id, key, item, policy)
    yield from (f"DAG {dag_id!r}: __type__ {t!r} is not allowed" for t in _types(config, policy))


def _check_key(dag_id: str, key: str, item: Any, policy: Policy) -> Iterator[str]:
    named = item.get("callback") if isinstance(item, dict) else item
    names_code = key in CALLABLE_ARGS or key.endswith(CALLBACK_SUFFIX)
    if names_code and isinstance(named, str) and not policy.allows_callable(named):
        yield f"DAG {dag_id!r}: {key} names {named!r}, outside the allowed packages"
    elif key.endswith("_file") and isinstance(item, str) and not policy.allows_file(item):
        yield f"DAG {dag_id!r}: {key} {item!r} is outside the allowed callable files"
    elif key == "operator" and (not isinstance(item, str) or lookup(item, policy).problem[0]):
        yield f"DAG {dag_id!r}: operator {item!r} is not one configs may name"
    elif key == "decorator" and not _airflow_or_allowed(item, policy):
        yield f"DAG {dag_id!r}: decorator {item!r} is not one configs may name"


def _airflow_or_allowed(dotted: object, policy: Policy) -> bool:
    return isinstance(dotted, str) and (
        dotted.startswith("airflow.") or policy.allows_callable(dotted)
    )


def _types(value: Any, policy: Policy, depth: int = 0) -> Iterator[str]:
    """``__type__`` values anywhere in ``value`` that the policy does not allow."""
    if depth > 200:
        yield "<nested too deep>"
    elif isinstance(value, dict):
        named = value.get("__type__")
        if named is not None and not (isinstance(named, str) and policy.allows_type(named)):
            yield str(named)
        for item in value.values():
            yield from _types(item, policy, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _types(item, policy, depth + 1)
