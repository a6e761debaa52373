"""Shared fixtures: a throw-away Airflow home (set before Airflow is imported) and a local S3.

Everything started here listens on loopback only and is stopped at the end of the session.

The tests mirror the package. Folders whose tests run real Airflow (or import it) carry the
``airflow`` marker as a whole (:data:`AIRFLOW_FOLDERS`); a file elsewhere that needs Airflow
says so with ``pytestmark``. ``pytest -m "not airflow"`` is then a fast lane, and a test in it
that imports Airflow fails, so the marking cannot drift.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from dagforge.demo.s3local import LocalS3, moto_server
from dagforge.mwaa import localairflow

if TYPE_CHECKING:
    from tests.support.live_airflow import LiveAirflow

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus"
TESTS = REPO / "tests"
AIRFLOW_FOLDERS = ("runtime", "mwaa", "demo", "callables")
AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="dagforge-test-airflow-"))

# Airflow reads its settings at first import: configure before any test module imports it.
localairflow.configure(localairflow.airflow_env(AIRFLOW_HOME, REPO / "dags"))
os.environ["DAGFORGE_CACHE_DIR"] = str(AIRFLOW_HOME / "parse-cache")  # removed with AIRFLOW_HOME


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(AIRFLOW_HOME, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The ``airflow`` marker on every test of the folders that run real Airflow."""
    for item in items:
        folder = item.path.relative_to(TESTS).parts[0]
        if folder in AIRFLOW_FOLDERS:
            item.add_marker(pytest.mark.airflow)


def _fast_lane(config: pytest.Config) -> bool:
    return str(config.getoption("markexpr")).replace(" ", "") == "notairflow"


def pytest_collection_finish(session: pytest.Session) -> None:
    if _fast_lane(session.config) and "airflow" in sys.modules:
        raise pytest.UsageError("collecting the tests imported Airflow: a test module imports it")


@pytest.fixture(autouse=True)
def _fast_lane_stays_without_airflow(request: pytest.FixtureRequest) -> Iterator[None]:
    """In ``-m "not airflow"``, a test that imports Airflow is marked wrongly: fail it (the first
    one; once Airflow is loaded, the tests after it cannot be told apart)."""
    loaded_before = "airflow" in sys.modules
    yield
    if _fast_lane(request.config) and not loaded_before and "airflow" in sys.modules:
        pytest.fail(f"{request.node.nodeid} imported Airflow: mark it (or its folder) airflow")


@pytest.fixture(scope="session")
def local_s3() -> Iterator[LocalS3]:
    """A moto server on a free loopback port; ``aws_default`` points at it for the session."""
    with moto_server() as s3:
        saved = {key: os.environ.get(key) for key in s3.connection_env()}
        os.environ.update(s3.connection_env())
        yield s3
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def bucket(local_s3: LocalS3) -> str:
    """A new, empty bucket in the local S3."""
    from callables import s3 as s3io

    name = f"test-{uuid.uuid4().hex[:12]}"
    s3io.hook().create_bucket(bucket_name=name, region_name=local_s3.region)
    return name


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveAirflow]:
    """One running Airflow with its REST API and InvokeRestApi endpoint, shared by every test of
    the session that needs one: the local runner on Airflow 3, webserver and scheduler on 2."""
    from tests.support.live_airflow import live_airflow

    with live_airflow(tmp_path_factory.mktemp("live")) as running:
        yield running


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated SQLite metadata DB for ``dag.test()`` runs."""
    localairflow.fresh_db(AIRFLOW_HOME)
    return AIRFLOW_HOME
