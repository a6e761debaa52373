"""Country DAGs run by real Airflow (``dag.test()``) against the local S3; outputs checked row by row."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime

import pytest

from callables import s3 as s3io
from dagforge import localairflow, sampledata
from dagforge.demo import WHO_SOURCE_KEY
from tests.conftest import BUCKET_VARIABLE, REPO

SPEC = sampledata.Spec(days=90)
LOGICAL_DATE = datetime(2024, 3, 5, tzinfo=UTC)

pytestmark = pytest.mark.airflow


@pytest.fixture(scope="module")
def seeded_bucket(bucket: str, airflow_db: object) -> str:
    s3io.write_bytes(s3io.hook(), bucket, WHO_SOURCE_KEY, sampledata.csv_bytes(SPEC))
    os.environ[BUCKET_VARIABLE] = bucket
    return bucket


@pytest.fixture(scope="module")
def bucket(local_s3: object) -> str:  # module-scoped: the DAG runs share one seeded bucket
    name = "e2e-who"
    s3io.hook().create_bucket(bucket_name=name)
    return name


def _expected(code: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(sampledata.csv_bytes(SPEC).decode()))
    return [row for row in reader if row["Country_code"] == code]


@pytest.mark.parametrize("code", ["NA", "NO", "JP"])
def test_country_dag_writes_its_rows(seeded_bucket: str, code: str) -> None:
    dag = localairflow.import_dags(REPO / "dags").dags[f"who_country_{code}"]
    assert localairflow.run_dag(dag, LOGICAL_DATE) == "success"
    base = f"who/countries/country={code}/date=2024-03-05"
    hook = s3io.hook()
    rows = list(csv.DictReader(io.StringIO(s3io.read_bytes(hook, seeded_bucket, f"{base}/rows.csv").decode())))
    assert rows == _expected(code)
    summary = json.loads(s3io.read_bytes(hook, seeded_bucket, f"{base}/summary.json"))
    assert summary["country_code"] == code
    assert summary["rows"] == SPEC.days
    assert summary["logical_date"] == "2024-03-05"


def test_failing_callable_fails_the_run(seeded_bucket: str) -> None:
    hook = s3io.hook()
    hook.delete_objects(seeded_bucket, [WHO_SOURCE_KEY])
    try:
        dag = localairflow.import_dags(REPO / "dags").dags["who_country_AU"]
        dag.get_task("process_country").retries = 0  # dag.test() would otherwise sit out the 5 min retry delay
        assert localairflow.run_dag(dag, LOGICAL_DATE) == "failed"
        assert not hook.check_for_key("who/countries/country=AU/date=2024-03-05/summary.json", seeded_bucket)
    finally:
        s3io.write_bytes(hook, seeded_bucket, WHO_SOURCE_KEY, sampledata.csv_bytes(SPEC))
