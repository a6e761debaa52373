"""``make demo``: local S3, seeded data, every DAG built and run by real Airflow, outputs read back.

Seeds a WHO-format file and one landed file per ingestion source, imports ``dags/`` with Airflow's
DagBag and runs every DAG once with ``dag.test()``: asset producers before their consumers
(``dag.test`` does not trigger consumers, so the demo runs them in that order). Then it reads back
what each DAG was expected to write and reports anything missing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagforge.demo import sampledata
from dagforge.demo.s3local import moto_server
from dagforge.demo.seed import (
    BUCKET_KEY,
    Progress,
    local_variables,
    seed,
    seed_landing,
    variables_env,
)
from dagforge.errors import DemoFailedError
from dagforge.mwaa import localairflow
from dagforge.reporters import columns


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
    summaries: list[dict[str, Any]] = field(default_factory=list)
    ingested: list[dict[str, Any]] = field(default_factory=list)
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
        # the local profile of variables.yml, with the bucket the demo was given
        variables = {**local_variables(options.project_dir), BUCKET_KEY: options.bucket}
        localairflow.configure({**s3.connection_env(), **variables_env(variables)})
        progress(f"Airflow Variables (profile local): {', '.join(sorted(variables))}")
        seed(s3, options.bucket, options.data, progress)
        seed_landing(options.bucket, options.logical_date, options.source_rows, progress)
        progress(f"fresh Airflow metadata DB under {home}")
        localairflow.fresh_db(home)
        return _build_and_run(options, dags_folder, progress)


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


def _build_and_run(options: DemoOptions, dags_folder: Path, progress: Progress) -> DemoResult:
    result = DemoResult()
    imported = localairflow.import_dags(dags_folder)
    result.import_errors = imported.errors
    progress(
        f"Airflow imported {len(imported.dags)} DAGs from {dags_folder} ({len(imported.errors)} "
        "import errors)"
    )
    order = run_order(imported.dags)
    for index, dag_id in enumerate(order, start=1):
        started = time.monotonic()
        result.runs[dag_id] = localairflow.run_dag(imported.dags[dag_id], options.logical_date)
        progress(
            f"[{index}/{len(order)}] {dag_id}: {result.runs[dag_id]} "
            f"({time.monotonic() - started:.1f} s)"
        )
    ds = options.logical_date.date().isoformat()
    expected = [key for dag in imported.dags.values() for key in expected_outputs(dag, ds)]
    result.summaries, missing = read_outputs(options.bucket)
    result.ingested, missing_parts = read_ingested(options.bucket, ds)
    result.missing_outputs = sorted(set(missing + missing_parts + absent(options.bucket, expected)))
    return result


def expected_outputs(dag: Any, ds: str) -> list[str]:
    """The keys a DAG's callables promise to write for ``ds`` (from their literal op_kwargs)."""
    from callables import ingest, who, who_split

    keys: list[str] = []
    for task in dag.tasks:
        name = getattr(getattr(task, "python_callable", None), "__name__", "")
        kwargs = getattr(task, "op_kwargs", None) or {}
        if name in ("process_country", "country_from_split"):
            keys.extend(who.output_keys(kwargs["output_prefix"], kwargs["country_code"], ds))
        elif name == "split_countries":
            keys.extend(who_split.split_keys(kwargs["split_prefix"], ds))
        elif name == "ingest_source":
            keys.append(f"{kwargs['raw_prefix']}/_runs/date={ds}/{ingest.MARKER}")
    return keys


def absent(bucket: str, keys: Iterable[str]) -> list[str]:
    from callables import s3 as s3io

    hook = s3io.hook()
    return [key for key in keys if not hook.check_for_key(key, bucket_name=bucket)]


def read_outputs(bucket: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Every ``summary.json`` in ``bucket``, and the rows files they name that do not exist."""
    from callables import s3 as s3io

    hook = s3io.hook()
    keys = sorted(
        k for k in hook.list_keys(bucket_name=bucket) or [] if k.endswith("/summary.json")
    )
    summaries = [{**json.loads(s3io.get(hook, bucket, key)), "summary_key": key} for key in keys]
    return summaries, absent(bucket, [s["rows_key"] for s in summaries])


def read_ingested(bucket: str, ds: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Every ingestion ``_SUCCESS`` marker for ``ds``, and the parts they list that do not exist."""
    from callables import ingest
    from callables import s3 as s3io

    hook = s3io.hook()
    suffix = f"/_runs/date={ds}/{ingest.MARKER}"
    keys = sorted(k for k in hook.list_keys(bucket_name=bucket) or [] if k.endswith(suffix))
    markers = [{**json.loads(s3io.get(hook, bucket, key)), "marker_key": key} for key in keys]
    return markers, absent(bucket, [part for marker in markers for part in marker["parts"]])


def format_table(summaries: list[dict[str, Any]]) -> str:
    """The per-country table the demo prints."""
    header = ("code", "country", "rows", "total_deaths", "last_report", "output")
    return columns(
        header,
        [
            tuple(
                str(s.get(k, ""))
                for k in (
                    "country_code",
                    "country",
                    "rows",
                    "total_deaths",
                    "last_report_date",
                    "rows_key",
                )
            )
            for s in summaries
        ],
    )


def format_sources_table(markers: list[dict[str, Any]]) -> str:
    """The per-source table the demo prints: rows landed and the raw partitions written."""
    header = ("source", "rows", "partitions", "landed", "raw")
    lines: list[tuple[str, ...]] = []
    for marker in markers:
        parts = sorted(marker["parts"])
        dates = [part.rsplit("/", 2)[-2].split("=", 1)[-1] for part in parts]
        raw = parts[0].rsplit("/", 2)[0] + "/" if parts else ""
        lines.append(
            (
                str(marker["source"]),
                str(marker["rows"]),
                f"{len(parts)} ({', '.join(dates)})",
                str(marker["landing_key"]),
                raw,
            )
        )
    return columns(header, lines)


def check(result: DemoResult) -> None:
    """Raise with every reason the demo did not fully succeed."""
    reasons = [
        f"import error in {f}: {e.splitlines()[-1] if e else ''}"
        for f, e in result.import_errors.items()
    ]
    reasons += [
        f"DAG {dag_id} ended {state}" for dag_id, state in result.runs.items() if state != "success"
    ]
    reasons += [f"missing output s3 key {key}" for key in result.missing_outputs]
    if not result.runs:
        reasons.append("no DAG was built from dagfactory_configs/")
    if reasons:
        raise DemoFailedError(reasons)
