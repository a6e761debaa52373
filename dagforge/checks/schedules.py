"""Schedules that validate as written but that dag-factory cannot build on the Airflow we run."""

from __future__ import annotations

from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag


def check_schedule_form(dag: ExpandedDag) -> list[Finding]:
    """dag-factory 1.1 builds ``schedule: {datasets: [...]}`` on Airflow 2 only; on Airflow 3 the
    DAG fails.
    """
    schedule = dag.config.get("schedule")
    if (
        not isinstance(schedule, dict)
        or set(schedule) != {"datasets"}
        or not isinstance(schedule["datasets"], list)
    ):
        return []
    uris = ", ".join(f'"{uri}"' for uri in schedule["datasets"])
    return [
        Finding(
            dag=dag,
            cpath=("schedule",),
            code="asset-schedule-form",
            message="dag-factory 1.1 turns `schedule: {datasets: [...]}` into assets on Airflow "
            "2 only; on Airflow 3 this DAG fails to build",
            hint=f"for Airflow 3 write `schedule: [{uris}]`",
            key=True,
            severity="warning",
        )
    ]
