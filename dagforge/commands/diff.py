"""``dagforge diff --base REF``: which DAGs a change adds, removes and changes, as Markdown."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dagforge.settings import CONFIGS_DIR_NAME
from dagforge.tools.diff import as_json, diff_project, format_markdown

DESCRIPTION = (
    "Build the DAG set at --base (from git, without touching the checkout) and in the working "
    "tree, without Airflow, and print the DAGs added, removed and changed, with the keys that "
    "changed in each."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", required=True, help="git ref to compare with (e.g. origin/main)")
    parser.add_argument(
        "--format", choices=("markdown", "json"), default="markdown", help="output format"
    )
    parser.add_argument(
        "--project-dir", type=Path, default=Path.cwd(), help="repository root (default: .)"
    )
    parser.add_argument(
        "--configs",
        default=CONFIGS_DIR_NAME,
        help="config folder, relative to the project (default: %(default)s)",
    )
    parser.add_argument("--exit-code", action="store_true", help="exit 1 when the DAG set changed")


def run(args: argparse.Namespace) -> int:
    diff = diff_project(args.project_dir, args.base, args.configs)
    print(
        format_markdown(diff)
        if args.format == "markdown"
        else json.dumps(as_json(diff), indent=2, default=str),
        end="" if args.format == "markdown" else "\n",
    )
    changed = bool(diff.added or diff.removed or diff.changed)
    return 1 if args.exit_code and changed else 0
