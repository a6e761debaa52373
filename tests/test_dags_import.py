"""The loader DAG file imported by Airflow's own DagBag, as the scheduler does."""

from __future__ import annotations

from typing import Any

import pytest

from dagforge import localairflow
from tests.conftest import REPO

EXPECTED_COUNTRIES = ("AU", "BR", "DE", "ES", "FR", "IN", "JP", "MX", "NA", "NG", "NO", "RU", "ZA")


@pytest.fixture(scope="module")
def imported() -> localairflow.ImportResult:
    return localairflow.import_dags(REPO / "dags")


def test_no_import_errors(imported: localairflow.ImportResult) -> None:
    assert imported.errors == {}


def test_exact_dag_ids(imported: localairflow.ImportResult) -> None:
    assert sorted(imported.dags) == sorted(f"who_country_{code}" for code in EXPECTED_COUNTRIES)


def _task(dag: Any) -> Any:
    return dag.get_task("process_country")


@pytest.mark.parametrize("code", ["NA", "NO"])
def test_country_code_survives_yaml_as_text(imported: localairflow.ImportResult, code: str) -> None:
    kwargs = _task(imported.dags[f"who_country_{code}"]).op_kwargs
    assert kwargs["country_code"] == code
    assert kwargs["bucket"] == "{{ var.value.dagforge_data_bucket }}"


def test_defaults_layers_reach_the_dag(imported: localairflow.ImportResult) -> None:
    dag = imported.dags["who_country_AU"]
    task = _task(dag)
    assert task.owner == "data-engineering"
    assert task.retries == 1 and task.retry_delay.total_seconds() == 300
    assert dag.dagrun_timeout.total_seconds() == 600
    assert dag.max_active_runs == 1 and dag.catchup is False
    assert set(dag.tags) == {"who", "country:AU", "dagfactory"}  # dag-factory adds its own tag
    assert task.start_date.isoformat().startswith("2024-03-01")
