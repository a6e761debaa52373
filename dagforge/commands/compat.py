"""``dagforge compat --airflow-version X``: the config features that cannot work on Airflow X."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dagforge.checks.compat import check_version
from dagforge.project import load_project
from dagforge.settings import CONFIGS_DIR_NAME

DESCRIPTION = (
    "Expand the configs (no Airflow needed) and check every DAG against dagforge's table of "
    "features per Airflow version (dagforge/checks/compat.py): keys removed in Airflow 3, "
    "Airflow 3-only keys and schedules, imports that moved. Exit 1 when a DAG cannot work on "
    "that version."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[Path(CONFIGS_DIR_NAME)],
        metavar="PATH",
        help=f"config files or folders (default: {CONFIGS_DIR_NAME})",
    )
    parser.add_argument(
        "--airflow-version", required=True, help="target Airflow version, e.g. 2.11.2"
    )


def run(args: argparse.Namespace) -> int:
    project = load_project(args.paths)
    dags = [dag for result in project.files for dag in result.dags]
    problems = sorted(check_version(dags, args.airflow_version))
    for problem in problems:
        print(problem.format())
    errors = sum(p.severity == "error" for p in problems)
    print(
        f"Airflow {args.airflow_version}: {len(dags)} DAG(s), {errors} error(s), "
        f"{len(problems) - errors} warning(s)",
        file=sys.stderr,
    )
    return 1 if errors else 0
