"""Codes of the operating side: templates that need a logical date, and ``variables.yml`` (the
Variables the configs read, per environment profile)."""

from __future__ import annotations

from dagforge.codes.code import Code

OPERATE_CODES: tuple[Code, ...] = (
    Code(
        "logical-date-undefined",
        "reads `ds` (or a key like it): undefined in Airflow 3 runs without a logical date",
        "templates",
        '`ds: "{{ ds }}"`',
        "`{{ (dag_run.logical_date or dag_run.run_after) | ds }}`",
        severity="warning",
    ),
    Code("variable-undeclared", "reads a Variable `variables.yml` does not declare", "templates"),
    Code(
        "variable-secret-value",
        "a secret-looking Variable with a value",
        "variables-file",
        hint="AWS Secrets Manager",
    ),
    Code("variable-unknown-profile", "a value for a profile not in `profiles`", "variables-file"),
    Code("variable-no-value", "a profile without a value", "variables-file", severity="warning"),
)
