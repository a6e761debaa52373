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

from dagforge.expand import ExpandedDag, dag_ids
from dagforge.language.keys import CALLABLE_ARGS, RESERVED_DAG_PREFIX
from dagforge.language.patterns import valid_id
from dagforge.language.schema import load_schema
from dagforge.language.typed import ALLOWED_TYPES
from dagforge.language.walk import tasks_of
from dagforge.load.files import discover, read_text, refused
from dagforge.load.limits import deepest_line
from dagforge.problems import Problem
from dagforge.project import display_name
from dagforge.runtime.decision import Broken, Decision

CALLBACK_SUFFIX = "_callback"

try:  # the C loader is several times faster; both construct plain data only
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader  # type: ignore[assignment]


def vet(decision: Decision, configs: Path, packages: Sequence[str]) -> list[str]:
    """Why ``decision`` may not be used (empty when it may)."""
    reasons = [r for dag in decision.accepted for r in vet_dag(dag, packages)]
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
    try:
        return set(dag_ids(yaml.load(text, Loader=SafeLoader)))  # noqa: S506  (a safe loader)
    except yaml.YAMLError:
        return set()


def _vet_broken(broken: Broken) -> list[str]:
    ids = [broken.dag_id, *broken.task_ids]
    return [f"invalid id {bad!r} of a broken DAG" for bad in ids if not valid_id(bad)]


def vet_dag(dag: ExpandedDag, packages: Sequence[str]) -> list[str]:
    """Why one DAG read from the cache may not be built."""
    if not valid_id(dag.dag_id) or dag.dag_id.startswith(RESERVED_DAG_PREFIX):
        return [f"invalid dag_id {dag.dag_id!r}"]
    if not isinstance(dag.config, dict) or not tasks_of(dag.config):
        return [f"DAG {dag.dag_id!r} has no tasks"]
    return list(_named_code(dag.dag_id, dag.config, tuple(packages)))


def _named_code(dag_id: str, config: dict[str, Any], packages: tuple[str, ...]) -> Iterator[str]:
    """Every callable, callback, operator and ``__type__`` outside what configs may name, where
    dag-factory reads them: the DAG, its default_args, each task and each task group's
    default_args."""
    groups = config.get("task_groups")
    group_list = groups.values() if isinstance(groups, dict) else groups or []
    levels = [config, config.get("default_args"), *(task for _, _, task in tasks_of(config))]
    levels += [g.get("default_args") for g in group_list if isinstance(g, dict)]
    for level in (level for level in levels if isinstance(level, dict)):
        for key, item in level.items():
            yield from _check_key(dag_id, key, item, packages)
    yield from (f"DAG {dag_id!r}: __type__ {t!r} is not allow-listed" for t in _types(config))


def _check_key(dag_id: str, key: str, item: Any, packages: tuple[str, ...]) -> Iterator[str]:
    named = item.get("callback") if isinstance(item, dict) else item
    if (key in CALLABLE_ARGS or key.endswith(CALLBACK_SUFFIX)) and isinstance(named, str):
        if not _allowed(named, packages):
            yield f"DAG {dag_id!r}: {key} names {named!r}, outside the allowed packages"
    elif key == "operator" and item not in _operators():
        yield f"DAG {dag_id!r}: operator {item!r} is not allow-listed"


def _types(value: Any, depth: int = 0) -> Iterator[str]:
    """``__type__`` values anywhere in ``value`` that are not allow-listed."""
    if depth > 200:
        yield "<nested too deep>"
    elif isinstance(value, dict):
        if "__type__" in value and value["__type__"] not in ALLOWED_TYPES:
            yield str(value["__type__"])
        for item in value.values():
            yield from _types(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _types(item, depth + 1)


def _allowed(dotted: str, packages: tuple[str, ...]) -> bool:
    return any(dotted.startswith(f"{package}.") for package in packages)


def _operators() -> set[str]:
    return set(load_schema()["$defs"]["operator"]["enum"])
