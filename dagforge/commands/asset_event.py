"""``dagforge asset-event``: record an event on an asset, so the DAGs scheduled on it run."""

from __future__ import annotations

import argparse

from dagforge.commands._target import add_target, client, emit, json_argument

DESCRIPTION = (
    "Record an asset event on URI through the REST API (Airflow 3: POST /assets/events with the "
    "asset's id; Airflow 2: POST /datasets/events). The DAGs scheduled on the asset run."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("uri", metavar="URI", help="the asset's URI, as the config schedules it")
    parser.add_argument("--extra", default=None, metavar="JSON|@FILE", help="the event's extra")
    add_target(parser)


def run(args: argparse.Namespace) -> int:
    extra = json_argument(args.extra, "--extra") if args.extra else {}
    api = client(args)
    event = api.asset_event(args.uri, extra)
    runs = f"; runs created: {', '.join(event.created_runs)}" if event.created_runs else ""
    emit(args, event.as_json(), f"asset event {event.id} on {event.uri} at {event.timestamp}{runs}")
    return 0
