"""Options shared by the commands that operate an Airflow (trigger, runs, variables, asset-event):
``--target local|mwaa:ENV_NAME``, ``--region``, ``--runner-home``, ``--format text|json``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dagforge.api.client import AirflowClient
from dagforge.api.targets import LOCAL, connect, parse_target
from dagforge.errors import UsageError


def add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        default=LOCAL,
        metavar="local|mwaa:ENV_NAME",
        help="the running local runner (default), or an MWAA environment through InvokeRestApi",
    )
    parser.add_argument(
        "--region", default=None, help="AWS region of the MWAA environment (default: AWS settings)"
    )
    parser.add_argument(
        "--runner-home",
        type=Path,
        default=None,
        help="the local runner's --home (default: $DAGFORGE_RUNNER_HOME, else "
        ".dagforge/local-runner)",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output (default: text)"
    )


def client(args: argparse.Namespace) -> AirflowClient:
    return connect(parse_target(args.target, args.region, args.runner_home))


def json_argument(text: str, option: str) -> dict[str, Any]:
    """A JSON object given inline or as ``@file``; anything else is a usage error."""
    source = text
    if text.startswith("@"):
        path = Path(text[1:])
        if not path.is_file():
            raise UsageError(f"{option} {text}: no such file")
        source = path.read_text(encoding="utf-8")
    try:
        value = json.loads(source)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{option} is not JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(value, dict):
        raise UsageError(f"{option} must be a JSON object ({{...}}), not {type(value).__name__}")
    return value


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print ``data`` as JSON with ``--format json``, else ``text``."""
    out = json.dumps(data, indent=2, sort_keys=True) if args.format == "json" else text
    sys.stdout.write(out + "\n")


def progress(args: argparse.Namespace) -> Any:
    """Progress lines on stderr (text output only: JSON output stays one document)."""

    def say(line: str) -> None:
        if args.format == "text":
            print(line, file=sys.stderr, flush=True)

    return say
