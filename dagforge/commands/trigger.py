"""``dagforge trigger``: start a run of a DAG through the REST API, optionally wait for it."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from dagforge.commands._target import (
    add_target,
    client,
    emit,
    json_argument,
    progress,
)
from dagforge.errors import UsageError
from dagforge.reporters import columns

DESCRIPTION = (
    "Trigger a run of DAG_ID on the local runner or an MWAA environment. Without --logical-date "
    "the run has none on Airflow 3 (logical_date: null, as API- and asset-triggered runs do); "
    "Airflow 2 then takes the current time. A paused DAG is refused unless --unpause."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dag_id", metavar="DAG_ID")
    parser.add_argument("--conf", default=None, metavar="JSON|@FILE", help="the run's conf")
    parser.add_argument(
        "--logical-date", default=None, metavar="DATE", help="YYYY-MM-DD or an ISO timestamp"
    )
    parser.add_argument("--run-id", default=None, help="the run id (default: api__<UTC time>)")
    parser.add_argument("--wait", action="store_true", help="wait until the run finishes")
    parser.add_argument("--unpause", action="store_true", help="unpause the DAG first if paused")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds --wait allows (default: 600)"
    )
    add_target(parser)


def logical_date(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"--logical-date {text!r}: use YYYY-MM-DD or an ISO timestamp") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run(args: argparse.Namespace) -> int:
    conf = json_argument(args.conf, "--conf") if args.conf else {}
    api = client(args)
    started = time.monotonic()
    run_ = api.trigger(
        args.dag_id,
        conf=conf,
        logical_date=logical_date(args.logical_date),
        run_id=args.run_id,
        unpause=args.unpause,
    )
    say = progress(args)
    say(f"triggered {run_.dag_id} run {run_.run_id} on {api.target}")
    if not args.wait:
        emit(args, {"run": run_.as_json()}, f"{run_.run_id} {run_.state}")
        return 0
    finished = api.wait(args.dag_id, run_.run_id, timeout=args.timeout, progress=say)
    tasks = api.task_states(args.dag_id, run_.run_id)
    rows = [(t.task_id, t.state, str(t.try_number)) for t in tasks]
    text = (
        f"{finished.run_id} {finished.state} after {time.monotonic() - started:.0f} s\n"
        + columns(("task", "state", "tries"), rows)
    )
    emit(args, {"run": finished.as_json(), "tasks": [t.as_json() for t in tasks]}, text)
    return 0
