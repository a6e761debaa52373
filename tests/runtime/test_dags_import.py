"""The loader DAG file imported by Airflow's own DagBag, as the scheduler does."""

from __future__ import annotations

from typing import Any

import pytest

from dagforge.mwaa import localairflow
from tests.conftest import REPO

EXPECTED_COUNTRIES = ("AU", "BR", "DE", "ES", "FR", "IN", "JP", "MX", "NA", "NG", "NO", "RU", "ZA")
EXPECTED_SOURCES = ("bike_trips", "inventory", "orders", "web_events")
SPLIT_ASSET = "dagforge://who/split"


@pytest.fixture(scope="module")
def imported() -> localairflow.ImportResult:
    return localairflow.import_dags(REPO / "dags")


def test_no_import_errors(imported: localairflow.ImportResult) -> None:
    assert imported.errors == {}


def test_exact_dag_ids(imported: localairflow.ImportResult) -> None:
    assert sorted(imported.dags) == sorted(
        [
            *(f"who_country_{code}" for code in EXPECTED_COUNTRIES),
            "who_split",
            *(f"ingest_{source}" for source in EXPECTED_SOURCES),
            "landed_orders",
            "landed_web_events",
        ]
    )


def _task(dag: Any) -> Any:
    return dag.get_task("process_country")


@pytest.mark.parametrize("code", ["NA", "NO"])
def test_country_code_survives_yaml_as_text(imported: localairflow.ImportResult, code: str) -> None:
    kwargs = _task(imported.dags[f"who_country_{code}"]).op_kwargs
    assert kwargs["country_code"] == code
    assert kwargs["bucket"] == "{{ var.value.dagforge_data_bucket }}"


def test_split_updates_the_asset_the_countries_are_scheduled_on(
    imported: localairflow.ImportResult,
) -> None:
    split = imported.dags["who_split"].get_task("split_countries")
    assert [asset.uri for asset in split.outlets] == [SPLIT_ASSET]
    timetable = imported.dags["who_country_NA"].timetable
    condition = (
        getattr(timetable, "asset_condition", None) or timetable.dataset_condition
    )  # Airflow 3 / 2
    assert [asset.uri for asset in getattr(condition, "objects", [condition])] == [
        SPLIT_ASSET
    ]  # one Dataset on 2.x
    assert _task(imported.dags["who_country_NA"]).python_callable.__name__ == "country_from_split"


@pytest.mark.parametrize("source", EXPECTED_SOURCES)
def test_source_contract_reaches_the_callable(
    imported: localairflow.ImportResult, source: str
) -> None:
    from callables.contract import load_contract

    kwargs = imported.dags[f"ingest_{source}"].get_task("landing_to_raw").op_kwargs
    contract = load_contract(
        kwargs["columns"], kwargs["file_format"], kwargs["partition_key"], kwargs["partition"]
    )
    assert kwargs["raw_prefix"] == f"raw/{source}" and len(contract.columns) >= 5


def test_defaults_layers_reach_the_dag(imported: localairflow.ImportResult) -> None:
    dag = imported.dags["who_country_AU"]
    task = _task(dag)
    assert task.owner == "data-engineering"
    assert task.retries == 1 and task.retry_delay.total_seconds() == 300
    assert dag.dagrun_timeout.total_seconds() == 600
    assert dag.max_active_runs == 1 and dag.catchup is False
    assert set(dag.tags) == {"who", "country:AU", "dagfactory"}  # dag-factory adds its own tag
    assert task.start_date.isoformat().startswith("2024-03-01")


def test_an_asset_triggered_country_run_takes_the_split_runs_date(
    imported: localairflow.ImportResult,
) -> None:
    """Asset-triggered runs have no logical date: ``ds`` comes from the split run that made the
    event (its logical date, or when it ran when it had none); other runs take their own.
    """
    from datetime import UTC, datetime
    from types import SimpleNamespace

    def run(day: int | None, ran: int) -> SimpleNamespace:
        logical = datetime(2024, 3, day, tzinfo=UTC) if day else None
        return SimpleNamespace(logical_date=logical, run_after=datetime(2024, 3, ran, tzinfo=UTC))

    task = _task(imported.dags["who_country_NA"])
    own = run(None, 20)  # this run: asset-triggered, no logical date
    for split, ds in ((run(7, 9), "2024-03-07"), (run(None, 9), "2024-03-09")):
        event = SimpleNamespace(source_dag_run=split)
        triggered = {"triggering_asset_events": {SPLIT_ASSET: [event]}, "dag_run": own}
        assert task.render_template(task.op_kwargs["ds"], triggered) == ds
    scheduled = {"triggering_asset_events": {}, "dag_run": run(8, 9)}
    assert task.render_template(task.op_kwargs["ds"], scheduled) == "2024-03-08"
    through_the_api = {"triggering_asset_events": {}, "dag_run": run(None, 10)}
    assert task.render_template(task.op_kwargs["ds"], through_the_api) == "2024-03-10"
