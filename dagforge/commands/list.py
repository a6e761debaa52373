"""``dagforge list``: every dag_id with the ``file:line`` it comes from; as JSON or as the Markdown
DAG catalog (``make catalog`` writes ``docs/dags.md``)."""

from __future__ import annotations

import argparse
import json
import sys

from dagforge.commands._options import add_paths, load_from_args
from dagforge.expand import ExpandedDag

DESCRIPTION = (
    "List the DAGs the configs define. Exit 1 when a file has problems (its DAGs are listed, "
    "marked 'invalid'). --format json|markdown adds schedule, owner, tags, description, the "
    "assets each DAG waits for and updates, and its source line (markdown: the DAG catalog)."
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")


def format_row(dag: ExpandedDag, width: int, ok: bool) -> str:
    status = "" if ok else "  (invalid: run dagforge validate)"
    return f"{dag.dag_id:<{width}}  {dag.origin.describe()}{status}"


def run(args: argparse.Namespace) -> int:
    result = load_from_args(args)
    if args.format != "text":
        from dagforge.tools.catalog import entries, markdown

        found = entries(result)
        text = (
            markdown(found)
            if args.format == "markdown"
            else json.dumps([entry.as_json() for entry in found], indent=2) + "\n"
        )
        sys.stdout.write(text)
        return 0 if result.report.ok else 1
    rows = [(dag, file.ok) for file in result.files for dag in file.dags]
    width = max((len(dag.dag_id) for dag, _ in rows), default=0)
    sys.stdout.write("".join(format_row(dag, width, ok) + "\n" for dag, ok in rows))
    return 0 if result.report.ok else 1
