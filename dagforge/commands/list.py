"""``dagforge list``: every dag_id with the ``file:line`` it comes from."""

from __future__ import annotations

import argparse
import sys

from dagforge.commands._options import add_paths, existing_paths
from dagforge.expand import ExpandedDag
from dagforge.project import load_project

DESCRIPTION = (
    "List the DAGs the configs define. Exit 1 when a file has problems (its DAGs are listed, "
    "marked 'invalid')."
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)


def format_row(dag: ExpandedDag, width: int, ok: bool) -> str:
    status = "" if ok else "  (invalid: run dagforge validate)"
    return f"{dag.dag_id:<{width}}  {dag.origin.describe()}{status}"


def run(args: argparse.Namespace) -> int:
    result = load_project(existing_paths(args), args.root)
    rows = [(dag, file.ok) for file in result.files for dag in file.dags]
    width = max((len(dag.dag_id) for dag, _ in rows), default=0)
    sys.stdout.write("".join(format_row(dag, width, ok) + "\n" for dag, ok in rows))
    return 0 if result.report.ok else 1
