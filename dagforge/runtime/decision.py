"""The decision one state of the configs leads to: which DAGs to build, and which to show broken.

Every path that turns configs into DAGs reaches it through :func:`decide` over the same
:func:`dagforge.project.load_project` that ``dagforge validate`` runs: the DAG processor's full
parse, a worker's task-run parse, and a parse that finds the decision in the project cache
(which re-checks it first, see :mod:`dagforge.runtime.vet`). So a config ``validate`` rejects
is never built, whichever way Airflow imports the loader.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from dagforge.expand import ExpandedDag
from dagforge.language.keys import RESERVED_DAG_PREFIX, SECTIONS
from dagforge.language.patterns import ID_MAX_LENGTH, valid_id
from dagforge.language.walk import tasks_of
from dagforge.load.files import read_text
from dagforge.problems import Problem
from dagforge.project import FileResult, ProjectResult

_TOP_LEVEL_KEY = re.compile(r"^([^\s#:'\"-][^:\n]*?):", re.MULTILINE)
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class Broken:
    """A DAG shown broken: an error DAG for a file, or a stand-in keeping a dag_id visible."""

    dag_id: str  # always a dag_id Airflow accepts
    file: str
    problems: list[Problem]
    # The tasks its config names: the stand-in has them too, so running any of them (a worker,
    # `airflow tasks test`) fails with the problems instead of "task not found".
    task_ids: list[str] = field(default_factory=list)


@dataclass
class Decision:
    accepted: list[ExpandedDag] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # every problem, warnings too

    def broken_ids(self) -> set[str]:
        return {item.dag_id for item in self.broken}

    def narrowed(self, dag_id: str) -> Decision:
        """The part of the decision about one dag_id (a task run needs no more)."""
        accepted = [dag for dag in self.accepted if dag.dag_id == dag_id]
        broken = [item for item in self.broken if item.dag_id == dag_id]
        return Decision(accepted, broken, [p for item in broken for p in item.problems])


def error_dag_id(file: str) -> str:
    """The error DAG's id for a broken file: always valid, and unique per file name."""
    slug = _UNSAFE.sub("_", file).strip("_.")
    budget = ID_MAX_LENGTH - len(RESERVED_DAG_PREFIX) - 9
    if slug == file and len(slug) <= budget:
        return RESERVED_DAG_PREFIX + slug
    digest = hashlib.sha256(file.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{RESERVED_DAG_PREFIX}{slug[:budget]}_{digest}"


def decide(project: ProjectResult) -> Decision:
    """Build the DAGs of files without errors, except dag_ids defined twice; show the rest."""
    decision = Decision(problems=project.report.sorted())
    twice = _duplicates(project)
    for result in project.files:
        if result.ok:
            decision.accepted.extend(dag for dag in result.dags if dag.dag_id not in twice)
        else:
            decision.broken.extend(_broken_file(result, _relative(result, project)))
    accepted = {dag.dag_id for dag in decision.accepted}
    taken = accepted | decision.broken_ids()
    decision.broken.extend(b for b in _twice(twice) if b.dag_id not in taken)
    decision.broken = _first_per_id(decision.broken, accepted)
    return decision


def _duplicates(project: ProjectResult) -> dict[str, list[ExpandedDag]]:
    """Every dag_id defined more than once, with its definitions in project order."""
    by_id: dict[str, list[ExpandedDag]] = defaultdict(list)
    for dag in (dag for result in project.files for dag in result.dags):
        by_id[dag.dag_id].append(dag)
    return {dag_id: dags for dag_id, dags in by_id.items() if len(dags) > 1}


def _twice(twice: dict[str, list[ExpandedDag]]) -> list[Broken]:
    """One stand-in per dag_id defined more than once, naming every place it is defined."""
    result = []
    for dag_id, dags in sorted(twice.items()):
        origins = [d.origin for d in dags]
        places = ", ".join(origin.describe() for origin in origins)
        problem = Problem(
            file=origins[-1].file,
            line=origins[-1].line,
            column=1,
            code="duplicate-dag-id",
            message=f"dag_id '{dag_id}' is defined {len(origins)} times: {places}",
            hint="rename all but one of them; dag_ids must be unique across the project",
        )
        tasks = [t for d in dags for t in task_ids(d)]
        result.append(Broken(dag_id, origins[-1].file, [problem], list(dict.fromkeys(tasks))))
    return result


def _relative(result: FileResult, project: ProjectResult) -> str:
    """The file's name inside the configs folder (what its error DAG is named after)."""
    inside = result.path.is_relative_to(project.root)
    return result.path.relative_to(project.root).as_posix() if inside else result.doc.file


def _broken_file(result: FileResult, name: str) -> list[Broken]:
    problems = sorted(p for p in result.problems if p.severity == "error")
    error_dag = Broken(error_dag_id(name), result.doc.file, problems)
    tasks = {dag.dag_id: task_ids(dag) for dag in result.dags}
    stand_ins = [
        Broken(dag_id, result.doc.file, problems, tasks.get(dag_id, []))
        for dag_id in named_dag_ids(result)
        if _standable(dag_id)
    ]
    return [error_dag, *stand_ins]


def task_ids(dag: ExpandedDag) -> list[str]:
    """The valid task ids a DAG's config names (a stand-in may take them)."""
    return [task_id for task_id, _, _ in tasks_of(dag.config) if valid_id(task_id)]


def named_dag_ids(result: FileResult) -> list[str]:
    """dag_ids a broken file still names: its partial expansion, else its top-level keys."""
    if result.dags:
        return [dag.dag_id for dag in result.dags]
    if any(p.code == "file-refused" for p in result.problems):
        return []  # never read: it could be anything, anywhere
    text = read_text(result.path, result.doc.file)
    if isinstance(text, Problem):
        return []
    return [key.strip() for key in _TOP_LEVEL_KEY.findall(text) if key.strip() not in SECTIONS]


def _standable(dag_id: str) -> bool:
    """Whether a stand-in may take this id: valid for Airflow, not in the error DAGs' namespace."""
    return valid_id(dag_id) and not dag_id.startswith(RESERVED_DAG_PREFIX)


def _first_per_id(broken: list[Broken], accepted: set[str]) -> list[Broken]:
    """One broken DAG per id, never shadowing a DAG another file builds."""
    seen: dict[str, Broken] = {}
    for item in broken:
        if item.dag_id not in accepted:
            seen.setdefault(item.dag_id, item)
    return list(seen.values())
