"""Local runner benchmark on MWAA's topology (Postgres, CeleryExecutor over SQS, two workers).

In one runner, side by side:

- N country DAG runs (each date's split first, then the countries), and the same N runs of
  one-task EmptyOperator DAGs shaped like them (one DAG per country, ``max_active_runs: 1``, the
  same dates), all triggered through the REST API and run by the scheduler and the Celery workers.
  The EmptyOperator has a no-op ``on_execute_callback``: Airflow marks a bare EmptyOperator
  successful in the scheduler without sending it to a worker, and the point is Airflow's own cost
  of a run *through the workers*. One run of each kind first warms the runner up, untimed.
- The worker-side parse of the loader DAG file per task, as Airflow's task runner logs it
  (``dag_file_parse_ms``): with the parsing-context fast path (the batch above), then with the
  workers restarted in strict mode, which turns the fast path off (a full parse per task).
- The memory of each component at its peak (proportional set size of its whole process group,
  sampled every second).

Run: ``make bench-runner`` or ``.venv/bin/python bench/runner.py [--runs 50]``. Output:
``name: value`` lines, among them ``ratio_countries_vs_empty`` (goal: at most 1.25).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from dagforge.mwaa import batch, topology
from dagforge.mwaa.batch import RunRef
from dagforge.mwaa.localrunner import Runner, RunnerOptions, all_parsed, running, wait_until
from dagforge.settings import STRICT_ENV

REPO = Path(__file__).resolve().parent.parent
DATES = [f"2024-04-{day:02d}" for day in range(1, 29)]
TIMEOUT = 1800  # seconds for a batch

EMPTY_DAGS = '''\
"""Benchmark baseline: one airflow DAG per country code with one EmptyOperator task."""
from datetime import datetime, timezone

from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG


def _noop(context):
    """Makes the task run on a worker (a bare EmptyOperator is marked done by the scheduler)."""


START = datetime(2024, 3, 1, tzinfo=timezone.utc)
for code in {codes!r}:
    with DAG(f"bench_empty_{{code}}", schedule=None, start_date=START, catchup=False,
             max_active_runs=1) as dag:
        EmptyOperator(task_id="empty", on_execute_callback=_noop)
    globals()[dag.dag_id] = dag
'''


def progress(line: str) -> None:
    print(f"# {line}", file=sys.stderr, flush=True)


class MemorySampler:
    """Peak PSS of each component's process group, sampled every ``interval`` seconds."""

    def __init__(self, runner: Runner, interval: float = 1.0) -> None:
        self.runner, self.interval, self.peak_mb = runner, interval, dict[str, float]()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            pids = {"local-s3": self.runner.s3.pid, **self.runner.group.pids()}
            for name, pid in pids.items():
                self.peak_mb[name] = max(self.peak_mb.get(name, 0.0), group_pss_mb(pid))


def group_pss_mb(pid: int) -> float:
    try:
        root = psutil.Process(pid)
        family = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for proc in family:
        try:
            total += proc.memory_full_info().pss
        except psutil.Error:
            continue
    return total / 1e6


def run_batch(runner: Runner, runs: list[RunRef]) -> float:
    """Trigger ``runs``, wait for all of them; the seconds it took. Fails on a failed run."""
    api, started = runner.api(), time.monotonic()
    for run in runs:
        batch.trigger(api, run)
    states = batch.wait_for(api, runs, TIMEOUT)
    failed = sorted(
        f"{run.dag_id}/{run.run_id}: {states.get(run)}"
        for run in runs
        if states.get(run) != "success"
    )
    if failed:
        raise SystemExit(f"runs did not succeed: {failed[:5]}")
    return time.monotonic() - started


def parse_ms(runner: Runner, runs: list[RunRef]) -> list[float]:
    """``dag_file_parse_ms`` of every try of ``runs``, from the task logs."""
    found = []
    for run in runs:
        folder = runner.options.home / "logs" / f"dag_id={run.dag_id}" / f"run_id={run.run_id}"
        for log in folder.glob("task_id=*/attempt=*.log"):
            for line in log.read_text(errors="replace").splitlines():
                if '"Worker startup parse complete"' in line:
                    found.append(float(json.loads(line)["dag_file_parse_ms"]))
    return found


def task_figures(runner: Runner, runs: list[RunRef]) -> tuple[float, float]:
    """Median seconds from queued to running, and median task duration (running to done)."""
    api = runner.api()
    instances = [ti for run in runs for ti in batch.task_instances(api, run)]
    durations = [float(ti["duration"]) for ti in instances if ti.get("duration") is not None]
    return batch.median(batch.queued_to_running(instances)), batch.median(durations)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="country runs, and empty runs (N)")
    parser.add_argument("--env-class", default="mw1.small")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dagforge-bench-runner-") as tmp:
        return bench(Path(tmp), args.runs, args.env_class)


def bench(root: Path, n: int, env_class: str) -> int:
    codes = _country_codes()
    project = batch.project_copy(
        REPO, root / "project", dag_files={"bench_empty.py": EMPTY_DAGS.format(codes=codes)}
    )
    options = RunnerOptions(project, root / "home", port=0, schedule=False, env_class=env_class)
    with running(options, progress) as runner:
        api = runner.api()
        empty_ids = [f"bench_empty_{code}" for code in codes]
        countries = [f"who_country_{code}" for code in codes]
        client = runner.client()
        wait_until(lambda: all_parsed(client, [*runner.expected_dag_ids, *empty_ids]), 300, "parse")
        batch.unpause(api, ["who_split", *countries, *empty_ids])
        with MemorySampler(runner) as memory:
            figures = measure(runner, n, countries, empty_ids)
        figures["workers"] = options.workers
        figures["env_class"] = env_class
    for name, value in figures.items():
        print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")
    for name, mb in sorted(memory.peak_mb.items()):
        print(f"peak_mb_{name.replace('-', '_')}: {mb:.0f}")
    print(f"peak_mb_total: {sum(memory.peak_mb.values()):.0f}")
    return 0


def measure(
    runner: Runner, n: int, countries: list[str], empty_ids: list[str]
) -> dict[str, object]:
    dates = DATES[1 : 1 + -(-n // len(countries))]
    warm = DATES[0]
    progress("warm-up: one split, one country run, one empty run")
    run_batch(runner, [RunRef("who_split", f"warm__{warm}", warm)])
    run_batch(
        runner,
        [RunRef(countries[0], f"warm__{warm}", warm), RunRef(empty_ids[0], f"warm__{warm}", warm)],
    )
    splits = [RunRef("who_split", f"bench__{date}", date) for date in dates]
    country_runs = batch.runs_of(countries, dates, "bench")[:n]
    empty_runs = batch.runs_of(empty_ids, dates, "bench")[:n]
    progress(f"{len(splits)} split runs")
    split_s = run_batch(runner, splits)
    progress(f"{n} country runs")
    countries_s = run_batch(runner, country_runs)
    progress(f"{n} empty runs")
    empty_s = run_batch(runner, empty_runs)
    fast = parse_ms(runner, country_runs)
    progress("full parse per task: the workers restarted in strict mode (no fast path)")
    for name in topology.worker_names(runner.options.workers):
        runner.stop_component(name)
        runner.restart(name, {STRICT_ENV: "True"})  # returns once the worker consumes again
    full_date = DATES[len(dates) + 1]
    full_runs = batch.runs_of(countries, [full_date], "full")
    run_batch(runner, [RunRef("who_split", f"full__{full_date}", full_date)])
    run_batch(runner, full_runs)
    full = parse_ms(runner, full_runs)
    country_tasks, empty_tasks = (
        task_figures(runner, country_runs),
        task_figures(runner, empty_runs),
    )
    return {
        "runs": n,
        "split_runs": len(splits),
        "countries_seconds": countries_s,
        "empty_seconds": empty_s,
        "split_seconds": split_s,
        "ratio_countries_vs_empty": countries_s / empty_s,
        "ratio_pipeline_vs_empty": (countries_s + split_s) / empty_s,
        "runs_per_minute_countries": n / countries_s * 60,
        "runs_per_minute_empty": n / empty_s * 60,
        "queued_to_running_median_s_countries": country_tasks[0],
        "queued_to_running_median_s_empty": empty_tasks[0],
        "task_duration_median_s_countries": country_tasks[1],
        "task_duration_median_s_empty": empty_tasks[1],
        "worker_parse_ms_fast_path_median": batch.median(fast),
        "worker_parse_ms_full_median": batch.median(full),
        "worker_parse_ms_empty_dag_file_median": batch.median(parse_ms(runner, empty_runs)),
        "ratio_worker_parse_full_vs_fast_path": batch.median(full) / batch.median(fast),
    }


def _country_codes() -> list[str]:
    from dagforge.project import load_project

    dags = load_project([REPO / "dagfactory_configs"]).dags()
    return sorted(d.dag_id.rsplit("_", 1)[-1] for d in dags if d.dag_id.startswith("who_country_"))


if __name__ == "__main__":
    sys.exit(main())
