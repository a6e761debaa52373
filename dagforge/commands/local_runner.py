"""``dagforge local-runner``: the bundle in an MWAA-like Airflow on this machine (Docker or not)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import warnings
from pathlib import Path

from dagforge.commands._options import add_project_dir_and_home
from dagforge.demo.s3local import LOOPBACK
from dagforge.errors import UsageError
from dagforge.mwaa.invoke_api import DEFAULT_ENVIRONMENT
from dagforge.mwaa.limits import (
    DEFAULT_ENV_CLASS,
    ENV_CLASS_WORKER_CONCURRENCY,
    ENVIRONMENT_NAME_RULE,
    valid_environment_name,
)
from dagforge.mwaa.localrunner import RunnerOptions, all_parsed, docker_engine, running, wait_until
from dagforge.mwaa.smoke import smoke
from dagforge.settings import LOCAL_RUNNER_HOME, RUNNER_FILE

DOCKER_SCRIPT = Path("tools") / "mwaa-docker-runner.sh"


DESCRIPTION = (
    "With a Docker engine (and --docker auto|always): run build/mwaa in "
    f"aws/amazon-mwaa-docker-images via {DOCKER_SCRIPT}. Without one: serve the bundle in MWAA's "
    "topology on loopback (Postgres, the CeleryExecutor over SQS, two Celery workers, scheduler, "
    "dag-processor, triggerer, api-server), with MWAA's settings and a seeded local S3; --light "
    "runs SQLite and the LocalExecutor instead."
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_project_dir_and_home(parser, "state folder (default: PROJECT/.dagforge/local-runner)")
    parser.add_argument(
        "--host", default=LOOPBACK, help="loopback address to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8080,
        help="UI and REST API port; 0 = a free one (default: 8080)",
    )
    parser.add_argument(
        "--s3-port", type=int, default=0, help="local S3 port (default: a free one)"
    )
    parser.add_argument(
        "--invoke-port",
        type=int,
        default=0,
        help="port of the runner's MWAA InvokeRestApi endpoint (default: a free one)",
    )
    parser.add_argument(
        "--environment-name",
        default=DEFAULT_ENVIRONMENT,
        help="MWAA environment name the InvokeRestApi endpoint answers to (default: %(default)s)",
    )
    parser.add_argument(
        "--docker",
        choices=("auto", "always", "never"),
        default="auto",
        help="serve with the MWAA Docker images when a Docker engine answers (default: auto; "
        "--smoke always runs without Docker)",
    )
    parser.add_argument(
        "--smoke",
        metavar="DAG_ID",
        default=None,
        help="start, wait for every DAG to parse, trigger DAG_ID (after the DAGs producing its "
        "assets) via the REST API, wait for success, stop (exit 0 on success)",
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per smoke step")
    parser.add_argument(
        "--light",
        action="store_true",
        help="SQLite and the LocalExecutor instead of Postgres, Celery and SQS (a quicker look)",
    )
    parser.add_argument(
        "--env-class",
        choices=sorted(ENV_CLASS_WORKER_CONCURRENCY, key=ENV_CLASS_WORKER_CONCURRENCY.__getitem__),
        default=DEFAULT_ENV_CLASS,
        help="MWAA environment class whose tasks per worker the Celery workers take "
        "(default: %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    if args.host not in (LOOPBACK, "localhost", "::1") and not args.host.startswith("127."):
        raise UsageError(
            f"refusing to listen on {args.host}: the local runner is for loopback only"
        )
    if not valid_environment_name(args.environment_name):
        raise UsageError(
            f"--environment-name {args.environment_name!r} is not an MWAA environment name: "
            + ENVIRONMENT_NAME_RULE
        )
    project = args.project_dir.resolve()
    # The smoke run drives the REST API of the Docker-free runner; the Docker path is interactive
    # only.
    if not args.smoke and (args.docker == "always" or (args.docker == "auto" and docker_engine())):
        command = ["bash", str(project / DOCKER_SCRIPT), "start"]
        os.execvp(command[0], command)  # the script owns the Docker path from here
    _stop_on_signals()
    options = RunnerOptions(
        project,
        (args.home or project / LOCAL_RUNNER_HOME).resolve(),
        args.host,
        args.port,
        args.s3_port,
        schedule=not args.smoke,
        parse_interval=5 if args.smoke else 30,
        light=args.light,
        env_class=args.env_class,
        invoke_port=args.invoke_port,
        environment_name=args.environment_name,
    )
    return (
        _smoke(options, args.smoke, args.timeout) if args.smoke else _serve(options, args.timeout)
    )


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM (a CI cancel, ``kill``) unwind the runner, which stops what it started.
    Set explicitly: a process started in the background inherits an ignored SIGINT."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def _progress(line: str) -> None:
    print(f"local-runner: {line}", file=sys.stderr, flush=True)


def _smoke(options: RunnerOptions, dag_id: str, timeout: float) -> int:
    result = smoke(options, dag_id, _progress, timeout)
    steps = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in result.timings.items())
    runs = ", ".join(f"{dag} {state}" for dag, state in result.states.items())
    output = f"; output s3://{options.bucket}/{result.output_key}" if result.output_key else ""
    print(f"smoke run passed: {runs} ({steps}){output}")
    return 0


def _serve(options: RunnerOptions, timeout: float) -> int:
    with running(options, _progress) as runner:
        client = runner.client()
        waited = wait_until(
            lambda: all_parsed(client, runner.expected_dag_ids),
            timeout,
            "the DAG processor did not parse every DAG",
            runner,
            "dag-processor",
        )
        _progress(f"all {len(runner.expected_dag_ids)} DAGs parsed after {waited:.0f} s")
        print(
            f"\nAirflow UI and REST API: {runner.url}/  (login: {options.user} / "
            f"{options.password})\nDAGs folder: {runner.dags}\nlocal S3: {runner.s3.endpoint_url} "
            f"(bucket {options.bucket})\nMWAA InvokeRestApi: {runner.invoke_url} (environment "
            f"{options.environment_name})\n"
            f"components, PIDs and logins: {options.home / RUNNER_FILE}\n"
            "Ctrl-C stops everything.",
            flush=True,
        )
        while True:  # a component that exits on its own is restarted by the runner's supervisor
            time.sleep(1)
