"""What the demo reads back from the local S3 after the runs, and the tables it prints."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from dagforge.errors import DemoFailedError
from dagforge.reporters import columns


def expected_outputs(dag: Any, ds: str) -> list[str]:
    """The keys a DAG's callables promise to write for ``ds`` (from their literal op_kwargs)."""
    from callables import rawdata, who, who_split

    keys: list[str] = []
    for task in dag.tasks:
        name = getattr(getattr(task, "python_callable", None), "__name__", "")
        kwargs = getattr(task, "op_kwargs", None) or {}
        if name in ("process_country", "country_from_split"):
            keys.extend(who.output_keys(kwargs["output_prefix"], kwargs["country_code"], ds))
        elif name == "split_countries":
            keys.extend(who_split.split_keys(kwargs["split_prefix"], ds))
        elif name == "ingest_source":
            keys.append(rawdata.run_keys(kwargs["raw_prefix"], ds).marker)
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
    """Every ingestion marker for landing ``ds`` with its manifest's files, and the files listed
    that do not exist."""
    from callables import rawdata
    from callables import s3 as s3io

    hook = s3io.hook()
    suffix = f"/_runs/date={ds}/{rawdata.MARKER}"
    keys = sorted(k for k in hook.list_keys(bucket_name=bucket) or [] if k.endswith(suffix))
    runs = [rawdata.read_manifest(hook, bucket, key) for key in keys]
    return runs, absent(bucket, [part for run in runs for part in run["parts"]])


def format_table(summaries: list[dict[str, Any]]) -> str:
    """The per-country table the demo prints."""
    header = ("code", "country", "rows", "total_deaths", "last_report", "output")
    keys = ("country_code", "country", "rows", "total_deaths", "last_report_date", "rows_key")
    return columns(header, [tuple(str(s.get(k, "")) for k in keys) for s in summaries])


def format_sources_table(runs: list[dict[str, Any]]) -> str:
    """The per-source table: rows landed, the files and partitions written to raw/."""
    header = ("source", "rows", "files", "partitions", "landed", "raw")
    lines = [
        (
            str(run["source"]),
            str(run["rows"]),
            str(run["files"]),
            _partitions(run),
            str(run["landing_key"]),
            f"{run['raw_prefix']}/",
        )
        for run in runs
    ]
    return columns(header, lines)


def _partitions(run: dict[str, Any]) -> str:
    count, first, last = run["partitions"], run["first_partition"], run["last_partition"]
    if not count:
        return "none"
    return f"{count} ({first})" if count == 1 else f"{count} ({first} .. {last})"


def failure_reasons(
    import_errors: dict[str, str], runs: dict[str, str], missing: list[str]
) -> list[str]:
    """Every reason a demo did not fully succeed."""
    reasons = [
        f"import error in {f}: {e.splitlines()[-1] if e else ''}" for f, e in import_errors.items()
    ]
    reasons += [
        f"DAG {dag_id} ended {state}" for dag_id, state in runs.items() if state != "success"
    ]
    reasons += [f"missing output s3 key {key}" for key in missing]
    return reasons


def check(import_errors: dict[str, str], runs: dict[str, str], missing: list[str]) -> None:
    """Raise with every reason the demo did not fully succeed."""
    reasons = failure_reasons(import_errors, runs, missing)
    if not runs:
        reasons.append("no DAG was built from dagfactory_configs/")
    if reasons:
        raise DemoFailedError(reasons)
