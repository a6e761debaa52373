"""The loader DAG file at work: fault isolation, strict mode, parsing context, the in-process
cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dagforge import settings
from dagforge.errors import BrokenConfigError
from dagforge.mwaa import localairflow
from dagforge.runtime import errordag, loader
from tests.conftest import REPO

GOOD = """\
templates:
  country:
    dag_id: good_{{code}}
    parameters: {{code: {{type: string}}}}
    dag:
      schedule: "@daily"
      default_args: {{owner: t, start_date: 2024-03-01}}
      tasks:
        - task_id: work
          operator: airflow.providers.standard.operators.empty.EmptyOperator
    instances:
{instances}
"""
PLAIN = """\
{dag_id}:
  default_args: {{owner: t, start_date: 2024-03-01}}
  {schedule_key}: "@daily"
  max_active_runs: {runs}
  tasks:
    - task_id: work
      operator: airflow.providers.standard.operators.empty.EmptyOperator
"""


def _good(codes: list[str]) -> str:
    return GOOD.format(instances="".join(f"      - {{code: {c}}}\n" for c in codes))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A dags folder with the real loader file and a configs folder beside it (and a parse cache of
    its own).
    """
    monkeypatch.setenv("DAGFORGE_CACHE_DIR", str(tmp_path / "parse-cache"))
    dags = tmp_path / "dags"
    dags.mkdir()
    shutil.copy(REPO / "dags" / "dagforge_dags.py", dags)
    configs = tmp_path / "dagfactory_configs"
    configs.mkdir()
    (configs / "countries.yml").write_text(_good(["AA", "BB"]))
    (configs / "other.yml").write_text(
        PLAIN.format(dag_id="other_dag", schedule_key="schedule", runs=1)
    )
    yield dags


def _import(dags: Path) -> localairflow.ImportResult:
    return localairflow.import_dags(dags)


def test_broken_file_keeps_other_files_dags_and_shows_an_error_dag(project: Path) -> None:
    (project.parent / "dagfactory_configs" / "broken.yml").write_text(
        "broken_dag:\n  schedul: x\n  tasks: []\n"
    )
    result = _import(project)
    assert result.errors == {}
    assert {"good_AA", "good_BB", "other_dag"} <= set(result.dags)
    error_dag = result.dags["dagforge_config_error__broken.yml"]
    assert errordag.ERROR_TAG in error_dag.tags
    assert "broken.yml:2" in error_dag.description and "schedul" in error_dag.description


def test_a_valid_dag_that_becomes_invalid_stays_listed_as_broken(project: Path) -> None:
    config = project.parent / "dagfactory_configs" / "other.yml"
    config.write_text(PLAIN.format(dag_id="other_dag", schedule_key="schedule", runs="many"))
    result = _import(project)
    stand_in = result.dags["other_dag"]
    assert errordag.ERROR_TAG in stand_in.tags
    assert stand_in.description.startswith("BROKEN CONFIG: ")
    assert "other.yml:4" in stand_in.doc_md and "many" in stand_in.doc_md
    # Its tasks stay, failing with the problems: a run of one shows why, not "task not found".
    assert [t.task_id for t in stand_in.tasks] == ["config_error", "work"]


def test_fixing_the_file_clears_the_error(project: Path) -> None:
    config = project.parent / "dagfactory_configs" / "other.yml"
    config.write_text(PLAIN.format(dag_id="other_dag", schedule_key="schedule", runs="many"))
    assert any(errordag.ERROR_TAG in d.tags for d in _import(project).dags.values())
    config.write_text(PLAIN.format(dag_id="other_dag", schedule_key="schedule", runs=1))
    fixed = _import(project)
    assert not any(errordag.ERROR_TAG in d.tags for d in fixed.dags.values())
    assert sorted(fixed.dags) == ["good_AA", "good_BB", "other_dag"]


def test_yaml_syntax_error_still_names_the_top_level_dag_ids(project: Path) -> None:
    (project.parent / "dagfactory_configs" / "other.yml").write_text("other_dag:\n  tasks: [\n")
    result = _import(project)
    assert errordag.ERROR_TAG in result.dags["other_dag"].tags
    assert "good_AA" in result.dags


def test_error_dag_task_fails_with_the_problems(project: Path) -> None:
    (project.parent / "dagfactory_configs" / "other.yml").write_text(
        PLAIN.format(dag_id="other_dag", schedule_key="schedule", runs="many")
    )
    task = _import(project).dags["other_dag"].get_task("config_error")
    with pytest.raises(BrokenConfigError, match=r"other\.yml:4.*'many'"):
        task.python_callable()


def test_strict_mode_fails_the_import(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project.parent / "dagfactory_configs" / "broken.yml").write_text(
        "broken_dag:\n  schedul: x\n  tasks: []\n"
    )
    monkeypatch.setenv(settings.STRICT_ENV, "true")
    result = _import(project)
    [error] = result.errors.values()
    assert "broken.yml:2" in error and "unknown-key" in error
    assert result.dags == {}


def test_strict_mode_fails_the_import_when_dag_factory_refuses_a_dag(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Valid for every check, refused by Airflow when the task is built (pool_slots: 0).
    (project.parent / "dagfactory_configs" / "slots.yml").write_text(
        PLAIN.format(dag_id="slots_dag", schedule_key="schedule", runs=1) + "      pool_slots: 0\n"
    )
    monkeypatch.setenv(settings.STRICT_ENV, "true")
    result = _import(project)
    [error] = result.errors.values()
    assert "pool slots" in error.lower()
    assert result.dags == {}


def test_a_dag_that_fails_to_build_becomes_visible(project: Path) -> None:
    # Valid for the schema (an integer), refused by Airflow when the task is built.
    (project.parent / "dagfactory_configs" / "slots.yml").write_text(
        PLAIN.format(dag_id="slots_dag", schedule_key="schedule", runs=1) + "      pool_slots: 0\n"
    )
    result = _import(project)
    assert "good_AA" in result.dags and "other_dag" in result.dags
    broken = result.dags["slots_dag"]
    assert errordag.ERROR_TAG in broken.tags
    assert "[build-failed]" in broken.description and "pool slots" in broken.description


def test_parsing_context_builds_only_the_requested_dag(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project.parent / "dagfactory_configs" / "countries.yml").write_text(
        _good([f"C{i}" for i in range(50)])
    )
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID", "good_C42")
    target: dict[str, Any] = {}
    outcome = loader.load_dags(target, project)
    assert list(target) == ["good_C42"] and outcome.built == ["good_C42"]


def test_parsing_context_for_an_unknown_dag_builds_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID", "not_a_dag")
    target: dict[str, Any] = {}
    outcome = loader.load_dags(target, project)
    assert target == {} and outcome.path == "task"


def test_unchanged_project_is_not_checked_twice_in_one_process(project: Path) -> None:
    assert loader.load_dags({}, project).path == "full"
    assert loader.load_dags({}, project).path == "cache"
    config = project.parent / "dagfactory_configs" / "other.yml"
    config.write_text(config.read_text() + "\n")
    assert loader.load_dags({}, project).path == "full"


@pytest.mark.airflow
def test_reserialize_1000_generated_dags(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    dags.mkdir()
    shutil.copy(REPO / "dags" / "dagforge_dags.py", dags)
    (tmp_path / "dagfactory_configs").mkdir()
    (tmp_path / "dagfactory_configs" / "many.yml").write_text(
        _good([f"N{i:04d}" for i in range(1000)])
    )
    home = tmp_path / "home"
    env = {**os.environ, **localairflow.airflow_env(home, dags, log_level="ERROR")}
    env.pop("_AIRFLOW_PARSING_CONTEXT_DAG_ID", None)
    migrate = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    done = subprocess.run(
        [sys.executable, "-m", "airflow", "dags", "reserialize"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    listed = subprocess.run(
        [sys.executable, "-m", "airflow", "dags", "list", "-o", "plain"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert sum(1 for line in listed.stdout.splitlines() if line.startswith("good_N")) == 1000
