"""The validate stage: the one place that decides whether a config file is acceptable.

:func:`check_file` runs every check of :data:`dagforge.checks.registry.CHECKS` over one file (as
written, and the DAGs it expands to); :func:`check_defaults` checks a ``defaults.yml``;
:func:`check_project` finds what only the whole project shows (a dag_id defined twice). They
return problems, never raise, and never import Airflow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dagforge.checks.base import FileContext
from dagforge.checks.dag_ids import duplicate_dag_ids
from dagforge.checks.document import misspelled_sections
from dagforge.checks.registry import CHECKS
from dagforge.checks.schema_errors import schema_problems
from dagforge.checks.variables import variables_file_problems
from dagforge.expand import ExpandedDag
from dagforge.language.variables import VariablesFile
from dagforge.load import Document
from dagforge.policy import Policy
from dagforge.problems import Problem


def check_file(
    doc: Document,
    dags: Sequence[ExpandedDag],
    policy: Policy,
    variables: VariablesFile | None = None,
) -> list[Problem]:
    """Every problem of one config file: its own (load) problems and every check's.

    ``policy`` says which code the file may name (the project's, see :mod:`dagforge.policy`);
    ``variables`` is the project's ``variables.yml``, when it has one.
    """
    if doc.data is None:
        return list(doc.problems)
    file = FileContext(doc, tuple(dags), policy, variables)
    found = [*doc.problems, *(problem for check in CHECKS for problem in check.run(file))]
    return _beside_misspelled_sections(doc, found)


def _beside_misspelled_sections(doc: Document, problems: list[Problem]) -> list[Problem]:
    """``defualt:`` read as a DAG is one mistake: its 'unknown key', not what it lacks as a DAG."""
    if not isinstance(doc.data, dict):
        return problems
    hidden = {p.path for p in misspelled_sections(doc)}
    return [
        p
        for p in problems
        if not any(
            p.path == h and p.code != "unknown-key" or p.path.startswith((f"{h}.", f"{h}["))
            for h in hidden
        )
    ]


def check_defaults(doc: Document) -> list[Problem]:
    """Problems of a ``defaults.yml`` file: it may hold DAG-level keys only."""
    return [*doc.problems, *schema_problems(doc, "dagDefaults")]


def check_variables(doc: Document) -> list[Problem]:
    """Problems of a ``variables.yml`` file: its schema, secrets in plain text, its profiles."""
    return variables_file_problems(doc)


def check_project(dags: Iterable[ExpandedDag]) -> list[Problem]:
    """What only the whole project shows: a dag_id defined twice, within or across files."""
    return duplicate_dag_ids(dags)
