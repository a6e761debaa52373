"""Issue 11's attacks on the loader, each performed for real: every way Airflow imports the loader
reaches the decision `dagforge validate` reaches, and no input takes the other DAGs down."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagforge.errors import BrokenConfigError
from dagforge.mwaa import localairflow
from dagforge.runtime import errordag, loader
from dagforge.runtime.decision import error_dag_id
from tests.conftest import AIRFLOW_HOME, REPO

EMPTY = "airflow.providers.standard.operators.empty.EmptyOperator"
PYTHON = "airflow.providers.standard.operators.python.PythonOperator"
GOOD = f"""\
good:
  default_args: {{owner: t, start_date: 2024-03-01}}
  schedule: null
  tasks: [{{task_id: work, operator: {EMPTY}}}]
"""


def evil(marker: Path) -> str:
    """A config validate rejects: its tasks would run builtins.exec."""
    code = f"open('{marker}', 'w').write('ran')"
    return f"""\
evil:
  default_args: {{owner: t, start_date: 2024-03-01}}
  schedule: null
  tasks:
    - task_id: config_error
      operator: {PYTHON}
      python_callable: builtins.exec
      op_args: ["{code}"]
    - task_id: other
      operator: {PYTHON}
      python_callable: builtins.exec
      op_args: ["{code}"]
"""


@pytest.fixture
def dags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DAGFORGE_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "dags"
    folder.mkdir()
    shutil.copy(REPO / "dags" / "dagforge_dags.py", folder)
    (tmp_path / "dagfactory_configs").mkdir()
    (tmp_path / "dagfactory_configs" / "good.yml").write_text(GOOD)
    return folder


def _config(dags: Path, name: str) -> Path:
    return dags.parent / "dagfactory_configs" / name


def _task_run(dags: Path, monkeypatch: pytest.MonkeyPatch, dag_id: str, task_id: str) -> Any:
    """The loader as a worker imports it to run one task (Airflow's parsing context)."""
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID", dag_id)
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_TASK_ID", task_id)
    target: dict[str, Any] = {}
    loader.load_dags(target, dags)
    monkeypatch.delenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID")
    monkeypatch.delenv("_AIRFLOW_PARSING_CONTEXT_TASK_ID")
    return target.get(dag_id)


def test_a_task_run_of_a_rejected_config_fails_with_its_problems_and_runs_nothing(
    dags: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "pwned"
    _config(dags, "evil.yml").write_text(evil(marker))
    for task_id in ("config_error", "other"):
        stand_in = _task_run(dags, monkeypatch, "evil", task_id)
        assert errordag.ERROR_TAG in stand_in.tags
        with pytest.raises(BrokenConfigError, match="callable-not-allowed"):
            stand_in.get_task(task_id).python_callable()
    assert not marker.exists()


def test_airflow_tasks_test_of_a_rejected_config_runs_nothing(
    dags: Path, tmp_path: Path, airflow_db: Path
) -> None:
    marker = tmp_path / "pwned"
    _config(dags, "evil.yml").write_text(evil(marker))
    env = {**os.environ, "AIRFLOW__CORE__DAGS_FOLDER": str(dags), "AIRFLOW_HOME": str(AIRFLOW_HOME)}
    command = [sys.executable, "-m", "airflow", "tasks", "test", "evil", "other", "2024-03-01"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert "BrokenConfigError" in output and "callable-not-allowed" in output
    assert not marker.exists()


@pytest.mark.parametrize(
    "key", ["has space", "has/slash", "..", "x" * 300, "dagforge_config_error__evil.yml"]
)
def test_a_bad_dag_id_in_a_broken_file_never_takes_the_other_dags_down(
    dags: Path, key: str
) -> None:
    _config(dags, "bad.yml").write_text(f"'{key}':\n  tasks: [{{task_id: a, operator: x}}]\n")
    result = localairflow.import_dags(dags)
    assert result.errors == {}
    assert "good" in result.dags and error_dag_id("bad.yml") in result.dags
    assert all(len(dag_id) <= 250 and " " not in dag_id for dag_id in result.dags)


def test_a_long_file_name_gets_a_valid_error_dag(dags: Path) -> None:
    name = "n" * 240 + ".yml"
    _config(dags, name).write_text("broken: [\n")
    result = localairflow.import_dags(dags)
    assert result.errors == {} and "good" in result.dags
    assert error_dag_id(name) in result.dags and len(error_dag_id(name)) <= 250


def test_a_duplicate_dag_id_is_shown_broken_naming_both_files_on_every_path(
    dags: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _config(dags, "zz_copy.yml").write_text(GOOD)
    full = localairflow.import_dags(dags).dags["good"]
    task = _task_run(dags, monkeypatch, "good", "work")
    for shown in (full, task):
        assert errordag.ERROR_TAG in shown.tags
        assert "good.yml" in shown.doc_md and "zz_copy.yml" in shown.doc_md
    with pytest.raises(BrokenConfigError, match="duplicate-dag-id"):
        task.get_task("work").python_callable()


def test_invalid_utf8_in_one_file_leaves_the_others_task_runs_alone(
    dags: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _config(dags, "latin1.yml").write_bytes(b"other:\n  description: caf\xe9\n")
    assert _task_run(dags, monkeypatch, "good", "work").get_task("work")
    result = localairflow.import_dags(dags)
    assert "good" in result.dags and error_dag_id("latin1.yml") in result.dags


def test_a_symlinked_config_leading_outside_is_refused(dags: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yml"
    secret.write_text("stolen:\n  description: s3cr3t\n  tasks: [{task_id: a, operator: x}]\n")
    _config(dags, "link.yml").symlink_to(secret)
    result = localairflow.import_dags(dags)
    error = result.dags[error_dag_id("link.yml")]
    assert "file-refused" in error.doc_md and "s3cr3t" not in error.doc_md
    assert "stolen" not in result.dags


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=12,
    )
)
def test_random_yaml_beside_a_good_file_never_raises_and_keeps_the_good_dag(data: Any) -> None:
    import yaml

    root = Path(AIRFLOW_HOME) / "fuzz"
    shutil.rmtree(root, ignore_errors=True)
    (root / "dags").mkdir(parents=True)
    (root / "dagfactory_configs").mkdir()
    (root / "dagfactory_configs" / "good.yml").write_text(GOOD)
    (root / "dagfactory_configs" / "random.yml").write_text(yaml.safe_dump(data))
    target: dict[str, Any] = {}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGFORGE_CACHE_DIR", str(root / "cache"))
        loader.load_dags(target, root / "dags")
    assert "good" in target and "dagforge-error" not in target["good"].tags
