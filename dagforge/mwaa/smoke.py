"""The local runner's smoke run: what a user does in the UI, done through the REST API.

Start the runner, wait until the DAG processor has parsed every DAG of the bundle, then trigger the
target DAG through ``/api/v2``. A DAG scheduled on assets (a country DAG runs on the split's
``dagforge://who/split``) needs its producers' output first, so the DAGs whose task outlets feed
its schedule are triggered before it, for the same logical date. The runner's scheduler makes no
scheduled or asset-triggered runs of its own during a smoke run, so exactly the triggered runs run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagforge.api.client import AirflowClient
from dagforge.demo.seed import SMOKE_DATE, Progress
from dagforge.errors import LocalRunnerError
from dagforge.language.walk import strings_in, tasks_of
from dagforge.mwaa.localrunner import (
    Runner,
    RunnerOptions,
    all_parsed,
    running,
    wait_until,
)

SMOKE_LOGICAL_DATE = SMOKE_DATE.isoformat()


@dataclass
class SmokeResult:
    dag_id: str
    triggered: list[str] = field(default_factory=list)  # in order; the target last
    states: dict[str, str] = field(default_factory=dict)
    output_key: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # start, parse, run, total (seconds)

    @property
    def run_id(self) -> str:
        return f"smoke__{SMOKE_LOGICAL_DATE}"


def asset_schedule(config: dict[str, Any]) -> set[str]:
    """Asset URIs a DAG is scheduled on (a list of URIs as ``schedule``), else nothing."""
    schedule = config.get("schedule")
    return (
        {uri for uri in strings_in(schedule) if "://" in uri}
        if isinstance(schedule, list)
        else set()
    )


def outlets(config: dict[str, Any]) -> set[str]:
    """Asset URIs the DAG's tasks update."""
    return {uri for _, _, task in tasks_of(config) for uri in strings_in(task.get("outlets"))}


def trigger_chain(configs: dict[str, dict[str, Any]], dag_id: str) -> list[str]:
    """``dag_id`` preceded by the DAGs producing its assets (and theirs), producers first."""
    chain: list[str] = []

    def visit(current: str, seen: frozenset[str]) -> None:
        wanted = asset_schedule(configs[current])
        for producer in sorted(
            d for d, c in configs.items() if d not in seen and outlets(c) & wanted
        ):
            visit(producer, seen | {producer})
        if current not in chain:
            chain.append(current)

    visit(dag_id, frozenset({dag_id}))
    return chain


def smoke(
    options: RunnerOptions, dag_id: str, progress: Progress, timeout: float = 300
) -> SmokeResult:
    """Start, wait for every DAG to parse, trigger ``dag_id`` (after its producers) through the REST
    API, wait for each run to succeed, check the output in the local S3, and stop everything."""
    started = time.monotonic()
    result = SmokeResult(dag_id)
    with running(options, progress) as runner:
        result.timings["start"] = time.monotonic() - started
        progress(f"API server up at {runner.url} after {result.timings['start']:.0f} s")
        api = runner.client()
        result.timings["parse"] = wait_until(
            lambda: all_parsed(api, runner.expected_dag_ids),
            timeout,
            "the DAG processor did not parse every DAG",
            runner,
            "dag-processor",
        )
        _check_import_errors(api)
        progress(
            f"all {len(runner.expected_dag_ids)} DAGs parsed after {result.timings['parse']:.0f} "
            "s more"
        )
        if dag_id not in runner.configs:
            raise LocalRunnerError(
                f"no DAG '{dag_id}' in the bundle; it has {', '.join(runner.expected_dag_ids)}"
            )
        run_started = time.monotonic()
        for current in trigger_chain(runner.configs, dag_id):
            _trigger_and_wait(runner, api, result, current, timeout, progress)
        result.timings["run"] = time.monotonic() - run_started
        result.output_key = _check_output(runner, dag_id)
    result.timings["total"] = time.monotonic() - started
    return result


def _trigger_and_wait(
    runner: Runner,
    api: AirflowClient,
    result: SmokeResult,
    dag_id: str,
    timeout: float,
    progress: Progress,
) -> None:
    when = datetime.fromisoformat(SMOKE_LOGICAL_DATE).replace(tzinfo=UTC)
    api.trigger(dag_id, logical_date=when, run_id=result.run_id, unpause=True)
    result.triggered.append(dag_id)
    progress(f"triggered {dag_id} run {result.run_id} through {runner.url}/api/v2")
    waited = wait_until(
        lambda: _finished(api, result, dag_id),
        timeout,
        f"{dag_id} did not finish",
        runner,
        "scheduler",
    )
    progress(f"{dag_id} ended {result.states[dag_id]} after {waited:.0f} s")
    if result.states[dag_id] != "success":
        raise LocalRunnerError(
            f"{dag_id} ended {result.states[dag_id]}:\n{task_log_tail(runner.options.home, dag_id)}"
        )


def _check_import_errors(api: AirflowClient) -> None:
    errors = api.call("GET", "/importErrors").body["import_errors"]
    if errors:
        details = "\n".join(
            f"{e['filename']}: {e['stack_trace'].strip().splitlines()[-1]}" for e in errors
        )
        raise LocalRunnerError(f"Airflow reports import errors:\n{details}")


def _finished(api: AirflowClient, result: SmokeResult, dag_id: str) -> bool:
    run = api.run(dag_id, result.run_id)
    result.states[dag_id] = run.state
    return run.finished


def _check_output(runner: Runner, dag_id: str) -> str:
    from callables import s3 as s3io

    if not dag_id.startswith("who_country_"):
        return ""  # only the WHO country DAGs have a known output
    code = dag_id.rsplit("_", 1)[-1]
    key = f"who/countries/country={code}/date={SMOKE_LOGICAL_DATE}/summary.json"
    if not s3io.hook().check_for_key(key, bucket_name=runner.options.bucket):
        raise LocalRunnerError(
            f"{dag_id} succeeded but s3://{runner.options.bucket}/{key} is missing"
        )
    return key


def task_log_tail(home: Path, dag_id: str, lines: int = 30) -> str:
    """The end of the newest task log of ``dag_id`` under the runner's home, to show why a run
    failed.
    """
    logs = sorted((home / "logs").glob(f"dag_id={dag_id}/**/*.log"))
    return (
        "\n".join(logs[-1].read_text(errors="replace").splitlines()[-lines:])
        if logs
        else "(no task log)"
    )
