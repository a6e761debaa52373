"""The checks ``validate`` runs on every config file, in this order (as pre-commit lists its
languages). Each entry names the check; the codes it reports are the ones :mod:`dagforge.codes`
lists with that name as their source.
"""

from __future__ import annotations

from collections.abc import Iterable

from dagforge.checks.base import Check, DagCheck, FileCheck, FileContext
from dagforge.checks.callables import check_callables
from dagforge.checks.contracts import check_contracts
from dagforge.checks.dag_ids import reserved_dag_ids, template_dag_ids
from dagforge.checks.document import deprecated_operator_paths, misspelled_sections
from dagforge.checks.graph import check_graph
from dagforge.checks.instances import check_instances
from dagforge.checks.schedules import check_schedule_form
from dagforge.checks.schema_errors import schema_problems
from dagforge.checks.templates import check_logical_date, check_variable_reads
from dagforge.checks.untrusted import untrusted_commands
from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag
from dagforge.problems import Problem


def _schema(file: FileContext) -> list[Problem]:
    return schema_problems(file.doc)


def _sections(file: FileContext) -> list[Problem]:
    return misspelled_sections(file.doc) if isinstance(file.doc.data, dict) else []


def _instances(file: FileContext) -> list[Problem]:
    return check_instances(file.doc)


def _operator_paths(file: FileContext) -> list[Problem]:
    return deprecated_operator_paths(file.doc)


def _graph(file: FileContext, dag: ExpandedDag) -> Iterable[Finding]:
    return check_graph(dag)


def _schedules(file: FileContext, dag: ExpandedDag) -> Iterable[Finding]:
    return check_schedule_form(dag)


def _callables(file: FileContext, dag: ExpandedDag) -> Iterable[Finding]:
    return check_callables(file.doc, dag, file.packages)


def _variables(file: FileContext, dag: ExpandedDag) -> Iterable[Finding]:
    return check_variable_reads(file, dag)


def _logical_date(file: FileContext, dag: ExpandedDag) -> Iterable[Finding]:
    return check_logical_date(dag)


CHECKS: tuple[Check, ...] = (
    FileCheck("schema", _schema),
    FileCheck("sections", _sections),
    FileCheck("instances", _instances),
    FileCheck("operator-paths", _operator_paths),
    FileCheck("dag-ids", template_dag_ids),
    FileCheck("reserved-ids", reserved_dag_ids),
    DagCheck("graph", _graph),
    DagCheck("schedules", _schedules),
    DagCheck("callables", _callables),
    DagCheck("variables", _variables),
    DagCheck("logical-date", _logical_date),
    DagCheck("untrusted", untrusted_commands),
    FileCheck("contracts", check_contracts),
)
