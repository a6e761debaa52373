"""``dagforge run``: one DAG in real Airflow against an embedded local S3, on your own file.

The file given with ``--land`` goes where the DAG's task reads (its callable says where, from the
task's arguments rendered with the run's date and conf). DAGs whose assets the DAG is scheduled
on run first, on sample data. Retries are off, Airflow's output goes to ``<home>/run.log``, and a
failed task's log tail is part of the error. What the run wrote can be copied to a folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dagforge.demo.inputs import inputs_of, run_context
from dagforge.demo.run import producers_of
from dagforge.demo.s3local import LOOPBACK, moto_server
from dagforge.demo.seed import BUCKET_VARIABLE, Progress, Samples, seed
from dagforge.errors import RunFailedError, UsageError
from dagforge.language.hints import did_you_mean
from dagforge.mwaa import localairflow
from dagforge.mwaa.localairflow import RunOutcome
from dagforge.project import load_project
from dagforge.settings import CONFIGS_DIR_NAME


@dataclass(frozen=True)
class RunOptions:
    project_dir: Path
    home: Path
    dag_id: str
    logical_date: datetime
    land: Path | None = None
    conf: Mapping[str, Any] = field(default_factory=dict)
    out: Path | None = None
    bucket: str = "dagforge-run"
    host: str = LOOPBACK


@dataclass
class RunReport:
    outcomes: list[RunOutcome] = field(default_factory=list)
    landed: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # keys the runs created or changed


def run_dag(options: RunOptions, progress: Progress) -> RunReport:
    """Run ``options.dag_id`` (after the DAGs producing its assets); raises
    :class:`RunFailedError` with the failing task's log tail when a run does not succeed."""
    configs = {
        d.dag_id: d.config for d in load_project([options.project_dir / CONFIGS_DIR_NAME]).dags()
    }
    if options.dag_id not in configs:
        hint = did_you_mean(options.dag_id, configs) or "dagforge list shows them"
        raise UsageError(f"no DAG '{options.dag_id}' in {CONFIGS_DIR_NAME}/ ({hint})")
    home = options.home.resolve()
    localairflow.configure(localairflow.airflow_env(home, options.project_dir / "dags"))
    log = home / "run.log"
    log.write_text("")
    with moto_server(options.host) as s3:
        localairflow.configure({**s3.connection_env(), BUCKET_VARIABLE: options.bucket})
        dags = _import(options, log)
        chain = [*producers_of(dags, options.dag_id), options.dag_id]
        report = RunReport()
        report.landed = _land(options, configs, chain, s3, progress)
        progress(f"fresh Airflow metadata DB under {home} (Airflow's output: {log})")
        localairflow.fresh_db(home)
        before = _objects(options.bucket)
        for index, dag_id in enumerate(chain, start=1):
            conf = options.conf if dag_id == options.dag_id else {}
            outcome = localairflow.run_locally(dags[dag_id], options.logical_date, log, conf)
            report.outcomes.append(outcome)
            progress(f"[{index}/{len(chain)}] {outcome.describe()}")
            _raise_unless_success(outcome)
        after = _objects(options.bucket)
        report.written = sorted(k for k, tag in after.items() if before.get(k) != tag)
        if options.out:
            _copy(options.bucket, report.written, options.out)
        return report


def _import(options: RunOptions, log: Path) -> dict[str, Any]:
    with localairflow.output_to(log):
        imported = localairflow.import_dags(options.project_dir / "dags")
    if options.dag_id not in imported.dags:
        errors = "\n".join(f"{f}: {e.strip().splitlines()[-1]}" for f, e in imported.errors.items())
        raise RunFailedError(options.dag_id, "not built", "", "", errors or "(no import error)")
    return imported.dags


def _raise_unless_success(outcome: RunOutcome) -> None:
    if outcome.state != "success":
        failed = ", ".join(outcome.failed_tasks)
        error, tail = outcome.error(), outcome.log_tail(15)
        raise RunFailedError(outcome.dag_id, outcome.state, failed, error, tail)


def _land(
    options: RunOptions, configs: dict[str, Any], chain: list[str], s3: Any, progress: Progress
) -> list[str]:
    """Sample data for the DAGs that run (``--land FILE`` replaces the DAG's own), then the file
    where the DAG reads it."""
    from callables import s3 as s3io

    sampled = [d for d in chain if d in configs and not (options.land and d == options.dag_id)]
    day = options.logical_date.date()
    samples = Samples(options.project_dir)
    seeded = seed(s3, options.bucket, progress, {d: configs[d] for d in sampled}, [day], samples)
    if options.land is None:
        return [key for keys in seeded.landed.values() for key in keys]
    context = run_context(day.isoformat(), options.bucket, options.conf)
    found = inputs_of(options.dag_id, configs[options.dag_id], context)
    if not found:
        raise UsageError(
            f"{options.dag_id} declares no input to land a file on: run it without --land"
        )
    keys = []
    for task_input in found:
        if task_input.problem:
            where = f"{options.dag_id}.{task_input.task_id}"
            raise UsageError(f"cannot tell where {where} reads: {task_input.problem}")
        s3io.put(s3io.hook(), options.bucket, task_input.key, options.land.read_bytes())
        progress(f"landed {options.land} at s3://{options.bucket}/{task_input.key}")
        keys.append(task_input.key)
    return keys


def _objects(bucket: str) -> dict[str, str]:
    from callables import s3 as s3io

    pages = s3io.client(s3io.hook()).get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"]: item["ETag"] for page in pages for item in page.get("Contents", [])}


def _copy(bucket: str, keys: list[str], out: Path) -> None:
    from callables import s3 as s3io

    for key in keys:
        target = out / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(s3io.get(s3io.hook(), bucket, key))
