"""``dagforge migrate FILE``: rewrite dag-factory 0.x YAML into current config, saying what
changed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dagforge.errors import UsageError
from dagforge.tools.migrate import migrate_text, schema_ref_for

DESCRIPTION = (
    "Rewrite removed keys (schedule_interval, *_sec, concurrency, default_view, orientation, "
    "python_callable_file/_name and every other <callable>_name/_file pair, Airflow 2 operator, "
    "sensor and decorator paths). The result goes to stdout, or back "
    "into FILE with --write; the list of changes goes to stderr. Exit 1 when something is left "
    "for a person to change."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--write", action="store_true", help="rewrite FILE in place")
    parser.add_argument(
        "--package",
        default="callables",
        help="package the callables move into (default: %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise UsageError(f"no such file: {args.file}")
    migration = migrate_text(
        args.file.read_text(encoding="utf-8"),
        str(args.file),
        package=args.package,
        schema_ref=schema_ref_for(args.file),
    )
    if args.write:
        args.file.write_text(migration.text, encoding="utf-8")
    else:
        sys.stdout.write(migration.text)
    report = [f"changed {line}" for line in migration.changes] + [
        f"TODO {line}" for line in migration.manual
    ]
    sys.stderr.write(
        "".join(f"{args.file}: {line}\n" for line in report) or f"{args.file}: nothing to migrate\n"
    )
    return 1 if migration.manual else 0
