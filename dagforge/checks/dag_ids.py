"""dag_ids: a template must make ids Airflow accepts, and no id may be defined twice."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dagforge.checks.base import FileContext
from dagforge.expand import ExpandedDag
from dagforge.language.keys import RESERVED_DAG_PREFIX
from dagforge.language.patterns import ID_CHARACTERS, ID_MAX_LENGTH, valid_id
from dagforge.problems import Problem


def reserved_dag_ids(file: FileContext) -> Iterator[Problem]:
    """A dag_id in the loader's own namespace: it would hide the real error DAG of a file."""
    for dag in file.dags:
        if dag.dag_id.startswith(RESERVED_DAG_PREFIX):
            yield file.doc.problem(
                dag.origin.path,
                code="reserved-dag-id",
                message=f"dag_id '{dag.dag_id}' starts with '{RESERVED_DAG_PREFIX}', which the "
                "loader keeps for the error DAGs of broken files",
                hint="choose another dag_id",
                key=dag.origin.template_path is None,
            )


def template_dag_ids(file: FileContext) -> Iterator[Problem]:
    """A dag_id a template makes from instance values, which Airflow would reject."""
    for dag in file.dags:
        if dag.origin.template_path is not None and not valid_id(dag.dag_id):
            yield file.doc.problem(
                dag.origin.path,
                code="invalid-dag-id",
                message=f"the template makes dag_id '{dag.dag_id}', which Airflow rejects",
                hint=f"use instance values with {ID_CHARACTERS} only (at most {ID_MAX_LENGTH}), "
                "or a filter such as {name|slug}",
            )


def duplicate_dag_ids(dags: Iterable[ExpandedDag]) -> list[Problem]:
    """A dag_id defined twice, within one file or across files (the project-wide check)."""
    seen: dict[str, ExpandedDag] = {}
    problems = []
    for dag in dags:
        first = seen.setdefault(dag.dag_id, dag)
        if first is not dag:
            problems.append(
                Problem(
                    file=dag.origin.file,
                    line=dag.origin.line,
                    column=1,
                    code="duplicate-dag-id",
                    message=f"dag_id '{dag.dag_id}' is already defined at "
                    f"{first.origin.describe()}",
                    hint="rename one of them; dag_ids must be unique across the project",
                )
            )
    return problems
