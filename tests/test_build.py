"""dagforge.build: dag-factory's DagBuilder driven per DAG."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from dagforge import build
from dagforge.errors import UnsafeTypeError
from dagforge.expand import ExpandedDag, Origin

# The build stage is the one that imports Airflow and dag-factory.
pytestmark = pytest.mark.airflow

EMPTY = "airflow.providers.standard.operators.empty.EmptyOperator"


def _dag(dag_id: str = "d", **config: Any) -> ExpandedDag:
    base = {
        "default_args": {"owner": "t", "start_date": "2024-03-01", "retry_delay": "1h30m"},
        "schedule": None,
        "tasks": [{"task_id": "a", "operator": EMPTY}],
    }
    return ExpandedDag(
        dag_id, {**base, **config}, Origin("f.yml", (dag_id,), 3, ("templates", "t"), 1)
    )


def test_friendly_values_become_python_objects() -> None:
    converted = build.to_dagfactory(
        {
            "dagrun_timeout": "10m",
            "default_args": {"start_date": "2024-03-01"},
            "tasks": [{"execution_timeout": "30s"}],
        }
    )
    assert converted["dagrun_timeout"] == timedelta(minutes=10)
    assert converted["default_args"]["start_date"].isoformat() == "2024-03-01T00:00:00+00:00"
    assert converted["tasks"][0]["execution_timeout"] == timedelta(seconds=30)


def test_docs_name_the_origin_and_never_dump_the_config() -> None:
    dag = build.build_one(_dag(params={"secret": "hunter2"}))
    assert dag.doc_md == "Built by dagforge from `f.yml:3 (template at line 1)`."
    assert "hunter2" not in dag.doc_md


def test_airflow_config_defaults_still_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG", "7")
    first = build.build_dags([_dag("x")]).dags["x"]
    monkeypatch.setenv("AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG", "9")
    second = build.build_dags([_dag("y")]).dags["y"]
    assert (first.max_active_tasks, second.max_active_tasks) == (7, 9)  # memoized per build only


def test_one_failing_dag_does_not_stop_the_others() -> None:
    bad = _dag("bad", tasks=[{"task_id": "a", "operator": EMPTY.replace("Empty", "NoSuch")}])
    outcome = build.build_dags([bad, _dag("good")])
    assert list(outcome.dags) == ["good"]
    failure = outcome.failures["bad"]
    assert (failure.file, failure.line, failure.code) == ("f.yml", 3, "build-failed")
    assert "NoSuchOperator" in failure.message


def test_strict_build_raises() -> None:
    bad = _dag("bad", tasks=[{"task_id": "a", "operator": EMPTY.replace("Empty", "NoSuch")}])
    with pytest.raises(ImportError, match="NoSuchOperator"):
        build.build_dags([bad], strict=True)


def test_allow_listed_types_are_constructed_for_dag_factory() -> None:
    timetable = {
        "__type__": "airflow.timetables.trigger.CronTriggerTimetable",
        "__args__": ["0 6 * * *"],
        "timezone": "UTC",
    }
    dag = build.build_one(
        _dag(
            schedule=timetable,
            start_date={"__type__": "datetime.datetime", "year": 2024, "month": 3, "day": 1},
        )
    )
    assert type(dag.timetable).__name__ == "CronTriggerTimetable"
    assert dag.timetable.summary == "0 6 * * *"


def test_a_type_outside_the_allow_list_is_never_imported() -> None:
    with pytest.raises(UnsafeTypeError, match="os.system"):
        build.to_dagfactory(
            {"params": {"x": {"__type__": "os.system", "__args__": ["echo hacked"]}}}
        )


def test_asset_uri_list_schedule_builds_on_this_airflow() -> None:
    """Runs on Airflow 3 in make test and on 2.11.2 in make test-compat: the same config builds on
    both.
    """
    dag = build.build_one(_dag(schedule=["dagforge://who/split"]))
    condition = (
        getattr(dag.timetable, "asset_condition", None) or dag.timetable.dataset_condition
    )  # 3 / 2
    assert [asset.uri for asset in getattr(condition, "objects", [condition])] == [
        "dagforge://who/split"
    ]
