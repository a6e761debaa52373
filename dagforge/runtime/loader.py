"""What the loader DAG file calls: find the configs, decide, build the good DAGs, show the bad.

One decision (:func:`dagforge.runtime.decision.decide`, over the same project check ``dagforge
validate`` runs) serves every way Airflow imports the loader:

- the DAG processor's full parse builds every accepted DAG and an error DAG or stand-in for every
  broken one;
- a worker's task-run parse (Airflow's parsing context names the DAG) builds only that DAG, or,
  when the decision shows it broken, a stand-in whose requested task fails with the problems;
- an unchanged project takes its decision from the project cache, re-checked first
  (:mod:`dagforge.runtime.vet`); an entry that fails the re-check is replaced.

A broken file never hides another file's DAGs, and no input makes this module raise: a bug met
in one file is that file's problem, and a bug anywhere else is one visible error DAG.
``AIRFLOW__DAGFORGE__STRICT=true`` instead fails the import on any problem (for CI).
"""

from __future__ import annotations

import gc
import logging
import os
import traceback
from collections.abc import Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dagforge.build import build_dags
from dagforge.errors import ConfigError, ConfigsNotFoundError
from dagforge.expand import ExpandedDag
from dagforge.language.keys import RESERVED_DAG_PREFIX
from dagforge.policy import Policy, load_policy
from dagforge.problems import Problem
from dagforge.project import load_project
from dagforge.runtime import errordag, projectcache
from dagforge.runtime.decision import Broken, Decision, decide, task_ids
from dagforge.runtime.vet import vet
from dagforge.settings import (
    CONFIGS_DIR_NAME,
    CONFIGS_ENV,
    STRICT_ENV,
)

log = logging.getLogger("dagforge.loader")
LOADER_ERROR_DAG = f"{RESERVED_DAG_PREFIX}loader"
Path_ = Literal["task", "cache", "full"]


@dataclass
class LoadOutcome:
    """What one parse of the loader produced: built DAGs, error DAGs, and every problem."""

    # How the decision was reached: "cache" (an unchanged project, re-checked) or "full" (every
    # file checked); "task" when only the DAG a worker asked for was built.
    path: Path_
    built: list[str] = field(default_factory=list)
    # error or stand-in dag_id → its problems
    broken: dict[str, list[Problem]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def find_configs_dir(dags_dir: Path) -> Path:
    """``$DAGFORGE_CONFIGS_DIR``, else ``dagfactory_configs/`` inside the dags folder (MWAA
    bundle), else beside it (this repository's layout)."""
    override = os.environ.get(CONFIGS_ENV)
    inside, beside = dags_dir / CONFIGS_DIR_NAME, dags_dir.parent / CONFIGS_DIR_NAME
    candidates = [Path(override)] if override else [inside, beside]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    raise ConfigsNotFoundError(candidates, CONFIGS_ENV)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the DAGs are built, back as it was after.

    Building thousands of DAGs allocates millions of objects that all stay alive; each full
    collection walks all of them, so with the collector on, the cost per DAG grows with the number
    of DAGs (4,000 DAGs took 1.5x as long as with it off). Nothing built here is garbage."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def strict_mode() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def parsing_context() -> tuple[str | None, str | None]:
    """The dag_id and task_id Airflow's parsing context asks for (a worker running one task)."""
    try:
        from airflow.sdk import get_parsing_context
    except ImportError:  # Airflow 2.x
        from airflow.utils.dag_parsing_context import (  # type: ignore[no-redef,unused-ignore]
            get_parsing_context,
        )
    context = get_parsing_context()
    return context.dag_id, context.task_id


def load_dags(target: MutableMapping[str, Any], dags_dir: Path) -> LoadOutcome:
    """Build the DAGs under the configs folder into ``target`` (the DAG file's globals)."""
    configs = find_configs_dir(dags_dir)
    strict = strict_mode()
    try:
        with collector_paused():
            return _load(target, configs, strict)
    except ConfigError:
        raise
    except Exception as exc:  # a bug in dagforge: show it, never lose every DAG silently
        if strict:
            raise
        log.exception("dagforge failed while loading %s", configs)
        target[LOADER_ERROR_DAG] = _loader_error_dag(configs, exc)
        return LoadOutcome("full", broken={LOADER_ERROR_DAG: []})


def _load(target: MutableMapping[str, Any], configs: Path, strict: bool) -> LoadOutcome:
    dag_id, task_id = parsing_context()
    dag_id = None if strict else dag_id
    policy = load_policy(configs)
    decision, how = current_decision(configs, policy, only=dag_id)
    if strict and any(p.severity == "error" for p in decision.problems):
        raise ConfigError([p for p in decision.problems if p.severity == "error"])
    if dag_id:
        return _build_one(target, decision, policy, dag_id, task_id)
    _log(decision.problems)
    outcome = LoadOutcome(how, problems=list(decision.problems))
    _build(target, outcome, decision.accepted, policy, strict=strict)
    _show_broken(target, outcome, decision.broken)
    return outcome


def current_decision(
    configs: Path, policy: Policy, only: str | None = None
) -> tuple[Decision, Path_]:
    """The decision for the configs as they are now: from the cache when it passes the re-check
    (of the DAG ``only`` names, when a task run needs just that one), else from the full check,
    which then refreshes the cache."""
    material = projectcache.key(configs, policy)
    cached = projectcache.load(material, only)
    if cached is not None and not _rejected(cached, configs, policy):
        return cached, "cache"
    project = load_project(
        [configs], configs, policy=policy, isolate=True, names_from=configs.parent
    )
    decision = decide(project)
    projectcache.save(material, decision)
    return (decision.narrowed(only) if only is not None else decision), "full"


def _rejected(decision: Decision, configs: Path, policy: Policy) -> list[str]:
    try:
        reasons = vet(decision, configs, policy)
    except RecursionError:
        reasons = ["nested too deep"]
    if reasons:
        log.warning("dagforge ignored its cached decision: %s", "; ".join(reasons[:3]))
    return reasons


def _build_one(
    target: MutableMapping[str, Any],
    decision: Decision,
    policy: Policy,
    dag_id: str,
    task_id: str | None,
) -> LoadOutcome:
    outcome = LoadOutcome("task")
    tasks = [task_id] if task_id else []
    _build(target, outcome, [d for d in decision.accepted if d.dag_id == dag_id], policy, tasks)
    broken = [b for b in decision.broken if b.dag_id == dag_id]
    _log([p for b in broken for p in b.problems])
    _show_broken(target, outcome, broken, tasks)
    return outcome


def _build(
    target: MutableMapping[str, Any],
    outcome: LoadOutcome,
    dags: list[ExpandedDag],
    policy: Policy,
    requested: Sequence[str] = (),
    *,
    strict: bool = False,
) -> None:
    """Build ``dags``; one dag-factory refuses becomes a stand-in, or fails the import when
    ``strict``."""
    built = build_dags(dags, isolate=True, strict=strict, policy=policy)
    target.update(built.dags)
    outcome.built = sorted(built.dags)
    configs = {dag.dag_id: dag for dag in dags}
    failed = [
        Broken(dag_id, p.file, [p], task_ids(configs[dag_id]))
        for dag_id, p in built.failures.items()
    ]
    _log([p for b in failed for p in b.problems])
    outcome.problems.extend(p for b in failed for p in b.problems)
    _show_broken(target, outcome, failed, requested)


def _show_broken(
    target: MutableMapping[str, Any],
    outcome: LoadOutcome,
    broken: Sequence[Broken],
    requested: Sequence[str] = (),
) -> None:
    """Error DAGs and stand-ins; with ``requested``, the task a worker asked for fails too."""
    for item in broken:
        if item.dag_id not in target:  # never shadow a good DAG
            tasks = [*item.task_ids, *requested]
            target[item.dag_id] = errordag.make_error_dag(
                item.dag_id, item.problems, item.file, tasks
            )
            outcome.broken[item.dag_id] = item.problems


def _log(problems: Sequence[Problem]) -> None:
    for problem in problems:
        level = logging.ERROR if problem.severity == "error" else logging.WARNING
        log.log(level, "%s", problem.format())


def _loader_error_dag(configs: Path, exc: Exception) -> Any:
    problem = Problem(
        file=str(configs),
        code="internal-error",
        message=f"dagforge failed while loading the configs: {type(exc).__name__}: {exc}",
        hint="a bug in dagforge; the traceback is in this DAG's docs and the DAG processor log:\n"
        + "".join(traceback.format_exception(exc))[-4000:],
    )
    return errordag.make_error_dag(LOADER_ERROR_DAG, [problem], str(configs))
