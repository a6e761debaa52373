"""A Docker-free stand-in for the MWAA local runner: the bundle served by real Airflow on loopback.

Same layout and settings as MWAA (the bundle's ``dags/`` as the dags folder, MWAA's parse limits,
``startup.sh``'s environment) and, by default, MWAA's topology: Postgres, the CeleryExecutor over
SQS, two Celery workers sized by the environment class (see :mod:`dagforge.mwaa.topology`). A moto
server stands in for S3 and SQS, seeded with WHO-format data. ``light=True`` runs SQLite and the
LocalExecutor instead. Every component is a process group of its own, so stopping the runner stops
everything it started; ``runner.json`` in the home lists them with their PIDs, and how to reach the
REST API and MWAA's InvokeRestApi endpoint the runner also serves (:mod:`dagforge.mwaa.runner_api`).
``smoke`` drives it through the REST API as a user would.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dagforge.api.client import AirflowClient
from dagforge.api.local import LocalTransport
from dagforge.demo import sampledata
from dagforge.demo.s3local import LOOPBACK, LocalS3, free_port, moto_server
from dagforge.demo.seed import BUCKET_VARIABLE, Progress, Samples, runner_dates, seed
from dagforge.errors import LocalRunnerError
from dagforge.mwaa import bringup, localairflow, runner_api, runnerstate, topology
from dagforge.mwaa.bundle import DAGFORGE_SETTINGS, BundleOptions, build_bundle
from dagforge.mwaa.components import Processes, stop_all
from dagforge.mwaa.invoke_api import DEFAULT_ENVIRONMENT
from dagforge.mwaa.limits import DEFAULT_ENV_CLASS, MIN_FILE_PROCESS_INTERVAL
from dagforge.mwaa.localpostgres import LocalPostgres
from dagforge.mwaa.runnerclient import ApiClient
from dagforge.mwaa.supervisor import Supervisor, supervised
from dagforge.project import load_project
from dagforge.settings import OFFLINE_ENV, variables_path

SIMPLE_AUTH_MANAGER = (
    "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
)
STARTUP_TIMEOUT = 180  # seconds for every component to come up


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
    schedule: bool = True  # False: only triggered runs (the smoke run wants exactly one)
    data: sampledata.Spec = field(default_factory=sampledata.Spec)
    light: bool = False  # SQLite + LocalExecutor instead of MWAA's topology
    env_class: str = DEFAULT_ENV_CLASS  # sizes the Celery workers
    workers: int = 2
    task_s3_endpoint: str = ""  # tasks reach S3 here (a fault proxy) instead of the local S3
    settings: Mapping[str, str] = field(default_factory=dict)  # more AIRFLOW__* settings
    invoke_port: int = 0  # MWAA's InvokeRestApi endpoint; 0 picks a free port
    environment_name: str = DEFAULT_ENVIRONMENT  # the MWAA environment name it answers to

    @property
    def topology(self) -> str:
        return topology.LIGHT if self.light else topology.MWAA


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


@dataclass
class Runner:
    """A started local runner: where it listens, what it expects to parse, and its processes."""

    options: RunnerOptions
    url: str
    dags: Path
    configs: dict[str, dict[str, Any]]  # dag_id → expanded config, as validated from the bundle
    s3: LocalS3
    group: Processes
    postgres: LocalPostgres | None = None
    supervisor: Supervisor | None = None  # restarts what exits on its own, once all are up
    invoke_port: int = 0
    _transport: LocalTransport | None = field(default=None, repr=False)
    _api: ApiClient | None = field(default=None, repr=False)

    @property
    def invoke_url(self) -> str:
        return f"http://{self.options.host}:{self.invoke_port}"

    @property
    def expected_dag_ids(self) -> list[str]:
        return sorted(self.configs)

    @property
    def processes(self) -> dict[str, subprocess.Popen[bytes]]:
        return self.group.procs

    def api(self) -> ApiClient:
        """Raw calls for the runner's own bring-up and batches (health, paths as written)."""
        if self._api is None:
            self._api = ApiClient(self.url, self._local())
        return self._api

    def client(self) -> AirflowClient:
        """The operating client (:mod:`dagforge.api`), as the CLI and the smoke run use it."""
        return AirflowClient(self._local())

    def _local(self) -> LocalTransport:
        """One transport (one connection pool, one sign-in) for every client of this runner."""
        if self._transport is None:
            self._transport = LocalTransport(self.url, self.options.user, self.options.password)
        return self._transport

    def close_clients(self) -> None:
        for closing in (self._api, self._transport):
            if closing is not None:
                closing.close()

    def log_tail(self, component: str, lines: int = 40) -> str:
        return self.group.log_tail(component, lines)

    def kill(self, component: str) -> None:
        """``kill -9`` a component's whole process group (a container dying)."""
        self.group.kill(component)

    def stop_component(self, component: str, grace: float = 20) -> None:
        self.group.stop(component, grace)

    def restart(self, component: str, env: Mapping[str, str] | None = None) -> int:
        """Start a stopped or killed component again and wait until it is up; returns its new PID
        (runner.json says it too)."""
        pid = self.group.restart(component, env).pid
        runnerstate.write(self)
        bringup.wait_up(self, component, STARTUP_TIMEOUT)
        return pid


@contextmanager
def running(options: RunnerOptions, progress: Progress) -> Iterator[Runner]:
    """Bundle, seed, migrate and start every component; everything is stopped when the block
    ends."""
    home = options.home.resolve()
    options = replace(options, home=home)
    bundle = home / "bundle"
    build_bundle(BundleOptions(options.project_dir, bundle, measure=False))
    configs = {
        d.dag_id: d.config for d in load_project([bundle / "dags" / "dagfactory_configs"]).dags()
    }
    progress(f"bundle: {bundle} ({len(configs)} DAGs expected, {options.topology} topology)")
    port = options.port or free_port(options.host)
    with ExitStack() as stack:
        s3 = stack.enter_context(moto_server(options.host, options.s3_port))
        progress(f"local-s3 up: pid {s3.pid}, {s3.endpoint_url} (S3 and SQS)")
        tasks_s3 = LocalS3(options.task_s3_endpoint, s3.region) if options.task_s3_endpoint else s3
        env = {
            **runner_env(options, bundle / "dags", port),
            **tasks_s3.connection_env(),
            # variables.yml's local profile sets the bucket Variable once the API is up
            **(
                {}
                if variables_path(options.project_dir).is_file()
                else {BUCKET_VARIABLE: options.bucket}
            ),
        }
        group = Processes(home / "logs", env, home)
        runner = Runner(
            options, f"http://{options.host}:{port}", bundle / "dags", configs, s3, group
        )
        stack.callback(stop, runner, progress)
        _fresh_home(home, options)
        if not options.light:
            env.update(bringup.start_backends(runner, progress))
        env.update(options.settings)
        localairflow.configure({**env, "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR"})  # quiet here
        samples = Samples(options.project_dir, options.data)
        seed(s3, options.bucket, progress, configs, runner_dates(), samples)
        localairflow.fresh_db(home)
        progress("metadata database migrated")
        bringup.start_airflow(runner, progress, STARTUP_TIMEOUT)
        runner_api.start_invoke_api(runner, progress)
        runnerstate.write(runner)
        for line in runner_api.announce(runnerstate.record(runner)):
            progress(line)
        runner.supervisor = stack.enter_context(supervised(runner, progress))
        yield runner


def _fresh_home(home: Path, options: RunnerOptions) -> None:
    (home / "logs").mkdir(parents=True, exist_ok=True)
    (home / "passwords.json").write_text(json.dumps({options.user: options.password}))


def stop(runner: Runner, progress: Progress, grace: float = 20) -> None:
    """Stop the Airflow components, then the metadata DB they write to (SIGTERM, then SIGKILL what
    is left after ``grace`` seconds)."""
    runner.group.hold_all()
    runner.close_clients()
    procs = runner.processes
    stop_all({n: p for n, p in procs.items() if n != "postgres"}, grace)
    stop_all({n: p for n, p in procs.items() if n == "postgres"}, grace)
    progress(f"stopped {', '.join(sorted(procs, key=lambda name: name == 'postgres'))}")


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
