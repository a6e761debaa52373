"""The feature → Airflow version table: what it reports, and that the installed Airflow agrees with
it.

``make test-compat AIRFLOW=2.11.2`` runs this file on Airflow 2.11.2 as well, so every row is
proven on both sides of the 3.0 line.
"""

from __future__ import annotations

import importlib
import inspect
import warnings
from pathlib import Path

import pytest

from dagforge.checks.compat import (
    FEATURES,
    Feature,
    check_version,
    features_used,
    parse_version,
    supported,
    verdict,
)
from dagforge.cli import main
from dagforge.expand import ExpandedDag, Origin
from dagforge.project import load_project
from tests.conftest import REPO

PYTHON_OPERATOR = "airflow.providers.standard.operators.python.PythonOperator"
EMPTY_OPERATOR = "airflow.providers.standard.operators.empty.EmptyOperator"


def _dag(**config: object) -> ExpandedDag:
    return ExpandedDag("d", dict(config), Origin("f.yml", ("d",), 3))


def test_versions_parse_like_airflow_prints_them() -> None:
    assert parse_version("2.11.2") == (2, 11, 2)
    assert parse_version("3.3.1rc1") == (3, 3, 1)
    assert parse_version("3.0.0.dev0+abc") == (3, 0, 0)


def test_removed_key_is_an_error_on_3_with_its_replacement() -> None:
    [problem] = check_version([_dag(schedule_interval="@daily")], "3.3.1")
    assert (problem.code, problem.severity, problem.line) == ("airflow-version", "error", 3)
    assert "needs Airflow < 3.0" in problem.message and problem.hint == "use 'schedule'"
    assert check_version([_dag(schedule_interval="@daily")], "2.11.2") == []


def test_airflow_3_only_key_is_an_error_on_2() -> None:
    [problem] = check_version([_dag(fail_fast=True)], "2.11.2")
    assert "needs Airflow >= 3.0; the target is Airflow 2.11.2" in problem.message


def test_imports_are_found_in_any_string() -> None:
    config = {
        "tasks": [{"task_id": "t", "operator": PYTHON_OPERATOR, "outlets": ["airflow.sdk.Asset"]}]
    }
    assert features_used(config) == {"airflow.providers.standard.", "airflow.sdk."}


def test_standard_provider_needs_a_package_on_2_and_nothing_on_3() -> None:
    dag = _dag(tasks={"t": {"operator": PYTHON_OPERATOR}})
    [problem] = check_version([dag], "2.11.2")
    assert problem.severity == "warning" and "apache-airflow-providers-standard" in problem.hint
    assert check_version([dag], "3.3.1") == []
    assert check_version([dag], "2.9.2")[0].severity == "error"


def test_our_configs_have_no_version_problems_on_the_mwaa_version_we_deploy() -> None:
    project = load_project([REPO / "dagfactory_configs"])
    dags = [dag for result in project.files for dag in result.dags]
    assert dags and check_version(dags, "3.3.1") == []


def test_a_package_warning_is_given_once_for_all_its_dags() -> None:
    dags = [
        ExpandedDag(
            f"d{i}", {"tasks": {"t": {"operator": PYTHON_OPERATOR}}}, Origin("f.yml", (), i)
        )
        for i in range(3)
    ]
    [problem] = check_version(dags, "2.11.2")
    assert problem.message.startswith("3 DAG(s), first 'd0', use") and problem.line == 0


def test_asset_uri_list_schedule_works_on_every_version() -> None:
    # the build stage makes the list portable (see
    # test_build.test_asset_uri_list_schedule_builds_on_this_airflow)
    assert check_version([_dag(schedule=["s3://bucket/split"])], "2.11.2") == []
    assert check_version([_dag(schedule=["s3://bucket/split"])], "3.0.6") == []


def _airflow_version() -> tuple[int, ...]:
    import airflow

    return parse_version(airflow.__version__)


def _dag_parameters() -> set[str]:
    try:
        from airflow.sdk import DAG
    except ImportError:  # Airflow 2
        from airflow.models.dag import DAG  # type: ignore[no-redef,unused-ignore]

    fields = getattr(DAG, "__attrs_attrs__", None)
    return {a.name for a in fields} if fields else set(inspect.signature(DAG.__init__).parameters)


def _importable(prefix: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            importlib.import_module(prefix.rstrip("."))
        except ImportError:
            return False
    return True


@pytest.mark.airflow
@pytest.mark.parametrize(
    "feature", [f for f in FEATURES if f.where == "dag_key"], ids=lambda f: f.name
)
def test_installed_airflow_agrees_on_dag_keys(feature: Feature) -> None:
    assert (feature.name in _dag_parameters()) == supported(feature, _airflow_version())


@pytest.mark.airflow
@pytest.mark.parametrize(
    "feature", [f for f in FEATURES if f.where == "import"], ids=lambda f: f.name
)
def test_installed_airflow_agrees_on_imports(feature: Feature) -> None:
    version = _airflow_version()
    if verdict(feature, version) == "warning":
        pytest.skip("importable only with the extra package, which this venv may or may not have")
    assert _importable(feature.name) == supported(feature, version)


def test_table_names_are_unique() -> None:
    assert len({f.name for f in FEATURES}) == len(FEATURES)


def test_validate_reports_version_problems_for_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dagfactory_configs").mkdir()
    (tmp_path / "dagfactory_configs" / "d.yml").write_text(
        "d:\n  default_args: {owner: o, start_date: 2024-03-01}\n  schedule: null\n  fail_fast: "
        "true\n  tasks:\n    - {task_id: a, operator: "
        "airflow.providers.standard.operators.empty.EmptyOperator}\n"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 0
    capsys.readouterr()
    assert main(["validate", "--airflow-version", "2.11.2"]) == 1
    assert "fail_fast" in capsys.readouterr().out
