"""Seed a local S3 with what the pipelines read: each DAG's input, from sample data.

Used by the demo, ``dagforge run`` and the local runner (which must not import the demo run
itself). Where a DAG reads comes from its callable (:mod:`dagforge.demo.inputs`); what is landed
there is, in order: the file under ``samples/<dag_id>/``, else a built-in generator (the WHO file,
the three demo sources). A DAG with neither is reported as skipped, with what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from dagforge.demo import sampledata, sampledata_sources
from dagforge.demo.inputs import DagInput, inputs_of, run_context, sample_file
from dagforge.demo.s3local import LocalS3
from dagforge.project import load_variables_file
from dagforge.settings import SAMPLES_DIR_NAME, variables_path

WHO_SOURCE_KEY = "who/WHO-COVID-19-global-data.csv"
LOCAL_PROFILE = "local"
# The Airflow Variable naming the data bucket the configs read, and its environment variable.
BUCKET_KEY = "dagforge_data_bucket"
BUCKET_VARIABLE = f"AIRFLOW_VAR_{BUCKET_KEY.upper()}"
# The logical date the local runner's smoke run triggers (its landings are seeded for it).
SMOKE_DATE = date(2024, 3, 5)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Samples:
    """Where sample data comes from: the project's ``samples/`` and the built-in generators."""

    project_dir: Path | None = None
    who: sampledata.Spec = field(default_factory=sampledata.Spec)
    rows: int = 300  # rows of each built-in source's landed file


@dataclass
class Seeded:
    landed: dict[str, list[str]] = field(default_factory=dict)  # dag_id -> keys
    skipped: dict[str, str] = field(default_factory=dict)  # dag_id -> why, and what to do


def create_bucket(s3: LocalS3, bucket: str) -> None:
    from callables import s3 as s3io

    hook = s3io.hook()
    if not hook.check_for_bucket(bucket):
        hook.create_bucket(bucket_name=bucket, region_name=s3.region)


def seed(
    s3: LocalS3,
    bucket: str,
    progress: Progress,
    dags: Mapping[str, Mapping[str, Any]],
    dates: Sequence[date],
    samples: Samples = Samples(),
) -> Seeded:
    """Create ``bucket`` and land sample data where each DAG reads, for each of ``dates``."""
    from callables import s3 as s3io

    create_bucket(s3, bucket)
    seeded, done = Seeded(), set()
    for day in dates:
        for dag_id, config in sorted(dags.items()):
            for found in inputs_of(dag_id, config, run_context(day.isoformat(), bucket)):
                data, why = sample_data(found, day, samples)
                if data is None:
                    seeded.skipped.setdefault(dag_id, why)
                elif found.key not in done:
                    s3io.put(s3io.hook(), bucket, found.key, data)
                    done.add(found.key)
                    seeded.landed.setdefault(dag_id, []).append(found.key)
                    progress(f"landed s3://{bucket}/{found.key}: {_size(data)}")
    for dag_id, why in seeded.skipped.items():
        progress(f"{dag_id}: no sample data, skipped ({why})")
    return seeded


def runner_dates(today: date | None = None) -> list[date]:
    """The landing dates a local runner seeds: its smoke run's, yesterday's (a scheduled daily
    run) and today's (a run triggered now)."""
    today = today or datetime.now(UTC).date()
    return sorted({SMOKE_DATE, today - timedelta(days=1), today})


def sample_data(found: DagInput, day: date, samples: Samples) -> tuple[bytes | None, str]:
    """The bytes to land for an input, or ``None`` and why."""
    if found.problem:
        return None, f"cannot tell where {found.task_id} reads: {found.problem}"
    path = sample_file(samples.project_dir, found.dag_id)
    if path is not None:
        return path.read_bytes(), ""
    if found.key == WHO_SOURCE_KEY:
        return sampledata.csv_bytes(samples.who), ""
    source = found.arguments.get("source")
    if source in sampledata_sources.GENERATORS:
        return sampledata_sources.landed_file(str(source), day, samples.rows)[1], ""
    return None, (
        f"put one file in {SAMPLES_DIR_NAME}/{found.dag_id}/, or run it on a file: "
        f"dagforge run {found.dag_id} --land FILE"
    )


def _size(data: bytes) -> str:
    return f"{len(data) / 1e6:.1f} MB" if len(data) >= 100_000 else f"{len(data) / 1e3:.0f} kB"


def local_variables(project_dir: Path) -> dict[str, str]:
    """The ``local`` profile of the project's ``variables.yml`` (key → stored value); nothing
    when the project has no such file."""
    path = variables_path(project_dir)
    if not path.is_file():
        return {}
    declared = load_variables_file(path).for_profile(LOCAL_PROFILE)
    return {key: variable.values[LOCAL_PROFILE] for key, variable in declared.items()}


def variables_env(variables: dict[str, str]) -> dict[str, str]:
    """Variables as Airflow reads them from the environment (``AIRFLOW_VAR_<KEY>``)."""
    return {f"AIRFLOW_VAR_{key.upper()}": value for key, value in variables.items()}
