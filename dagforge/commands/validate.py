"""``dagforge validate [PATH ...]``: every problem of every config file, in the format asked for."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dagforge import reporters
from dagforge.checks import compat
from dagforge.errors import UsageError
from dagforge.mwaa import capacity
from dagforge.mwaa.limits import ENV_CLASS_CAPACITY
from dagforge.problems import Problem
from dagforge.project import load_project
from dagforge.settings import CONFIGS_DIR_NAME, DEFAULT_CALLABLE_PACKAGES

ORDER = 10
DEFAULT_PATH = Path(CONFIGS_DIR_NAME)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check config files and report every problem",
        description="Check YAML config files (schema, templates, task graph, callables). "
        "Exit 0 when clean, 1 when problems were found, 2 on usage errors.",
    )
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
    parser.set_defaults(func=run)


def add_paths(parser: argparse.ArgumentParser) -> None:
    """The PATH arguments and options shared by the commands that load a project."""
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help=f"config files or folders (default: {DEFAULT_PATH}/)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="top folder for defaults.yml lookup (default: the folder given, else the cwd)",
    )
    parser.add_argument(
        "--callables-package",
        action="append",
        dest="packages",
        metavar="PACKAGE",
        help="a package callables may come from (repeatable; default: "
        f"{', '.join(DEFAULT_CALLABLE_PACKAGES)})",
    )


def existing_paths(args: argparse.Namespace) -> list[Path]:
    paths: list[Path] = args.paths or [DEFAULT_PATH]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    return paths


def run(args: argparse.Namespace) -> int:
    result = load_project(
        existing_paths(args),
        args.root,
        callable_packages=args.packages or DEFAULT_CALLABLE_PACKAGES,
    )
    if args.airflow_version:
        result.report.extend(compat.check_version(result.dags(), args.airflow_version))
    if args.env_class:
        result.report.extend(_environment_problems(args, len(result.dags())))
    sys.stdout.write(reporters.REPORTERS[args.format](result.report))
    return 0 if result.report.ok else 1


def _environment_problems(args: argparse.Namespace, dag_count: int) -> list[Problem]:
    if not args.loader.is_file():
        raise UsageError(f"no loader DAG file at {args.loader}: pass --loader PATH")
    where = str(args.loader)
    timing = capacity.measure_loader(args.loader)
    return [
        *capacity.capacity_problems(dag_count, args.env_class, where),
        *capacity.parse_time_problems(timing, where),
    ]
