"""``make demo``: local S3, seeded data, every DAG built and run by real Airflow, outputs read back.

Lands sample data where each DAG reads (:mod:`dagforge.demo.seed`; a DAG without sample data is
skipped and said so), imports ``dags/`` with Airflow's DagBag and runs every other DAG once with
``dag.test()``, retries off: asset producers before their consumers (``dag.test`` does not
trigger consumers, so the demo runs them in that order). Airflow's own output goes to a log file
under the demo's home, so stdout holds only the tables; a failed task's log tail goes to stderr.
Then it reads back what each DAG was expected to write and reports anything missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagforge.demo import report, sampledata
from dagforge.demo.s3local import moto_server
from dagforge.demo.seed import BUCKET_KEY, Progress, Samples, local_variables, seed, variables_env
from dagforge.mwaa import localairflow
from dagforge.project import load_project
from dagforge.settings import CONFIGS_DIR_NAME


@dataclass(frozen=True)
class DemoOptions:
    project_dir: Path
    home: Path
    bucket: str = "dagforge-demo"
    host: str = "127.0.0.1"
    port: int = 0
    logical_date: datetime = datetime(2024, 3, 1, tzinfo=UTC)
    data: sampledata.Spec = field(default_factory=sampledata.Spec)
    source_rows: int = 300


@dataclass
class DemoResult:
    runs: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # dag_id -> why
    summaries: list[dict[str, Any]] = field(default_factory=list)
    ingested: list[dict[str, Any]] = field(default_factory=list)
    missing_outputs: list[str] = field(default_factory=list)
    import_errors: dict[str, str] = field(default_factory=dict)


def run_demo(options: DemoOptions, progress: Progress) -> DemoResult:
    """Run the whole demo; everything it starts is stopped before it returns."""
    dags_folder = options.project_dir / "dags"
    home = options.home.resolve()
    localairflow.configure(localairflow.airflow_env(home, dags_folder))
    configs = {
        dag.dag_id: dag.config
        for dag in load_project([options.project_dir / CONFIGS_DIR_NAME]).dags()
    }
    with moto_server(options.host, options.port) as s3:
        progress(f"local S3 (moto server) at {s3.endpoint_url}")
        # the local profile of variables.yml, with the bucket the demo was given
        variables = {**local_variables(options.project_dir), BUCKET_KEY: options.bucket}
        localairflow.configure({**s3.connection_env(), **variables_env(variables)})
        progress(f"Airflow Variables (profile local): {', '.join(sorted(variables))}")
        samples = Samples(options.project_dir, options.data, options.source_rows)
        seeded = seed(s3, options.bucket, progress, configs, [options.logical_date.date()], samples)
        progress(f"fresh Airflow metadata DB under {home} (Airflow's output: {home / 'demo.log'})")
        localairflow.fresh_db(home)
        result = DemoResult(skipped=seeded.skipped)
        (home / "demo.log").write_text("")
        return _build_and_run(options, dags_folder, home / "demo.log", result, progress)


def _asset_uris(item: Any) -> set[str]:
    """URIs of the assets in an asset, a condition (``&``/``|``) or a list of them."""
    if item is None:
        return set()
    if isinstance(item, list | tuple | set):
        return set().union(*(_asset_uris(i) for i in item)) if item else set()
    if isinstance(getattr(item, "uri", None), str):
        return {item.uri}
    return _asset_uris(list(getattr(item, "objects", [])))


def run_order(dags: dict[str, Any]) -> list[str]:
    """Every dag_id, each asset producer before the DAGs scheduled on its assets, else by name."""
    produces = {d: _asset_uris([t.outlets for t in dag.tasks]) for d, dag in dags.items()}
    consumes = {
        d: _asset_uris(getattr(dag.timetable, "asset_condition", None)) for d, dag in dags.items()
    }
    waits = {d: {p for p in dags if p != d and produces[p] & consumes[d]} for d in dags}
    order: list[str] = []
    while len(order) < len(dags):
        ready = sorted(d for d in dags if d not in order and waits[d] <= set(order))
        order.append(
            ready[0] if ready else sorted(set(dags) - set(order))[0]
        )  # a cycle: run by name
    return order


def producers_of(dags: dict[str, Any], dag_id: str) -> list[str]:
    """The DAGs whose task outlets feed ``dag_id``'s asset schedule, and theirs, in run order."""
    wanted: set[str] = {dag_id}
    for _ in range(len(dags)):
        consumed = set().union(
            *(_asset_uris(getattr(dags[d].timetable, "asset_condition", None)) for d in wanted)
        )
        feeding = {
            p for p, dag in dags.items() if _asset_uris([t.outlets for t in dag.tasks]) & consumed
        }
        if feeding <= wanted:
            break
        wanted |= feeding
    return [d for d in run_order(dags) if d in wanted and d != dag_id]


def _build_and_run(
    options: DemoOptions, dags_folder: Path, log: Path, result: DemoResult, progress: Progress
) -> DemoResult:
    with localairflow.output_to(log):
        imported = localairflow.import_dags(dags_folder)
    result.import_errors = imported.errors
    progress(
        f"Airflow imported {len(imported.dags)} DAGs from {dags_folder} ({len(imported.errors)} "
        "import errors)"
    )
    order = [d for d in run_order(imported.dags) if d not in result.skipped]
    for index, dag_id in enumerate(order, start=1):
        outcome = localairflow.run_locally(imported.dags[dag_id], options.logical_date, log)
        result.runs[dag_id] = outcome.state
        progress(f"[{index}/{len(order)}] {outcome.describe()}")
        if outcome.state != "success":
            progress(
                f"{dag_id}: {outcome.error()}\n--- the end of its log ---\n{outcome.log_tail(15)}"
            )
    ds = options.logical_date.date().isoformat()
    ran = [imported.dags[d] for d in order]
    expected = [key for dag in ran for key in report.expected_outputs(dag, ds)]
    result.summaries, missing = report.read_outputs(options.bucket)
    result.ingested, missing_parts = report.read_ingested(options.bucket, ds)
    absent = report.absent(options.bucket, expected)
    result.missing_outputs = sorted(set(missing + missing_parts + absent))
    return result
