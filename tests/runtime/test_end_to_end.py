"""DAGs run by real Airflow (``dag.test()``) against the local S3; outputs checked row by row.

``dag.test()`` does not trigger asset consumers, so the split and the countries run in order here,
as the scheduler would run them on the asset event.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from callables import rawdata
from callables import s3 as s3io
from dagforge.demo import sampledata, sampledata_sources
from dagforge.demo.seed import BUCKET_VARIABLE, WHO_SOURCE_KEY
from dagforge.mwaa import localairflow
from tests.conftest import REPO

SPEC = sampledata.Spec(days=90)
LOGICAL_DATE = datetime(2024, 3, 5, tzinfo=UTC)
DS = "2024-03-05"

pytestmark = pytest.mark.airflow


@pytest.fixture(scope="module")
def bucket(local_s3: object) -> str:  # module-scoped: the DAG runs share one seeded bucket
    name = "e2e-who"
    s3io.hook().create_bucket(bucket_name=name)
    return name


@pytest.fixture(scope="module")
def seeded_bucket(bucket: str, airflow_db: object) -> Iterator[str]:
    s3io.put(s3io.hook(), bucket, WHO_SOURCE_KEY, sampledata.csv_bytes(SPEC))
    name, data = sampledata_sources.landed_file("orders", date.fromisoformat(DS))
    s3io.put(s3io.hook(), bucket, f"landing/orders/date={DS}/{name}", data)
    with pytest.MonkeyPatch.context() as env:  # the Variable the configs read, for this module
        env.setenv(BUCKET_VARIABLE, bucket)
        yield bucket


@pytest.fixture(scope="module")
def dags() -> dict[str, object]:
    return localairflow.import_dags(REPO / "dags").dags


def _test_with_conf(dag: object, when: datetime, conf: dict[str, str]) -> str:
    """``dag.test`` with a run conf, as ``localairflow.run_dag`` runs it (Airflow 2 says
    execution_date).
    """
    try:
        run = dag.test(logical_date=when, run_conf=conf)  # type: ignore[attr-defined]
    except TypeError:
        run = dag.test(execution_date=when, run_conf=conf)  # type: ignore[attr-defined]
    return str(run.state)


def _expected(code: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(sampledata.csv_bytes(SPEC).decode()))
    return [row for row in reader if row["Country_code"] == code]


def test_split_then_countries(seeded_bucket: str, dags: dict[str, object]) -> None:
    assert localairflow.run_dag(dags["who_split"], LOGICAL_DATE) == "success"
    hook = s3io.hook()
    assert hook.check_for_key(f"who/split/date={DS}/_SUCCESS", seeded_bucket)
    for code in ("NA", "NO"):
        assert localairflow.run_dag(dags[f"who_country_{code}"], LOGICAL_DATE) == "success"
        base = f"who/countries/country={code}/date={DS}"
        rows = list(
            csv.DictReader(io.StringIO(s3io.get(hook, seeded_bucket, f"{base}/rows.csv").decode()))
        )
        assert rows == _expected(code)
        summary = json.loads(s3io.get(hook, seeded_bucket, f"{base}/summary.json"))
        assert (summary["country_code"], summary["rows"], summary["logical_date"]) == (
            code,
            SPEC.days,
            DS,
        )


def test_country_without_a_split_fails_the_run(seeded_bucket: str, dags: dict[str, object]) -> None:
    dag = dags["who_country_AU"]
    # type: ignore[attr-defined]  # dag.test() would sit out the delay
    dag.get_task("process_country").retries = 0
    assert localairflow.run_dag(dag, datetime(2024, 3, 9, tzinfo=UTC)) == "failed"
    assert not s3io.hook().check_for_key(
        "who/countries/country=AU/date=2024-03-09/summary.json", seeded_bucket
    )


def test_source_pipeline_lands_raw(seeded_bucket: str, dags: dict[str, object]) -> None:
    assert localairflow.run_dag(dags["ingest_orders"], LOGICAL_DATE) == "success"
    run = rawdata.read_manifest(s3io.hook(), seeded_bucket, f"raw/orders/_runs/date={DS}/_SUCCESS")
    assert run["rows"] == 300 and run["landing_key"] == f"landing/orders/date={DS}/orders.csv"
    assert len(run["parts"]) == run["files"] == 3
    assert all(s3io.hook().check_for_key(part, seeded_bucket) for part in run["parts"])


def test_run_conf_cannot_point_outside_the_landing_prefix(
    seeded_bucket: str, dags: dict[str, object]
) -> None:
    dag = dags["ingest_orders"]
    dag.get_task("landing_to_raw").retries = 0  # type: ignore[attr-defined]
    assert (
        _test_with_conf(dag, datetime(2024, 3, 6, tzinfo=UTC), {"file_name": "../../who/x.csv"})
        == "failed"
    )
    assert not s3io.hook().check_for_key("raw/orders/_runs/date=2024-03-06/_SUCCESS", seeded_bucket)


def test_run_conf_may_name_another_landed_file(seeded_bucket: str, dags: dict[str, object]) -> None:
    """The positive twin of the test above: the conf route works, so that failure was the guard."""
    name, data = sampledata_sources.landed_file("orders", date(2024, 3, 7))
    s3io.put(s3io.hook(), seeded_bucket, "landing/orders/date=2024-03-07/late-orders.csv", data)
    when = datetime(2024, 3, 7, tzinfo=UTC)
    assert (
        _test_with_conf(dags["ingest_orders"], when, {"file_name": "late-orders.csv"}) == "success"
    )
    marker = json.loads(
        s3io.get(s3io.hook(), seeded_bucket, "raw/orders/_runs/date=2024-03-07/_SUCCESS")
    )
    assert marker["landing_key"].endswith("/late-orders.csv")


def test_a_conf_naming_no_file_leaves_that_dates_output_published(
    seeded_bucket: str, dags: dict[str, object]
) -> None:
    """A triggered run whose conf names a file that never landed fails before it touches raw/."""
    name, data = sampledata_sources.landed_file("orders", date(2024, 3, 8))
    s3io.put(s3io.hook(), seeded_bucket, f"landing/orders/date=2024-03-08/{name}", data)
    dag = dags["ingest_orders"]
    dag.get_task("landing_to_raw").retries = 0  # type: ignore[attr-defined]
    when = datetime(2024, 3, 8, tzinfo=UTC)
    assert _test_with_conf(dag, when, {}) == "success"
    marker = "raw/orders/_runs/date=2024-03-08/_SUCCESS"
    published = s3io.get(s3io.hook(), seeded_bucket, marker)
    # a second run of the same date (an hour later: a run of its own, which Airflow 2's dag.test
    # would otherwise delete first, through FAB's user table this process never loads)
    later = when + timedelta(hours=1)
    assert _test_with_conf(dag, later, {"file_name": "typo.csv"}) == "failed"
    assert s3io.get(s3io.hook(), seeded_bucket, marker) == published
