"""Seed a local S3 with what the pipelines read: a WHO-format file and one landed file per source.

Used by the demo and by the local runner (which must not import the demo run itself).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from dagforge.demo import sampledata, sampledata_sources
from dagforge.demo.s3local import LocalS3
from dagforge.project import load_variables_file
from dagforge.settings import variables_path

WHO_SOURCE_KEY = "who/WHO-COVID-19-global-data.csv"
LANDING_PREFIX = "landing"
LOCAL_PROFILE = "local"
# The Airflow Variable naming the data bucket the configs read, and its environment variable.
BUCKET_KEY = "dagforge_data_bucket"
BUCKET_VARIABLE = f"AIRFLOW_VAR_{BUCKET_KEY.upper()}"
Progress = Callable[[str], None]


def seed(s3: LocalS3, bucket: str, spec: sampledata.Spec, progress: Progress) -> None:
    """Create ``bucket`` and upload a generated WHO file to it."""
    from callables import s3 as s3io

    hook = s3io.hook()
    if not hook.check_for_bucket(bucket):
        hook.create_bucket(bucket_name=bucket, region_name=s3.region)
    data = sampledata.csv_bytes(spec)
    s3io.put(hook, bucket, WHO_SOURCE_KEY, data)
    row_count = data.count(b"\n") - 1
    progress(
        f"seeded s3://{bucket}/{WHO_SOURCE_KEY}: {row_count} rows, {spec.countries} areas, "
        f"{len(data) / 1e6:.1f} MB"
    )


def seed_landing(bucket: str, logical_date: datetime, rows: int, progress: Progress) -> None:
    """One landed file per demo source under ``landing/<source>/date=<ds>/``."""
    from callables import s3 as s3io

    hook = s3io.hook()
    ds = logical_date.date()
    for source in sampledata_sources.GENERATORS:
        name, data = sampledata_sources.landed_file(source, ds, rows)
        key = s3io.join_key(LANDING_PREFIX, source, f"date={ds.isoformat()}", name)
        s3io.put(hook, bucket, key, data)
        progress(f"landed s3://{bucket}/{key}: {len(data) / 1e3:.0f} kB")


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
