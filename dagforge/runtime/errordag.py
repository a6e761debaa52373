"""Broken configs made visible in the Airflow UI: one error DAG per broken file, plus stand-ins.

A file with problems builds no DAGs. Instead the loader adds

- ``dagforge_config_error__<file>``: a DAG tagged ``dagforge-error`` whose description names the
  first problem (file:line: message) and whose docs list them all, and
- a stand-in for every dag_id the broken file still names (a config that was valid and became
  invalid): same dag_id, same tag, the problem in its description, so it shows as broken instead of
  vanishing. Its history stays; it has no schedule, and a manual run fails with the problems.

Both disappear on the next parse after the file is fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from dagforge.errors import BrokenConfigError
from dagforge.problems import Problem

ERROR_TAG = "dagforge-error"
ERROR_TASK_ID = "config_error"
_START = datetime(2024, 1, 1, tzinfo=UTC)


def report_text(file: str, problems: Sequence[Problem]) -> str:
    lines = [f"dagforge could not build DAGs from {file}: {len(problems)} problem(s)", ""]
    return "\n".join(lines + [p.format() for p in problems])


def raise_config_error(report: str) -> None:
    """The task of an error DAG: fail with the config problems."""
    raise BrokenConfigError(report)


def make_error_dag(
    dag_id: str, problems: Sequence[Problem], file: str, task_ids: Sequence[str] = ()
) -> Any:
    """A DAG that names the problems; built with Airflow directly (dag-factory is not involved).

    Its task ``config_error`` fails with the problems; so does each of ``task_ids`` (the task a
    worker was asked to run, so a run of a DAG that became broken fails with the problems instead
    of "task not found").
    """
    try:
        from airflow.sdk import DAG
    except ImportError:  # Airflow 2.x
        from airflow.models import DAG  # type: ignore[no-redef,attr-defined,unused-ignore]
    try:
        from airflow.providers.standard.operators.python import PythonOperator
    except ImportError:  # Airflow 2.x without the standard provider
        from airflow.operators.python import PythonOperator  # type: ignore[no-redef,unused-ignore]

    report = report_text(file, problems)
    first = problems[0].format().splitlines()[0] if problems else f"{file}: broken"
    with DAG(
        dag_id,
        schedule=None,
        start_date=_START,
        catchup=False,
        tags=[ERROR_TAG],
        description=f"BROKEN CONFIG: {first}"[:2000],
        doc_md=f"```\n{report}\n```",
    ) as dag:
        for task_id in dict.fromkeys([ERROR_TASK_ID, *task_ids]):
            # partial, not op_kwargs: op_kwargs are Jinja-rendered and the report may hold braces.
            PythonOperator(task_id=task_id, python_callable=partial(raise_config_error, report))
    return dag
