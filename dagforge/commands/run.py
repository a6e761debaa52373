"""``dagforge run``: one DAG in real Airflow against the embedded local S3, on your own file."""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

from dagforge.commands._options import add_project_dir
from dagforge.errors import UsageError

DESCRIPTION = (
    "Run one DAG (after the DAGs producing its assets) in real Airflow against an embedded local "
    "S3, as the demo does. --land FILE puts your file where the DAG's task reads it; other inputs "
    "get sample data. Retries are off: a failure shows at once, on stderr, with the failing "
    "task's log tail. Exit 0 only when every run succeeded."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dag_id", metavar="DAG_ID", help="the DAG to run (dagforge list)")
    parser.add_argument("--land", type=Path, metavar="FILE", help="the file the DAG reads")
    parser.add_argument(
        "--date", default=None, help="logical date YYYY-MM-DD (default: today, UTC)"
    )
    parser.add_argument(
        "--conf",
        default="{}",
        metavar="JSON",
        help='the run\'s conf, e.g. \'{"file_name": "x.csv"}\'',
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="copy every object the run wrote into DIR"
    )
    add_project_dir(parser)
    parser.add_argument(
        "--home", type=Path, default=None, help="AIRFLOW_HOME (default: PROJECT/.dagforge/run)"
    )


def _options(args: argparse.Namespace) -> object:
    from dagforge.demo.rundag import RunOptions

    try:
        conf = json.loads(args.conf)
        day = datetime.strptime(args.date, "%Y-%m-%d") if args.date else datetime.now(UTC)
    except (json.JSONDecodeError, ValueError) as exc:
        raise UsageError(f"--conf must be a JSON object and --date YYYY-MM-DD: {exc}") from exc
    if not isinstance(conf, dict):
        raise UsageError("--conf must be a JSON object")
    if args.land is not None and not args.land.is_file():
        raise UsageError(f"--land {args.land}: no such file")
    project = args.project_dir.resolve()
    when = datetime(day.year, day.month, day.day, tzinfo=UTC)
    home = args.home or project / ".dagforge" / "run"
    return RunOptions(project, home, args.dag_id, when, args.land, conf, args.out)


def run(args: argparse.Namespace) -> int:
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", message=".*deprecated.*", category=UserWarning)
    from dagforge.demo.rundag import RunOptions, run_dag

    options = _options(args)
    assert isinstance(options, RunOptions)
    started = time.monotonic()

    def progress(line: str) -> None:
        print(f"run: [{time.monotonic() - started:5.1f} s] {line}", file=sys.stderr, flush=True)

    report = run_dag(options, progress)
    for outcome in report.outcomes:
        print(outcome.describe())
    where = f"s3://{options.bucket}/"
    print(f"wrote {len(report.written)} object(s) under {where}")
    for key in report.written:
        print(f"  {key}")
    if options.out:
        print(f"copied them to {options.out}/")
    return 0
