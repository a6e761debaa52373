"""``make demo``: local S3, seeded WHO data, every DAG built and run by real Airflow, outputs read back."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagforge import localairflow, sampledata
from dagforge.errors import DagforgeError
from dagforge.s3local import LocalS3, moto_server

WHO_SOURCE_KEY = "who/WHO-COVID-19-global-data.csv"
BUCKET_VARIABLE = "AIRFLOW_VAR_DAGFORGE_DATA_BUCKET"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoOptions:
    project_dir: Path
    home: Path
    bucket: str = "dagforge-demo"
    host: str = "127.0.0.1"
    port: int = 0
    logical_date: datetime = datetime(2024, 3, 1, tzinfo=UTC)
    data: sampledata.Spec = field(default_factory=sampledata.Spec)


@dataclass
class DemoResult:
    runs: dict[str, str] = field(default_factory=dict)
    summaries: list[dict[str, Any]] = field(default_factory=list)
    missing_outputs: list[str] = field(default_factory=list)
    import_errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        all_ran = bool(self.runs) and all(state == "success" for state in self.runs.values())
        return all_ran and not self.missing_outputs and not self.import_errors


def run_demo(options: DemoOptions, progress: Progress) -> DemoResult:
    """Run the whole demo; everything it starts is stopped before it returns."""
    dags_folder = options.project_dir / "dags"
    home = options.home.resolve()
    localairflow.configure(localairflow.airflow_env(home, dags_folder))
    with moto_server(options.host, options.port) as s3:
        progress(f"local S3 (moto server) at {s3.endpoint_url}")
        localairflow.configure({**s3.connection_env(), BUCKET_VARIABLE: options.bucket})
        seed(s3, options.bucket, options.data, progress)
        progress(f"fresh Airflow metadata DB under {home}")
        localairflow.fresh_db(home)
        return _build_and_run(options, dags_folder, progress)


def seed(s3: LocalS3, bucket: str, spec: sampledata.Spec, progress: Progress) -> None:
    """Create ``bucket`` and upload a generated WHO file to it."""
    from callables import s3 as s3io

    hook = s3io.hook()
    if not hook.check_for_bucket(bucket):
        hook.create_bucket(bucket_name=bucket, region_name=s3.region)
    data = sampledata.csv_bytes(spec)
    s3io.write_bytes(hook, bucket, WHO_SOURCE_KEY, data)
    row_count = data.count(b"\n") - 1
    progress(f"seeded s3://{bucket}/{WHO_SOURCE_KEY}: {row_count} rows, "
             f"{spec.countries} areas, {len(data) / 1e6:.1f} MB")


def _build_and_run(options: DemoOptions, dags_folder: Path, progress: Progress) -> DemoResult:
    result = DemoResult()
    imported = localairflow.import_dags(dags_folder)
    result.import_errors = imported.errors
    progress(f"Airflow imported {len(imported.dags)} DAGs from {dags_folder} "
             f"({len(imported.errors)} import errors)")
    for index, dag_id in enumerate(sorted(imported.dags), start=1):
        started = time.monotonic()
        result.runs[dag_id] = localairflow.run_dag(imported.dags[dag_id], options.logical_date)
        progress(f"[{index}/{len(imported.dags)}] {dag_id}: {result.runs[dag_id]} "
                 f"({time.monotonic() - started:.1f} s)")
    result.summaries, result.missing_outputs = read_outputs(options.bucket)
    return result


def read_outputs(bucket: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Every ``summary.json`` in ``bucket``, and the rows files they name that do not exist."""
    from callables import s3 as s3io

    hook = s3io.hook()
    keys = sorted(k for k in hook.list_keys(bucket_name=bucket) or [] if k.endswith("/summary.json"))
    summaries = [{**json.loads(s3io.read_bytes(hook, bucket, key)), "summary_key": key} for key in keys]
    missing = [s["rows_key"] for s in summaries if not hook.check_for_key(s["rows_key"], bucket_name=bucket)]
    return summaries, missing


def format_table(summaries: list[dict[str, Any]]) -> str:
    """The per-country table the demo prints."""
    header = ("code", "country", "rows", "total_deaths", "last_report", "output")
    lines = [tuple(str(s.get(k, "")) for k in ("country_code", "country", "rows", "total_deaths",
                                                "last_report_date", "rows_key")) for s in summaries]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                     for row in [header, *lines])


def check(result: DemoResult) -> None:
    """Raise with every reason the demo did not fully succeed."""
    reasons = [f"import error in {f}: {e.splitlines()[-1] if e else ''}" for f, e in result.import_errors.items()]
    reasons += [f"DAG {dag_id} ended {state}" for dag_id, state in result.runs.items() if state != "success"]
    reasons += [f"missing output s3 key {key}" for key in result.missing_outputs]
    if not result.runs:
        reasons.append("no DAG was built from dagfactory_configs/")
    if reasons:
        raise DagforgeError("demo failed:\n  " + "\n  ".join(reasons))
