"""``dagforge runs``: the newest runs of a DAG, through the REST API."""

from __future__ import annotations

import argparse

from dagforge.commands._target import add_target, client, emit
from dagforge.reporters import columns

DESCRIPTION = "List the newest runs of DAG_ID (state, logical date, start and end), newest first."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dag_id", metavar="DAG_ID")
    parser.add_argument("--limit", type=int, default=25, help="runs to show (default: 25)")
    add_target(parser)


def run(args: argparse.Namespace) -> int:
    runs = client(args).runs(args.dag_id, args.limit)
    rows = [
        (r.run_id, r.state, r.logical_date or "-", r.start_date or "-", r.end_date or "-")
        for r in runs
    ]
    header = ("run_id", "state", "logical_date", "start", "end")
    text = columns(header, rows) if runs else f"no runs of {args.dag_id} yet"
    emit(args, [r.as_json() for r in runs], text)
    return 0
