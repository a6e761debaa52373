"""What the loader DAG file calls: find the configs, check them, build the good DAGs, show the bad.

- A broken file never hides another file's DAGs; its problems become visible error DAGs (see
  :mod:`dagforge.runtime.errordag`) and are logged with the same text.
- ``AIRFLOW__DAGFORGE__STRICT=true`` turns any problem into a failing import (for CI).
- Under Airflow's parsing context (a worker running one task) only the requested DAG is built.
- An unchanged project that had no problems is not checked again, in this process or the next
  (:mod:`dagforge.runtime.projectcache`).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dagforge.build import build_dags
from dagforge.errors import ConfigError, ConfigsNotFoundError
from dagforge.expand import ExpandedDag
from dagforge.language.keys import SECTIONS
from dagforge.policy import load_policy
from dagforge.problems import Problem
from dagforge.project import FileResult, load_project
from dagforge.runtime import errordag, projectcache
from dagforge.runtime.locate import find_dag
from dagforge.settings import CONFIGS_DIR_NAME, CONFIGS_ENV, STRICT_ENV

log = logging.getLogger("dagforge.runtime.loader")

_TOP_LEVEL_KEY = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.-]*):", re.MULTILINE)


@dataclass
class LoadOutcome:
    """What one parse of the loader produced: built DAGs, error DAGs, and every problem."""

    # How the DAGs were found: "task" (one DAG for a task run), "cache" (an unchanged project
    # checked before), "full" (every file checked).
    path: Literal["task", "cache", "full"]
    built: list[str] = field(default_factory=list)
    # error or stand-in dag_id → its problems
    broken: dict[str, list[Problem]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def find_configs_dir(dags_dir: Path) -> Path:
    """``$DAGFORGE_CONFIGS_DIR``, else ``dagfactory_configs/`` inside the dags folder (MWAA bundle),
    else beside it (this repository's layout)."""
    override = os.environ.get(CONFIGS_ENV)
    candidates = (
        [Path(override)]
        if override
        else [dags_dir / CONFIGS_DIR_NAME, dags_dir.parent / CONFIGS_DIR_NAME]
    )
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    raise ConfigsNotFoundError(candidates, CONFIGS_ENV)


def strict_mode() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def requested_dag_id() -> str | None:
    """The dag_id Airflow's parsing context asks for (a worker running one task), if any."""
    try:
        from airflow.sdk import get_parsing_context
    except ImportError:  # Airflow 2.x
        from airflow.utils.dag_parsing_context import get_parsing_context  # type: ignore[no-redef,unused-ignore]
    dag_id: str | None = get_parsing_context().dag_id
    return dag_id


def load_dags(target: MutableMapping[str, Any], dags_dir: Path) -> LoadOutcome:
    """Build the DAGs under the configs folder into ``target`` (the DAG file's globals)."""
    configs = find_configs_dir(dags_dir)
    wanted = requested_dag_id()
    if wanted and not strict_mode():
        outcome = _load_one(target, configs, wanted)
        if outcome is not None:
            return outcome
    return _load_all(target, configs)


def _load_one(target: MutableMapping[str, Any], configs: Path, dag_id: str) -> LoadOutcome | None:
    located = find_dag(configs, dag_id)
    if (
        located is None
        or located.dag is None
        or any(p.severity == "error" for p in located.problems)
    ):
        return None  # not found, or broken: the full load builds the error DAGs
    built = build_dags([located.dag], policy=load_policy(configs))
    target.update(built.dags)
    return LoadOutcome("task", built=list(built.dags)) if built.dags else None


def _load_all(target: MutableMapping[str, Any], configs: Path) -> LoadOutcome:
    material = projectcache.key_material(configs)
    clean = projectcache.load(material) if material else None
    if clean is not None:  # unchanged since a parse that found no problem at all
        built = build_dags(clean, strict=strict_mode(), policy=load_policy(configs))
        target.update(built.dags)
        outcome = LoadOutcome("cache", built=sorted(built.dags))
        _add_build_failures(target, outcome, clean, built.failures)
        return outcome
    project = load_project([configs], root=configs)
    outcome = LoadOutcome("full", problems=project.report.sorted())
    for problem in outcome.problems:
        log.log(
            logging.ERROR if problem.severity == "error" else logging.WARNING,
            "%s",
            problem.format(),
        )
    if strict_mode() and project.report.errors:
        raise ConfigError(project.report.errors)
    built = build_dags(project.dags(), strict=strict_mode(), policy=project.policy)
    target.update(built.dags)
    outcome.built = sorted(built.dags)
    for result in project.files:
        if not result.ok:
            _add_broken_file(target, outcome, result, result.path.relative_to(configs).as_posix())
    _add_build_failures(target, outcome, project.dags(), built.failures)
    if material and not any(p.severity != "info" for p in project.report.problems):
        projectcache.store(material, project.dags())
    return outcome


def _add_broken_file(
    target: MutableMapping[str, Any], outcome: LoadOutcome, result: FileResult, name: str
) -> None:
    problems = sorted(p for p in result.problems if p.severity == "error")
    ids = [errordag.error_dag_id(name), *_named_dag_ids(result)]
    for dag_id in ids:
        if dag_id not in target:  # never shadow a good DAG of another file
            target[dag_id] = errordag.make_error_dag(dag_id, problems, result.doc.file)
            outcome.broken[dag_id] = problems


def _named_dag_ids(result: FileResult) -> list[str]:
    """dag_ids a broken file still names: from its partial expansion, else its top-level keys."""
    if result.dags:
        return [dag.dag_id for dag in result.dags]
    try:
        text = result.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [key for key in _TOP_LEVEL_KEY.findall(text) if key not in SECTIONS]


def _add_build_failures(
    target: MutableMapping[str, Any],
    outcome: LoadOutcome,
    dags: list[ExpandedDag],
    failures: dict[str, str],
) -> None:
    origins = {dag.dag_id: dag.origin for dag in dags}
    for dag_id, text in failures.items():
        origin = origins[dag_id]
        problem = Problem(
            file=origin.file,
            line=origin.line,
            column=1,
            code="build-failed",
            message=f"dag-factory could not build DAG '{dag_id}': {text}",
            hint="run 'dagforge validate' and 'dagforge render' on this DAG to see the config it "
            "got",
        )
        log.error("%s", problem.format())
        target[dag_id] = errordag.make_error_dag(dag_id, [problem], origin.file)
        outcome.broken[dag_id] = [problem]
        outcome.problems.append(problem)
