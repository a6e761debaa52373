"""The demo's pure parts: run order from assets, expected outputs, the tables it prints."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from dagforge.demo import report
from dagforge.demo import run as demo


def _asset(uri: str) -> Any:
    return SimpleNamespace(uri=uri)


def _dag(outlets: tuple[str, ...] = (), schedule: tuple[str, ...] = ()) -> Any:
    condition = SimpleNamespace(objects=[_asset(u) for u in schedule]) if schedule else None
    return SimpleNamespace(
        tasks=[SimpleNamespace(outlets=[_asset(u) for u in outlets])],
        timetable=SimpleNamespace(asset_condition=condition),
    )


def test_producers_run_before_their_consumers() -> None:
    dags = {
        "a_country": _dag(schedule=("x://split",)),
        "who_split": _dag(outlets=("x://split",)),
        "b_plain": _dag(),
        "c_second": _dag(schedule=("x://country",)),
        "z_country_src": _dag(outlets=("x://country",), schedule=("x://split",)),
    }
    order = demo.run_order(dags)
    assert order.index("who_split") < order.index("a_country") < order.index("c_second")
    assert order.index("z_country_src") < order.index("c_second")
    assert sorted(order) == sorted(dags)


def test_a_cycle_still_runs_every_dag_once() -> None:
    dags = {
        "a": _dag(outlets=("x://a",), schedule=("x://b",)),
        "b": _dag(outlets=("x://b",), schedule=("x://a",)),
    }
    assert sorted(demo.run_order(dags)) == ["a", "b"]


def test_sources_table_lists_files_partitions_and_prefixes() -> None:
    run = {
        "source": "orders",
        "rows": 3,
        "files": 2,
        "partitions": 2,
        "first_partition": "2024-02-29",
        "last_partition": "2024-03-01",
        "landing_key": "landing/orders/date=2024-03-01/orders.csv",
        "raw_prefix": "raw/orders",
    }
    table = report.format_sources_table([run, {**run, "partitions": 0, "source": "flat"}])
    lines = table.splitlines()
    assert lines[0].split() == ["source", "rows", "files", "partitions", "landed", "raw"]
    assert "2 (2024-02-29 .. 2024-03-01)" in lines[1] and lines[1].endswith("raw/orders/")
    assert lines[2].split()[3] == "none"


def test_failure_reasons_name_import_errors_failed_runs_and_missing_keys() -> None:
    reasons = report.failure_reasons(
        {"dags/x.py": "Traceback\nValueError: bad"}, {"a": "success", "b": "failed"}, ["k"]
    )
    assert reasons == [
        "import error in dags/x.py: ValueError: bad",
        "DAG b ended failed",
        "missing output s3 key k",
    ]
