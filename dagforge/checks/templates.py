"""Jinja templates in config values: the Variables they read must be declared in
``variables.yml``, and what they read of the logical date must exist for every run.

On Airflow 3 a run triggered through the API with ``logical_date: null``, and every
asset-triggered run, has no logical date: ``{{ ds }}`` is undefined there and the task fails
when it renders. The hint gives the expression that works for every run.
"""

from __future__ import annotations

from dagforge.checks.base import FileContext
from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag
from dagforge.language.hints import did_you_mean
from dagforge.language.templates import LOGICAL_DATE_KEYS, reads_of, strings_at
from dagforge.language.variables import VariablesFile
from dagforge.load import JsonPath


def check_logical_date(dag: ExpandedDag) -> list[Finding]:
    """A warning per template that reads a logical-date key without a guard."""
    findings: list[Finding] = []
    for path, text in strings_at(dag.config):
        for name in reads_of(text)[1]:
            findings.append(
                Finding(
                    dag=dag,
                    cpath=path,
                    code="logical-date-undefined",
                    message=f"'{name}' is undefined in runs without a logical date (Airflow 3 "
                    "runs triggered through the API or by an asset), and the task fails there",
                    hint=f"write {{{{ {LOGICAL_DATE_KEYS[name]} }}}}: it is the logical date "
                    "when there is one, else when the run was due",
                )
            )
    return findings


def check_variable_reads(file: FileContext, dag: ExpandedDag) -> list[Finding]:
    """An error per Variable read that ``variables.yml`` does not declare."""
    if file.variables is None:
        return []
    declared = file.variables.variables
    findings: list[Finding] = []
    for path, text in strings_at(dag.config):
        for key in reads_of(text)[0]:
            if key not in declared:
                findings.append(_undeclared(dag, path, key, file.variables))
    return findings


def _undeclared(dag: ExpandedDag, path: JsonPath, key: str, variables: VariablesFile) -> Finding:
    close = did_you_mean(key, variables.variables)
    where = variables.doc.file
    return Finding(
        dag=dag,
        cpath=path,
        code="variable-undeclared",
        message=f"reads Airflow Variable '{key}', which {where} does not declare",
        hint=close or f"declare it in {where} with a value per profile (or `secret: true`)",
    )
