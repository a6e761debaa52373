"""A running Airflow with its REST API, for the client tests: one per test session.

On Airflow 3 it is the local runner itself, started as a user starts it (``dagforge
local-runner`` in a subprocess) and read back from its ``runner.json``. On Airflow 2 (``make
test-compat``) the local runner cannot run (no api-server), so the same shape is built from
Airflow 2's own webserver (basic auth, API v1) and scheduler, with dagforge's InvokeRestApi
endpoint in front, on loopback, with the repository's DAGs and a seeded local S3.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from dagforge.api.client import AirflowClient
from dagforge.api.local import LocalTransport
from dagforge.api.mwaa import MwaaTransport, mwaa_client
from dagforge.demo.s3local import LOOPBACK, free_port, moto_server
from dagforge.errors import ApiError
from dagforge.mwaa import localairflow
from dagforge.mwaa.invoke_api import DEFAULT_ENVIRONMENT, SETTINGS_ENV, botocore_env
from dagforge.settings import OFFLINE_ENV, RUNNER_FILE

REPO = Path(__file__).resolve().parent.parent.parent
AIRFLOW_MAJOR = int(metadata.version("apache-airflow").split(".", 1)[0])
DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class LiveAirflow:
    """What ``runner.json`` says: where the API, InvokeRestApi and the local S3 answer."""

    info: dict[str, Any]
    home: Path

    def client(self, transport: str = "local") -> AirflowClient:
        if transport == "mwaa":
            return AirflowClient(
                MwaaTransport(self.info["environment_name"], client=self.boto3_mwaa())
            )
        return AirflowClient(
            LocalTransport(self.info["api_url"], self.info["username"], self.info["password"])
        )

    def aws_env(self) -> dict[str, str]:
        """What unchanged boto3 code needs to reach the runner: its botocore settings and the
        local S3's dummy credentials."""
        return {**DUMMY_AWS, **self.info["botocore_env"]}

    def boto3_mwaa(self) -> Any:
        saved = {key: os.environ.get(key) for key in self.aws_env()}
        os.environ.update(self.aws_env())
        try:
            return mwaa_client("us-east-1")
        finally:
            for key, value in saved.items():
                os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)


@contextmanager
def live_airflow(tmp: Path) -> Iterator[LiveAirflow]:
    """The local runner (Airflow 3), or Airflow 2's webserver and scheduler, for the block."""
    starter = _runner if AIRFLOW_MAJOR >= 3 else _airflow2
    with starter(tmp) as live:
        yield live


@contextmanager
def _runner(tmp: Path) -> Iterator[LiveAirflow]:
    home = tmp / "runner"
    command = [sys.executable, "-m", "dagforge", "local-runner", "--docker", "never", "--port", "0"]
    command += ["--home", str(home), "--project-dir", str(REPO)]
    log = (tmp / "runner.log").open("w")
    proc = subprocess.Popen(command, cwd=tmp, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # until the runner says it serves, with every DAG parsed
            if line.startswith("Ctrl-C"):
                break
        else:
            raise RuntimeError(
                f"the local runner stopped:\n{(tmp / 'runner.log').read_text()[-3000:]}"
            )
        yield LiveAirflow(json.loads((home / RUNNER_FILE).read_text()), home)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        log.close()


@contextmanager
def _airflow2(tmp: Path) -> Iterator[LiveAirflow]:
    home, port, invoke_port = tmp / "airflow2", free_port(), free_port()
    with ExitStack() as stack, moto_server() as s3:
        env = {
            **os.environ,
            **localairflow.airflow_env(home, REPO / "dags", log_level="INFO"),
            **OFFLINE_ENV,
            **s3.connection_env(),
            "AIRFLOW_VAR_DAGFORGE_DATA_BUCKET": "dagforge-local",
            "AIRFLOW__API__AUTH_BACKENDS": "airflow.api.auth.backend.basic_auth",
            "AIRFLOW__WEBSERVER__WORKERS": "1",
            "AIRFLOW__WEBSERVER__WEB_SERVER_PORT": str(port),
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
            "PYTHONWARNINGS": "ignore",
            "PYTHONPATH": str(REPO),  # the loader imports dagforge and callables from the repo
            # Airflow 2's executor runs `airflow tasks run`: this venv's, even when not activated
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        home.mkdir(parents=True)
        _airflow(env, "db", "migrate")
        _airflow(
            env,
            "users",
            "create",
            "--role",
            "Admin",
            "--username",
            "admin",
            "--password",
            "admin",
            "--firstname",
            "a",
            "--lastname",
            "b",
            "--email",
            "admin@example.com",
        )
        _seed(env, s3.endpoint_url)
        api_url = f"http://{LOOPBACK}:{port}"
        settings = {
            "host": LOOPBACK,
            "port": invoke_port,
            "environment": DEFAULT_ENVIRONMENT,
            "api_url": api_url,
            "username": "admin",
            "password": "admin",
        }
        for name, command in (
            ("webserver", ["airflow", "webserver", "--hostname", LOOPBACK, "--port", str(port)]),
            ("scheduler", ["airflow", "scheduler", "--skip-serve-logs"]),  # no 0.0.0.0:8793
            ("invoke-rest-api", ["dagforge.mwaa.invoke_api"]),
        ):
            extra = {SETTINGS_ENV: json.dumps(settings)} if name == "invoke-rest-api" else {}
            stack.enter_context(
                _process(home, name, [sys.executable, "-m", *command], {**env, **extra})
            )
        invoke_url = f"http://{LOOPBACK}:{invoke_port}"
        info = {
            "api_url": api_url,
            "invoke_rest_api_url": invoke_url,
            "username": "admin",
            "password": "admin",
            "environment_name": DEFAULT_ENVIRONMENT,
            "botocore_env": botocore_env(invoke_url),
            "s3_endpoint_url": s3.endpoint_url,
            "data_bucket": "dagforge-local",
        }
        live = LiveAirflow(info, home)
        _wait_for_dags(live, ["who_split", "landed_orders"], home)
        yield live


def _airflow(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "airflow", *args], env=env, check=True, capture_output=True
    )


def _seed(env: dict[str, str], endpoint: str) -> None:
    import boto3

    from dagforge.demo import sampledata
    from dagforge.demo.seed import WHO_SOURCE_KEY

    s3 = boto3.client("s3", endpoint_url=endpoint, **_keys())
    s3.create_bucket(Bucket="dagforge-local")
    s3.put_object(
        Bucket="dagforge-local", Key=WHO_SOURCE_KEY, Body=sampledata.csv_bytes(sampledata.Spec())
    )


def _keys() -> dict[str, str]:
    return {
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "region_name": "us-east-1",
    }


@contextmanager
def _process(home: Path, name: str, command: list[str], env: dict[str, str]) -> Iterator[None]:
    with (home / f"{name}.log").open("w") as log:
        proc = subprocess.Popen(
            command, env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_for_dags(live: LiveAirflow, dag_ids: list[str], home: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if set(dag_ids) <= set(live.client().dag_ids()):
                return
        except ApiError:  # the webserver is still starting
            pass
        time.sleep(2)
    errors = live.client().call("GET", "/importErrors").body
    raise RuntimeError(f"Airflow 2 did not serve {dag_ids} within {timeout:.0f} s: {errors}")
