"""The local runner: MWAA's settings on loopback, the Docker path's script, and real runs.

The smoke run (about a minute here) starts MWAA's topology (Postgres, two Celery workers over SQS,
api-server, scheduler, dag-processor, triggerer), triggers one country DAG through the REST API and
checks that nothing it started is left running. The SIGTERM test serves the light topology (SQLite,
LocalExecutor) and checks ``runner.json`` against the live processes.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dagforge.cli import main
from dagforge.mwaa import runnerstate
from dagforge.mwaa.localrunner import RunnerOptions, runner_env
from dagforge.mwaa.smoke import trigger_chain
from tests.conftest import REPO

DOCKER_SCRIPT = REPO / "tools" / "mwaa-docker-runner.sh"


def _env(tmp_path: Path, **changes: object) -> dict[str, str]:
    options = RunnerOptions(REPO, tmp_path, **changes)  # type: ignore[arg-type]
    return runner_env(options, tmp_path / "dags", 18080)


def test_mwaa_parse_limits_and_loopback_only(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert env["AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT"] == "30"
    assert env["AIRFLOW__DAG_PROCESSOR__DAG_FILE_PROCESSOR_TIMEOUT"] == "50"
    assert env["AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL"] == "30"
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18080/execution/"
    assert env["AIRFLOW__DAG_FACTORY__ENABLE_TELEMETRY"] == "False"


def test_known_login_through_the_simple_auth_manager(tmp_path: Path) -> None:
    env = _env(tmp_path, user="ops", password="s3cret")
    assert env["AIRFLOW__CORE__AUTH_MANAGER"].endswith("SimpleAuthManager")
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] == "ops:admin"
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS"] == "False"


def test_every_component_shares_one_jwt_secret_per_start(tmp_path: Path) -> None:
    assert (
        _env(tmp_path)["AIRFLOW__API_AUTH__JWT_SECRET"]
        != _env(tmp_path)["AIRFLOW__API_AUTH__JWT_SECRET"]
    )


def _task(**fields: object) -> dict[str, object]:
    return {"task_id": "t", "operator": "x.Y", **fields}


def test_smoke_triggers_the_producers_of_an_asset_scheduled_dag_first() -> None:
    configs = {
        "raw": {"schedule": "@daily", "tasks": [_task(outlets=["s3://b/raw"])]},
        "split": {"schedule": ["s3://b/raw"], "tasks": [_task(outlets=["s3://b/split"])]},
        "country": {"schedule": ["s3://b/split"], "tasks": [_task()]},
        "other": {"schedule": "@daily", "tasks": [_task(outlets=["s3://b/other"])]},
    }
    assert trigger_chain(configs, "country") == ["raw", "split", "country"]
    assert trigger_chain(configs, "other") == ["other"]


def test_smoke_chain_survives_an_asset_cycle() -> None:
    configs = {
        "a": {"schedule": ["u://b"], "tasks": [_task(outlets=["u://a"])]},
        "b": {"schedule": ["u://a"], "tasks": [_task(outlets=["u://b"])]},
    }
    assert trigger_chain(configs, "a") == ["b", "a"]


def test_refuses_a_non_loopback_host(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["local-runner", "--host", "0.0.0.0", "--docker", "never"]) == 2
    assert "loopback only" in capsys.readouterr().err


def test_refuses_an_environment_name_mwaa_would_refuse(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["local-runner", "--environment-name", "1-not/valid", "--docker", "never"]
    assert main(args) == 2
    assert "is not an MWAA environment name" in capsys.readouterr().err


def test_docker_script_is_valid_bash() -> None:
    assert subprocess.run(["bash", "-n", str(DOCKER_SCRIPT)], check=False).returncode == 0


def test_docker_script_needs_a_bundle_before_cloning(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BUNDLE": str(tmp_path / "none"),
        "MWAA_IMAGES_DIR": str(tmp_path / "clone"),
    }
    done = subprocess.run(
        ["bash", str(DOCKER_SCRIPT), "test-requirements"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "run 'make bundle' first" in done.stderr
    assert not (tmp_path / "clone").exists()


def test_docker_script_mounts_what_the_mwaa_compose_file_mounts() -> None:
    text = DOCKER_SCRIPT.read_text()
    assert "for folder in dags plugins requirements startup; do" in text
    assert 'exec ./run.sh "$COMMAND"' in text


def _processes_using(home: Path) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if (
                proc.name.isdigit()
                and f"AIRFLOW_HOME={home}".encode() in (proc / "environ").read_bytes()
            ):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _local_runner(home: Path, *options: str) -> list[str]:
    """``dagforge local-runner`` on a free port, without Docker, for the repository."""
    command = [sys.executable, "-m", "dagforge", "local-runner", "--port", "0"]
    return [
        *command,
        "--docker",
        "never",
        "--home",
        str(home),
        "--project-dir",
        str(REPO),
        *options,
    ]


@pytest.mark.airflow
def test_smoke_run_triggers_a_country_dag_and_leaves_nothing_running(tmp_path: Path) -> None:
    home = tmp_path / "runner"
    done = subprocess.run(
        _local_runner(home, "--smoke", "who_country_NA"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("smoke run passed: who_split success, who_country_NA success")
    for component in ("postgres", "celery-worker-1", "celery-worker-2", "scheduler", "api-server"):
        assert re.search(rf"local-runner: {component} up: pid \d+", done.stderr), component
    assert "concurrency 5 (mw1.small)" in done.stderr
    assert re.search(r"all \d+ DAGs parsed", done.stderr)
    assert "triggered who_split run" in done.stderr  # the country DAG's asset producer ran first
    assert _processes_using(home.resolve()) == []


@pytest.mark.airflow
def test_serving_runner_stops_everything_on_sigterm(tmp_path: Path) -> None:
    home = tmp_path / "runner"
    proc = subprocess.Popen(
        _local_runner(home, "--light"),
        cwd=tmp_path,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # until the runner says it is serving
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        state = runnerstate.read(home)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=90)
    assert any(line.startswith("Airflow UI and REST API: http://127.0.0.1:") for line in lines), (
        lines
    )
    assert state["topology"] == "light"
    pids = {name: entry["pid"] for name, entry in state["components"].items()}
    assert set(pids) == {
        "local-s3",
        "api-server",
        "scheduler",
        "dag-processor",
        "triggerer",
        "invoke-rest-api",
    }
    assert state["pids"] == pids
    assert set(pids.values()) - {0} == set(pids.values())
    assert code == 130
    assert _processes_using(home.resolve()) == []
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids.values())
