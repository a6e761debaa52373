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
from dagforge.language.templates import LOGICAL_DATE_KEYS, reads_of
from dagforge.language.variables import VariablesFile
from dagforge.language.walk import strings_at
from dagforge.load import JsonPath


def check_templates(file: FileContext, dag: ExpandedDag) -> list[Finding]:
    """One walk over the DAG's strings: a warning per logical-date key read without a guard, and
    (when the project has a ``variables.yml``) an error per Variable read it does not declare."""
    findings: list[Finding] = []
    for path, text in strings_at(dag.config):
        variables, date_keys = reads_of(text)
        findings.extend(_undefined_date(dag, path, name) for name in date_keys)
        if file.variables is not None:
            findings.extend(
                _undeclared(dag, path, key, file.variables)
                for key in variables
                if key not in file.variables.variables
            )
    return findings


def _undefined_date(dag: ExpandedDag, path: JsonPath, name: str) -> Finding:
    return Finding(
        dag=dag,
        cpath=path,
        code="logical-date-undefined",
        message=f"'{name}' is undefined in runs without a logical date (Airflow 3 runs triggered "
        "through the API or by an asset), and the task fails there",
        hint=f"write {{{{ {LOGICAL_DATE_KEYS[name]} }}}}: it is the logical date when there is "
        "one, else when the run was due",
    )


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
