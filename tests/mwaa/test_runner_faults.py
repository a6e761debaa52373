"""Faults in MWAA's topology on a real local runner: a worker killed mid-task, the scheduler and
Postgres restarted under load, S3 answering 503 for a stretch.

Slow (about five minutes), so ``make test`` leaves them out (the ``runner_faults`` marker) and
``make test-runner`` runs them, as CI's own job does. One runner serves every scenario; the tasks
reach S3 through the fault proxy (:mod:`tests.support.faulty_s3`), the broker and the checks reach
the local S3 directly. The project is a copy of this repository's with a 5 s retry delay (it says 5
minutes), the scheduler declares a task dead after 20 s without a heartbeat (Airflow: 5 minutes)
and requeues a task queued for 60 s (MWAA: 30 minutes), so that recoveries happen within the
test. Each scenario prints its tally: runs started, succeeded, lost (must be 0), duplicated (must
be 0). The runner's home stays in ``.dagforge/test-runner/`` for its logs.
"""

from __future__ import annotations

import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from dagforge.demo.s3local import LOOPBACK, LocalS3, free_port
from dagforge.mwaa import batch, outputs
from dagforge.mwaa.batch import RunRef, Tally
from dagforge.mwaa.localrunner import Runner, RunnerOptions, all_parsed, running, wait_until
from dagforge.mwaa.workerhost import worker_of
from tests.conftest import REPO
from tests.support.faulty_s3 import Fault, Proxy, faulty_proxy

pytestmark = [pytest.mark.airflow, pytest.mark.runner_faults]

SETTINGS = {
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "20",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
    "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": "60",
}
RETRIES = {"retries": 3, "retry_delay": "5s"}
RUN_TIMEOUT = 420  # seconds for a batch
ROOT = REPO / ".dagforge" / "test-runner"


@dataclass
class Faults:
    runner: Runner
    proxy: Proxy
    watcher: outputs.Watcher
    countries: list[str]

    @property
    def bucket(self) -> str:
        return self.runner.options.bucket

    def s3(self) -> Any:
        return outputs.client(self.runner.s3)


@pytest.fixture(scope="module")
def faults() -> Iterator[Faults]:
    root = ROOT  # kept after the run: CI uploads its logs when a scenario fails
    shutil.rmtree(root, ignore_errors=True)
    project = batch.project_copy(REPO, root / "project", default_args=RETRIES)
    moto_port = free_port()
    with faulty_proxy(LocalS3(f"http://{LOOPBACK}:{moto_port}")) as proxy:
        options = RunnerOptions(
            project,
            root / "home",
            port=0,
            s3_port=moto_port,
            schedule=False,
            parse_interval=5,
            task_s3_endpoint=proxy.local.endpoint_url,
            settings=SETTINGS,
        )
        with running(options, lambda line: print(f"runner: {line}", flush=True)) as runner:
            api = runner.api()
            client = runner.client()
            wait_until(lambda: all_parsed(client, runner.expected_dag_ids), 180, "parse")
            countries = sorted(d for d in runner.configs if d.startswith("who_country_"))
            batch.unpause(api, ["who_split", *countries])
            watcher = outputs.Watcher(runner.s3, options.bucket, interval=1.0).start()
            try:
                yield Faults(runner, proxy, watcher, countries)
            finally:
                watcher.stop()


def _report(capsys: pytest.CaptureFixture[str], scenario: str, tally: Tally, extra: str) -> None:
    with capsys.disabled():
        print(f"\nrunner-faults: {scenario}: {tally.line()}; {extra}", flush=True)


def _split(f: Faults, prefix: str, date: str) -> None:
    run = RunRef("who_split", f"{prefix}__{date}", date)
    batch.trigger(f.runner.api(), run)
    assert batch.wait_for(f.runner.api(), [run], RUN_TIMEOUT)[run] == "success"


def _countries(
    f: Faults, prefix: str, date: str, disturb: Callable[[list[RunRef]], None]
) -> tuple[list[RunRef], dict[RunRef, str], Tally]:
    """Trigger every country DAG for ``date``, run ``disturb`` while they run, wait, count."""
    api = f.runner.api()
    runs = batch.runs_of(f.countries, [date], prefix)
    for run in runs:
        batch.trigger(api, run)
    disturb(runs)
    states = batch.wait_for(api, runs, RUN_TIMEOUT)
    return runs, states, batch.tally(api, runs, states)


def _outputs(f: Faults, date: str) -> dict[str, bytes]:
    found = outputs.snapshot(f.s3(), f.bucket, outputs.COUNTRIES_PREFIX)
    return {key: data for key, data in found.items() if f"/date={date}/" in key}


def _wait_running(f: Faults, runs: list[RunRef], timeout: float = 120) -> None:
    """Until some country task runs (the batch is under way) and some run has not finished."""

    def under_way() -> bool:
        states = [batch.retrying(batch.state_of, f.runner.api(), run) for run in runs]
        return "running" in states and any(state not in batch.FINISHED for state in states)

    wait_until(under_way, timeout, "no country run got under way", interval=0.5)


def _outputs_line(f: Faults, date: str) -> str:
    written = _outputs(f, date)
    return (
        f"outputs {len(written)}/{2 * len(f.countries)}, broken markers {len(f.watcher.problems)}"
    )


def _assert_whole(f: Faults, tally: Tally, states: dict[RunRef, str], date: str) -> None:
    """No run lost or doubled, every output of ``date`` there, no marker ever broken."""
    assert (tally.lost, tally.duplicated, tally.succeeded) == (0, 0, len(f.countries)), states
    assert len(_outputs(f, date)) == 2 * len(f.countries)
    assert f.watcher.problems == set()


def test_a_worker_killed_mid_task_is_retried_on_the_other_worker(
    faults: Faults, capsys: pytest.CaptureFixture[str]
) -> None:
    f, date = faults, "2024-03-11"
    _split(f, "kill", date)
    _, states, clean = _countries(f, "kill", date, lambda runs: None)
    assert clean.lost == 0, states
    reference = _outputs(f, date)
    assert len(reference) == 2 * len(f.countries)
    s3 = f.s3()
    for key in sorted(reference, key=lambda name: "summary" not in name):
        s3.delete_object(Bucket=f.bucket, Key=key)  # summaries before their rows
    victim = RunRef("who_country_NA", f"kill__{date}", date)
    hold = Fault(
        lambda method, path: (
            method == "PUT" and "country=NA/" in unquote(path) and "summary" in path
        ),
        hold=45,
    )
    with f.proxy.lock:
        f.proxy.faults.append(hold)
    api = f.runner.api()
    for run in batch.runs_of(f.countries, [date], "kill"):  # the same runs again, all of them
        body = {"dry_run": False, "only_failed": False, "reset_dag_runs": True}
        path = f"/dags/{run.dag_id}/clearTaskInstances"
        batch.retrying(api.post, path, {**body, "dag_run_id": run.run_id})
    wait_until(lambda: hold.hits >= 1, 120, "the NA task never wrote its summary", interval=0.2)
    killed = worker_of(batch.task_instances(api, victim)[0]["hostname"])
    f.runner.kill(killed)  # mid-write: NA's rows are in S3, its summary is not
    runs = batch.runs_of(f.countries, [date], "kill")
    states = batch.wait_for(api, runs, RUN_TIMEOUT)
    tally = batch.tally(api, runs, states)
    final = batch.task_instances(api, victim)[0]
    f.runner.restart(killed)
    _report(
        capsys,
        "kill -9 a Celery worker mid country task",
        tally,
        f"killed {killed}, retried as try {final['try_number']} on "
        f"{worker_of(final['hostname'])}, outputs byte-identical "
        f"{_outputs(f, date) == reference}, broken markers {len(f.watcher.problems)}",
    )
    assert killed in ("celery-worker-1", "celery-worker-2")
    assert worker_of(final["hostname"]) not in ("", killed)
    _assert_whole(f, tally, states, date)
    assert _outputs(f, date) == reference


def test_scheduler_stopped_and_restarted_mid_batch_every_run_completes(
    faults: Faults, capsys: pytest.CaptureFixture[str]
) -> None:
    f, date = faults, "2024-03-12"
    _split(f, "sched", date)

    def restart_scheduler(runs: list[RunRef]) -> None:
        _wait_running(f, runs)
        f.runner.stop_component("scheduler")
        time.sleep(5)
        f.runner.restart("scheduler")

    _, states, tally = _countries(f, "sched", date, restart_scheduler)
    _report(capsys, "scheduler stopped and restarted mid-batch", tally, _outputs_line(f, date))
    _assert_whole(f, tally, states, date)


def test_postgres_restarted_under_load_components_reconnect(
    faults: Faults, capsys: pytest.CaptureFixture[str]
) -> None:
    f, date = faults, "2024-03-13"
    _split(f, "pg", date)
    supervisor = f.runner.supervisor
    assert supervisor is not None
    before = Counter(supervisor.restarts)

    def restart_postgres(runs: list[RunRef]) -> None:
        _wait_running(f, runs)
        f.runner.group.stop("postgres", grace=20, sig=signal.SIGINT)  # Postgres' fast shutdown
        time.sleep(5)
        f.runner.restart("postgres")

    _, states, tally = _countries(f, "pg", date, restart_postgres)
    wait_until(lambda: f.runner.group.exited() == [], 120, "a component stayed down")
    restarted = supervisor.restarts - before
    reconnected = [n for n in f.runner.processes if n != "postgres" and n not in restarted]
    requeued = sum(
        "Task stuck in queued" in line and f"pg__{date}" in line
        for line in f.runner.group.log_text("scheduler").splitlines()
    )
    _report(
        capsys,
        "Postgres restarted under load",
        tally,
        f"reconnected {', '.join(reconnected)}; exited and restarted by the supervisor "
        f"{dict(restarted) or 'none'}; tasks whose message a worker dropped during the outage, "
        f"requeued after task_queued_timeout {requeued}; {_outputs_line(f, date)}",
    )
    _assert_whole(f, tally, states, date)
    assert {"api-server", "celery-worker-1", "celery-worker-2"} <= set(reconnected)


def _stretch(proxy: Proxy, bucket: str, seconds: float) -> Fault:
    """S3 answers 503 to every request for the bucket for ``seconds`` from now."""
    fault = Fault(lambda method, path: path.startswith(f"/{bucket}/"), status=503, times=-1)

    def lift() -> None:
        with proxy.lock:
            proxy.faults.remove(fault)

    with proxy.lock:
        proxy.faults.append(fault)
    threading.Timer(seconds, lift).start()
    return fault


def test_s3_answering_503_for_a_stretch_tasks_retry_and_succeed(
    faults: Faults, capsys: pytest.CaptureFixture[str]
) -> None:
    f, date = faults, "2024-03-14"
    during_split = _stretch(f.proxy, f.bucket, 30)
    _split(f, "s3", date)
    stretches: list[Fault] = [during_split]
    _, states, tally = _countries(
        f, "s3", date, lambda runs: stretches.append(_stretch(f.proxy, f.bucket, 30))
    )
    api = f.runner.api()
    every = [RunRef("who_split", f"s3__{date}", date), *batch.runs_of(f.countries, [date], "s3")]
    retried = [ti for run in every for ti in batch.task_instances(api, run) if ti["try_number"] > 1]
    _report(
        capsys,
        "S3 answering 503 for 30 s (split) and 30 s (countries)",
        tally,
        f"503s answered {sum(s.hits for s in stretches)}, tasks retried by Airflow {len(retried)}, "
        f"{_outputs_line(f, date)}",
    )
    assert all(s.hits > 0 for s in stretches)
    _assert_whole(f, tally, states, date)


def test_every_component_is_still_up_after_the_faults(faults: Faults) -> None:
    assert faults.runner.group.exited() == []
    assert Path(faults.runner.options.home / "runner.json").is_file()
