"""A Docker-free stand-in for the MWAA local runner: the bundle served by real Airflow on loopback.

Same layout and settings as MWAA (the bundle's ``dags/`` as the dags folder, MWAA's parse limits,
``startup.sh``'s environment), with SQLite and the LocalExecutor instead of Postgres and Celery,
and a moto server instead of S3, seeded with WHO-format data. Airflow runs as separate processes
(api-server, scheduler, dag-processor, triggerer), each in its own process group so that stopping
the runner stops everything it started. ``smoke`` drives it through the REST API as a user would.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from dagforge.api.client import AirflowClient
from dagforge.demo import sampledata
from dagforge.demo.s3local import LOOPBACK, LocalS3, free_port, moto_server
from dagforge.demo.seed import BUCKET_VARIABLE, Progress, Samples, runner_dates, seed
from dagforge.errors import LocalRunnerError
from dagforge.mwaa import localairflow, runner_api
from dagforge.mwaa.bundle import DAGFORGE_SETTINGS, BundleOptions, build_bundle
from dagforge.mwaa.invoke_api import DEFAULT_ENVIRONMENT
from dagforge.mwaa.limits import MIN_FILE_PROCESS_INTERVAL
from dagforge.project import load_project
from dagforge.settings import OFFLINE_ENV, variables_path

COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
SIMPLE_AUTH_MANAGER = (
    "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
)


@dataclass(frozen=True)
class RunnerOptions:
    project_dir: Path
    home: Path
    host: str = LOOPBACK
    port: int = 8080  # the API server and UI; 0 picks a free port
    s3_port: int = 0
    bucket: str = "dagforge-local"
    user: str = "admin"
    password: str = "admin"  # loopback only; printed with the URL
    parse_interval: int = MIN_FILE_PROCESS_INTERVAL
    components: tuple[str, ...] = COMPONENTS
    schedule: bool = True  # False: only triggered runs (the smoke run wants exactly one)
    data: sampledata.Spec = field(default_factory=sampledata.Spec)
    invoke_port: int = 0  # MWAA's InvokeRestApi endpoint; 0 picks a free port
    environment_name: str = DEFAULT_ENVIRONMENT  # the MWAA environment name it answers to


def runner_env(options: RunnerOptions, dags: Path, port: int) -> dict[str, str]:
    """Airflow settings of the local runner: MWAA's parse limits, simple auth, loopback only."""
    home, url = options.home, f"http://{options.host}:{port}"
    return {
        **localairflow.airflow_env(home, dags, log_level="INFO"),
        **OFFLINE_ENV,
        **DAGFORGE_SETTINGS,
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": str(options.parse_interval),
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": str(options.schedule),
        "AIRFLOW__CORE__AUTH_MANAGER": SIMPLE_AUTH_MANAGER,
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{options.user}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__API__HOST": options.host,
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": url,
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{url}/execution/",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),  # shared by every component
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__TRIGGERER__DEFAULT_CAPACITY": "100",
        "PYTHONWARNINGS": "ignore",
    }


def _command(component: str, options: RunnerOptions, port: int) -> list[str]:
    if component == runner_api.INVOKE_COMPONENT:
        return runner_api.invoke_command()
    extra = ["--host", options.host, "--port", str(port)] if component == "api-server" else []
    return [sys.executable, "-m", "airflow", component, *extra]


@dataclass
class Runner:
    """A started local runner: where it listens, what it expects to parse, and its processes."""

    options: RunnerOptions
    url: str
    dags: Path
    configs: dict[str, dict[str, Any]]  # dag_id → expanded config, as validated from the bundle
    s3: LocalS3
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    invoke_port: int = 0

    @property
    def invoke_url(self) -> str:
        return f"http://{self.options.host}:{self.invoke_port}"

    @property
    def expected_dag_ids(self) -> list[str]:
        return sorted(self.configs)

    def api(self) -> AirflowClient:
        return runner_api.client(self.url, self.options.user, self.options.password)

    def log_tail(self, component: str, lines: int = 40) -> str:
        path = self.options.home / "logs" / f"{component}.log"
        return (
            "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            if path.is_file()
            else ""
        )


@contextmanager
def running(options: RunnerOptions, progress: Progress) -> Iterator[Runner]:
    """Bundle, seed, migrate and start every component; everything is stopped when the block
    ends."""
    home = options.home.resolve()
    options = RunnerOptions(**{**options.__dict__, "home": home})
    bundle = home / "bundle"
    build_bundle(BundleOptions(options.project_dir, bundle, measure=False))
    configs = {
        d.dag_id: d.config for d in load_project([bundle / "dags" / "dagfactory_configs"]).dags()
    }
    progress(f"bundle: {bundle} ({len(configs)} DAGs expected)")
    port = options.port or free_port(options.host)
    with ExitStack() as stack:
        s3 = stack.enter_context(moto_server(options.host, options.s3_port))
        env = {
            **runner_env(options, bundle / "dags", port),
            **s3.connection_env(),
            # variables.yml's local profile sets the bucket Variable once the API is up
            **(
                {}
                if variables_path(options.project_dir).is_file()
                else {BUCKET_VARIABLE: options.bucket}
            ),
        }
        localairflow.configure(
            {**env, "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR"}
        )  # this process stays quiet
        samples = Samples(options.project_dir, options.data)
        seed(s3, options.bucket, progress, configs, runner_dates(), samples)
        _fresh_home(home, options)
        runner = Runner(options, f"http://{options.host}:{port}", bundle / "dags", configs, s3)
        stack.callback(stop, runner, progress)
        for component in options.components:
            runner.processes[component] = _start(component, options, port, env)
        _start_invoke_api(runner, port, env)
        progress(f"started {', '.join(runner.processes)} (logs in {home / 'logs'})")
        wait_until(
            lambda: runner_api.healthy(runner.url),
            120,
            "the API server did not answer",
            runner,
            "api-server",
        )
        _announce(runner, progress)
        yield runner


def _start_invoke_api(runner: Runner, port: int, env: dict[str, str]) -> None:
    """MWAA's InvokeRestApi, forwarding to this runner's API server as its Admin user."""
    options = runner.options
    runner.invoke_port = options.invoke_port or free_port(options.host)
    settings = {
        "host": options.host,
        "port": runner.invoke_port,
        "environment": options.environment_name,
        "api_url": runner.url,
        "username": options.user,
        "password": options.password,
    }
    component, extra = runner_api.INVOKE_COMPONENT, runner_api.invoke_env(settings)
    runner.processes[component] = _start(component, options, port, {**env, **extra})


def _announce(runner: Runner, progress: Progress) -> None:
    """Apply the local Variables profile, write runner.json, print how to reach the runner."""
    options, component = runner.options, runner_api.INVOKE_COMPONENT
    wait_until(
        lambda: runner_api.listening(options.host, runner.invoke_port),
        30,
        "the InvokeRestApi endpoint did not answer",
        runner,
        component,
    )
    progress(runner_api.apply_local_profile(options.project_dir, runner.api()))
    info = runner_api.runner_info(
        api_url=runner.url,
        invoke_url=runner.invoke_url,
        environment=options.environment_name,
        username=options.user,
        password=options.password,
        pids={name: proc.pid for name, proc in runner.processes.items()},
        s3_endpoint_url=runner.s3.endpoint_url,
        data_bucket=options.bucket,
    )
    progress(f"wrote {runner_api.write_runner_info(options.home, info)}")
    for line in runner_api.announce(info):
        progress(line)


def _fresh_home(home: Path, options: RunnerOptions) -> None:
    (home / "logs").mkdir(parents=True, exist_ok=True)
    (home / "passwords.json").write_text(json.dumps({options.user: options.password}))
    localairflow.fresh_db(home)


def _start(
    component: str, options: RunnerOptions, port: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    log: TextIO
    with (options.home / "logs" / f"{component}.log").open("w") as log:
        return subprocess.Popen(
            _command(component, options, port),
            env={**os.environ, **env},
            cwd=options.home,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(runner: Runner, progress: Progress, grace: float = 20) -> None:
    """SIGTERM each component's process group, then SIGKILL what is left after ``grace`` seconds."""
    for proc in runner.processes.values():
        _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for proc in runner.processes.values():
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        _signal_group(proc, signal.SIGKILL)  # children of a stopped leader too
        proc.wait()
    progress(f"stopped {', '.join(runner.processes)}")


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def wait_until(
    check: Callable[[], bool],
    timeout: float,
    what: str,
    runner: Runner | None = None,
    component: str = "",
    interval: float = 1.0,
) -> float:
    """Poll ``check`` until true; returns the seconds waited. Raises with a log tail on timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        if runner and component and runner.processes[component].poll() is not None:
            raise LocalRunnerError(f"{component} exited early:\n{runner.log_tail(component)}")
        time.sleep(interval)
    tail = (
        f"\n--- {component} log ---\n{runner.log_tail(component)}" if runner and component else ""
    )
    raise LocalRunnerError(f"{what} within {timeout:.0f} s{tail}")


def docker_engine() -> bool:
    """Whether a Docker engine answers (a client alone, as on these machines, is not enough)."""
    try:
        return (
            subprocess.run(
                ["docker", "info"], capture_output=True, timeout=15, check=False
            ).returncode
            == 0
        )
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False


def all_parsed(api: AirflowClient, expected: list[str]) -> bool:
    """Whether the API lists every expected dag_id (the DAG processor has serialized them)."""
    return set(expected) <= set(api.dag_ids())
