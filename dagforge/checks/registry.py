"""The checks ``validate`` runs on every config file, in this order (as pre-commit lists its
languages). Each entry names the check; the codes it reports are the ones :mod:`dagforge.codes`
lists with that name as their source.
"""

from __future__ import annotations

from collections.abc import Iterable

from dagforge.checks.base import Check, DagCheck, FileCheck, FileContext
from dagforge.checks.callables import check_callables
from dagforge.checks.callbacks import check_callbacks
from dagforge.checks.contracts import check_contracts
from dagforge.checks.dag_ids import reserved_dag_ids, template_dag_ids
from dagforge.checks.dag_keys import check_dag_keys
from dagforge.checks.document import (
    deprecated_operator_paths,
    misspelled_sections,
    top_level_task_groups,
)
from dagforge.checks.graph import check_graph
from dagforge.checks.instances import check_instances
from dagforge.checks.operators import check_operators
from dagforge.checks.schema_errors import schema_problems
from dagforge.checks.taskflow import check_taskflow
from dagforge.checks.templates import check_templates
from dagforge.checks.untrusted import untrusted_commands
from dagforge.checks.values import check_values
from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag
from dagforge.problems import Problem


def _schema(file: FileContext) -> list[Problem]:
    return schema_problems(file.doc, policy=file.policy)


def _sections(file: FileContext) -> list[Problem]:
    if not isinstance(file.doc.data, dict):
        return []
    return [*misspelled_sections(file.doc), *top_level_task_groups(file.doc)]


def _instances(file: FileContext) -> list[Problem]:
    return check_instances(file.doc)


def _values(file: FileContext) -> list[Problem]:
    return check_values(file.doc)


def _operator_paths(file: FileContext) -> list[Problem]:
    return deprecated_operator_paths(file.doc)


def _graph(file: FileContext, dag: ExpandedDag) -> Iterable[Finding]:
    return check_graph(dag)


def _dag_keys(file: FileContext, dag: ExpandedDag) -> Iterable[Finding]:
    return check_dag_keys(dag)


def _operators(file: FileContext, dag: ExpandedDag) -> Iterable[Finding]:
    return check_operators(dag, file.policy)


def _callables(file: FileContext, dag: ExpandedDag) -> Iterable[Finding]:
    return check_callables(file.doc, dag, file.policy)


def _callbacks(file: FileContext, dag: ExpandedDag) -> Iterable[Finding]:
    return check_callbacks(dag, file.policy)


def _taskflow(file: FileContext, dag: ExpandedDag) -> Iterable[Finding]:
    return check_taskflow(dag, file.policy)


CHECKS: tuple[Check, ...] = (
    FileCheck("schema", _schema),
    FileCheck("sections", _sections),
    FileCheck("instances", _instances),
    FileCheck("operator-paths", _operator_paths),
    FileCheck("dag-ids", template_dag_ids),
    FileCheck("reserved-ids", reserved_dag_ids),
    FileCheck("values", _values),
    DagCheck("graph", _graph),
    DagCheck("dag-keys", _dag_keys),
    DagCheck("operators", _operators),
    DagCheck("callables", _callables),
    DagCheck("templates", check_templates),
    DagCheck("untrusted", untrusted_commands),
    FileCheck("contracts", check_contracts),
    DagCheck("callbacks", _callbacks),
    DagCheck("taskflow", _taskflow),
)
