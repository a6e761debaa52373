"""Bringing the local runner up in order, saying which component is up as it comes up.

The metadata DB and the broker queue first (MWAA's topology only), then Airflow's components and
the Celery workers all at once: each is reported as soon as it answers (the API server), its
heartbeat is healthy (scheduler, DAG processor, triggerer) or it consumes from the queue (workers).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from dagforge.demo.s3local import free_port
from dagforge.demo.seed import Progress
from dagforge.errors import LocalRunnerError
from dagforge.mwaa import localcelery, localpostgres, topology
from dagforge.mwaa.limits import ENV_CLASS_WORKER_CONCURRENCY
from dagforge.mwaa.localpostgres import LocalPostgres

if TYPE_CHECKING:
    from dagforge.mwaa.localrunner import Runner

POSTGRES_TIMEOUT = 60  # seconds


def start_backends(runner: Runner, progress: Progress) -> dict[str, str]:
    """A fresh Postgres under the home and the SQS queue; returns the settings they add."""
    options = runner.options
    pg = LocalPostgres(options.home / "postgres", options.host, free_port(options.host))
    shutil.rmtree(pg.data, ignore_errors=True)  # a fresh metadata DB per start, as with SQLite
    localpostgres.init(pg)
    runner.postgres = pg
    proc = runner.group.start(topology.postgres_component(pg))
    waited = wait_for(lambda: localpostgres.accepting(pg), runner, "postgres", POSTGRES_TIMEOUT)
    localpostgres.create_database(pg)
    progress(
        f"postgres up: pid {proc.pid}, {pg.host}:{pg.port}, data in {pg.data} ({waited:.0f} s)"
    )
    queue_url = localcelery.create_queue(runner.s3)
    progress(f"sqs queue up: {queue_url} (broker of the CeleryExecutor)")
    return {
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": pg.url,
        "AIRFLOW__CORE__PARALLELISM": "32",  # Airflow's default, as on MWAA
        **localcelery.celery_env(runner.s3, queue_url, pg.url, options.env_class),
    }


def start_airflow(runner: Runner, progress: Progress, timeout: float) -> None:
    """Start Airflow's components (and the workers); return once every one of them is up."""
    options = runner.options
    components = topology.airflow_components(options.host, int(runner.url.rsplit(":", 1)[1]))
    if not options.light:
        components += topology.worker_components(options.home, options.workers)
    for component in components:
        runner.group.start(component)
    pending = [component.name for component in components]
    started = time.monotonic()
    while pending:
        health = runner.api().health()
        for name in [n for n in pending if _up(runner, n, health)]:
            pending.remove(name)
            progress(
                f"{name} up: pid {runner.processes[name].pid}{_detail(runner, name)} "
                f"({time.monotonic() - started:.0f} s)"
            )
        _check(runner, pending, started, timeout)
        time.sleep(0.5 if pending else 0)


def wait_up(runner: Runner, name: str, timeout: float) -> float:
    """Wait until a (re)started component is up again; the seconds it took."""
    if name == "postgres" and runner.postgres is not None:
        pg = runner.postgres
        return wait_for(lambda: localpostgres.accepting(pg), runner, name, timeout)
    return wait_for(lambda: _up(runner, name, runner.api().health()), runner, name, timeout)


def _up(runner: Runner, name: str, health: dict[str, Any] | None) -> bool:
    if name == "api-server":
        return health is not None and runner.api().execution_ready()
    log = partial(runner.group.log_text, name, since_start=True)
    return topology.is_up(name, health, log, runner.group.started.get(name, 0.0))


def _detail(runner: Runner, name: str) -> str:
    if name == "api-server":
        return f", {runner.url}"
    if name.startswith("celery-worker-"):
        env_class = runner.options.env_class
        return f", concurrency {ENV_CLASS_WORKER_CONCURRENCY[env_class]} ({env_class})"
    return ""


def _check(runner: Runner, pending: list[str], started: float, timeout: float) -> None:
    for name in pending:
        if runner.processes[name].poll() is not None:
            raise LocalRunnerError(f"{name} exited early:\n{runner.log_tail(name)}")
    if pending and time.monotonic() - started > timeout:
        tails = "\n".join(f"--- {name} ---\n{runner.log_tail(name, 15)}" for name in pending)
        raise LocalRunnerError(f"not up within {timeout:.0f} s: {', '.join(pending)}\n{tails}")


def wait_for(check: Callable[[], bool], runner: Runner, name: str, timeout: float) -> float:
    """Poll ``check`` until true; fails with the log tail when ``name`` exits or time is up."""
    started = time.monotonic()
    while not check():
        _check(runner, [name], started, timeout)
        time.sleep(0.2)
    return time.monotonic() - started
