"""``dagforge validate [PATH ...]``: every problem of every config file, in the format asked for."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dagforge import reporters
from dagforge.checks import compat
from dagforge.commands._options import add_paths, existing_paths
from dagforge.errors import UsageError
from dagforge.mwaa.limits import ENV_CLASS_CAPACITY
from dagforge.problems import Problem
from dagforge.project import load_project
from dagforge.settings import DEFAULT_CALLABLE_PACKAGES

DESCRIPTION = (
    "Check YAML config files (schema, templates, task graph, callables). Exit 0 when clean, 1 "
    "when problems were found, 2 on usage errors."
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    parser.add_argument(
        "--format", choices=reporters.names(), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--env-class",
        choices=sorted(ENV_CLASS_CAPACITY),
        default=None,
        help="MWAA environment class: warn when the DAG count exceeds its capacity, and time the "
        "loader's import (real Airflow) against MWAA's 30 s import timeout",
    )
    parser.add_argument(
        "--airflow-version",
        default=None,
        metavar="X.Y.Z",
        help="also report config features that cannot work on this Airflow version (e.g. 2.11.2)",
    )
    parser.add_argument(
        "--loader",
        type=Path,
        default=Path("dags") / "dagforge_dags.py",
        help="the loader DAG file to time with --env-class (default: %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    result = load_project(
        existing_paths(args),
        args.root,
        callable_packages=args.packages or DEFAULT_CALLABLE_PACKAGES,
    )
    if not result.files:
        raise UsageError(f"no config files (*.yml, *.yaml) under {_shown(args)}")
    if args.airflow_version:
        result.report.extend(compat.check_version(result.dags(), args.airflow_version))
    if args.env_class:
        result.report.extend(_environment_problems(args, len(result.dags())))
    sys.stdout.write(reporters.REPORTERS[args.format](result.report))
    return 0 if result.report.ok else 1


def _shown(args: argparse.Namespace) -> str:
    return ", ".join(str(p) for p in args.paths) if args.paths else "dagfactory_configs/"


def _environment_problems(args: argparse.Namespace, dag_count: int) -> list[Problem]:
    if not args.loader.is_file():
        raise UsageError(f"no loader DAG file at {args.loader}: pass --loader PATH")
    from dagforge.mwaa import capacity  # times the loader in a real Airflow: only when asked

    where = str(args.loader)
    folders = [p for p in (args.paths or []) if p.is_dir()]
    timing = capacity.measure_loader(args.loader, folders[0] if len(folders) == 1 else None)
    return [
        *capacity.capacity_problems(dag_count, args.env_class, where),
        *capacity.parse_time_problems(timing, where),
    ]
