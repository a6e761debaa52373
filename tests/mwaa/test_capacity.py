from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dagforge.cli import main
from dagforge.errors import UsageError
from dagforge.mwaa import capacity
from dagforge.mwaa.limits import DAGBAG_IMPORT_TIMEOUT
from dagforge.mwaa.parsetime import ParseTiming
from tests.conftest import REPO


def test_within_capacity_says_nothing() -> None:
    assert capacity.capacity_problems(25, "mw1.micro", "configs") == []


def test_over_capacity_warns_and_names_a_class_that_fits() -> None:
    [problem] = capacity.capacity_problems(260, "mw1.medium", "configs")
    assert (problem.code, problem.severity) == ("env-class-capacity", "warning")
    assert (
        "260 DAGs exceed the 200" in problem.message and problem.hint == "use mw1.large or larger"
    )


def test_beyond_the_largest_class_suggests_splitting() -> None:
    [problem] = capacity.capacity_problems(5000, "mw1.2xlarge", "configs")
    assert "split" in problem.hint


def test_unknown_class_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="mw1.medium"):
        capacity.capacity_problems(1, "mw1.huge", "configs")


@pytest.mark.parametrize(
    ("seconds", "code", "severity"),
    [
        (1.0, "parse-time", "info"),
        (20.0, "parse-time", "warning"),
        (31.0, "parse-timeout", "error"),
    ],
)
def test_parse_time_against_the_import_timeout(seconds: float, code: str, severity: str) -> None:
    [problem] = capacity.parse_time_problems(ParseTiming(seconds, 0, 10), "dags/dagforge_dags.py")
    assert (problem.code, problem.severity) == (code, severity)
    assert "30 s" in problem.message


def test_measure_the_real_loader() -> None:
    timing = capacity.measure_loader(REPO / "dags" / "dagforge_dags.py")
    assert timing.dags >= 13
    assert 0 < timing.seconds < DAGBAG_IMPORT_TIMEOUT


def test_validate_env_class_warns_over_capacity_and_times_the_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dags").mkdir()
    shutil.copy(REPO / "dags" / "dagforge_dags.py", tmp_path / "dags")
    (tmp_path / "dagfactory_configs").mkdir()
    instances = "".join(f"      - {{n: x{i}}}\n" for i in range(30))
    (tmp_path / "dagfactory_configs" / "many.yml").write_text(
        "templates:\n  t:\n    dag_id: d_{n}\n    parameters: {n: {type: string}}\n    "
        "dag:\n      default_args: {owner: o, start_date: 2024-03-01}\n      schedule: null\n  "
        "    tasks:\n        - {task_id: a, operator: "
        f"airflow.providers.standard.operators.empty.EmptyOperator}}\n    instances:\n{instances}"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--env-class", "mw1.micro", "--format", "json"]) == 0
    found = {p["code"]: p for p in json.loads(capsys.readouterr().out)}
    assert "30 DAGs exceed the 25" in found["env-class-capacity"]["message"]
    assert "the loader built 30 DAGs in" in found["parse-time"]["message"]


def test_validate_env_class_needs_the_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dagfactory_configs").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--env-class", "mw1.small"]) == 2


def test_validate_env_class_times_the_loader_on_the_path_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "one.yml").write_text(
        "one:\n  default_args: {owner: o, start_date: 2024-03-01}\n  schedule: null\n  tasks: "
        "[{task_id: a, operator: airflow.providers.standard.operators.empty.EmptyOperator}]\n"
    )
    monkeypatch.chdir(REPO)  # the loader beside this repository's 17 DAGs
    assert main(["validate", "--env-class", "mw1.micro", str(tmp_path / "other")]) == 0
    assert "the loader built 1 DAGs in" in capsys.readouterr().out
