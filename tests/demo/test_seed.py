"""Seeding: sample data lands where each DAG reads, and a DAG without sample data is skipped."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from callables import s3 as s3io
from dagforge.demo.inputs import inputs_of, run_context
from dagforge.demo.s3local import LocalS3
from dagforge.demo.seed import WHO_SOURCE_KEY, Samples, runner_dates, seed
from dagforge.project import load_project
from tests.conftest import REPO

DAY = date(2024, 3, 1)


@pytest.fixture(scope="module")
def configs() -> dict[str, dict[str, Any]]:
    return {d.dag_id: d.config for d in load_project([REPO / "dagfactory_configs"]).dags()}


def _new_source(configs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    config = copy.deepcopy(configs["ingest_orders"])
    kwargs = config["tasks"][0]["op_kwargs"]
    kwargs.update(source="returns", landing_prefix="landing/returns", raw_prefix="raw/returns")
    kwargs["file_name"] = kwargs["file_name"].replace("orders.csv", "returns.csv")
    return config


def test_where_each_configured_dag_reads(configs: dict[str, dict[str, Any]]) -> None:
    context = run_context("2024-03-01", "bkt")
    keys = {d: [i.key for i in inputs_of(d, c, context)] for d, c in configs.items()}
    assert keys["ingest_orders"] == ["landing/orders/date=2024-03-01/orders.csv"]
    assert keys["ingest_bike_trips"] == ["landing/bike_trips/date=2024-03-01/trips-2024.csv.gz"]
    assert keys["who_split"] == [WHO_SOURCE_KEY]
    assert keys["who_country_NA"] == []  # it reads the split, not a landed file


def test_the_conf_moves_the_input(configs: dict[str, dict[str, Any]]) -> None:
    context = run_context("2024-03-02", "bkt", {"file_name": "late.csv"})
    [found] = inputs_of("ingest_orders", configs["ingest_orders"], context)
    assert found.key == "landing/orders/date=2024-03-02/late.csv"


def test_a_template_needing_more_than_a_local_run_knows_is_named(
    configs: dict[str, dict[str, Any]],
) -> None:
    config = copy.deepcopy(configs["ingest_orders"])
    config["tasks"][0]["op_kwargs"]["landing_prefix"] = "{{ var.value.landing_root }}/orders"
    [found] = inputs_of("ingest_orders", config, run_context("2024-03-01", "bkt"))
    assert found.key == "" and "landing_root" in found.problem


def test_seed_lands_samples_and_skips_what_has_none(
    local_s3: LocalS3, bucket: str, configs: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    dags = {**configs, "ingest_returns": _new_source(configs)}
    lines: list[str] = []
    seeded = seed(local_s3, bucket, lines.append, dags, [DAY], Samples(REPO))
    assert seeded.skipped == {
        "ingest_returns": "put one file in samples/ingest_returns/, or run it on a file: "
        "dagforge run ingest_returns --land FILE"
    }
    assert "ingest_returns: no sample data, skipped (put one file in samples/" in lines[-1]
    trips = s3io.get(s3io.hook(), bucket, "landing/bike_trips/date=2024-03-01/trips-2024.csv.gz")
    assert trips == (REPO / "samples" / "ingest_bike_trips" / "trips-2024.csv.gz").read_bytes()
    assert set(seeded.landed) == {d for d in configs if d.startswith("ingest_")} | {"who_split"}
    (tmp_path / "samples" / "ingest_returns").mkdir(parents=True)
    (tmp_path / "samples" / "ingest_returns" / "r.csv").write_text("x\n")
    again = seed(local_s3, bucket, lines.append, dags, [DAY], Samples(tmp_path))
    assert "ingest_returns" in again.landed and "ingest_returns" not in again.skipped
    assert s3io.get(s3io.hook(), bucket, "landing/returns/date=2024-03-01/returns.csv") == b"x\n"


def test_the_local_runner_seeds_its_smoke_date_and_around_today() -> None:
    assert runner_dates(date(2026, 1, 1)) == [
        date(2024, 3, 5),
        date(2025, 12, 31),
        date(2026, 1, 1),
    ]
