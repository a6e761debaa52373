"""``dagforge new``: scaffold config that validates, from a sample file or from nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dagforge.commands._options import add_project_dir
from dagforge.errors import UsageError
from dagforge.settings import CONFIGS_DIR_NAME

DESCRIPTION = (
    "new source NAME --sample FILE: infer a source's contract from a sample (names, types, "
    "date and timestamp formats, nullability, delimiter, header, encoding, compression, "
    "partition), append a checked instance to the template's config with comments, keep the "
    "sample for make demo, and print what was inferred. new family NAME: a new template file. "
    "new instance TEMPLATE KEY=VALUE ...: one more instance (a country, a source), checked."
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_project_dir(parser)
    what = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    source = what.add_parser("source", help="a source from a sample file")
    source.add_argument("name", help="the source's name, lower_snake_case (the DAG: ingest_NAME)")
    source.add_argument("--sample", type=Path, required=True, metavar="FILE", help="a sample file")
    source.add_argument("--template", default="source_ingest", help="(default: %(default)s)")
    source.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override an inferred field: file, format, partition_key, partition (repeatable)",
    )
    source.add_argument("--dry-run", action="store_true", help="print, write nothing")
    family = what.add_parser("family", help="a new template family in its own config file")
    family.add_argument("name", help="the template's name, lower_snake_case")
    family.add_argument(
        "--parameter", action="append", default=[], metavar="NAME", help="(repeatable)"
    )
    instance = what.add_parser("instance", help="one more instance of a template")
    instance.add_argument("template", help="the template's name (dagforge describe lists them)")
    instance.add_argument("values", nargs="+", metavar="KEY=VALUE", help="the instance's fields")


def _pairs(items: list[str]) -> dict[str, str]:
    bad = [item for item in items if "=" not in item]
    if bad:
        raise UsageError(f"write KEY=VALUE: {', '.join(bad)}")
    return dict(item.split("=", 1) for item in items)


def run(args: argparse.Namespace) -> int:
    project = args.project_dir.resolve()
    configs = project / CONFIGS_DIR_NAME
    if args.what == "source":
        return _source(project, args)
    if args.what == "family":
        from dagforge.tools.scaffold import new_family

        path = new_family(configs, args.name, args.parameter or ["name"])
        print(f"wrote {path.relative_to(project)} (validated: no problems)")
        return 0
    import yaml

    from dagforge.tools.scaffold import append_instance, find_template, typed_fields

    path = find_template(configs, args.template)
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))["templates"][args.template]
    line = append_instance(path, args.template, typed_fields(spec, _pairs(args.values)))
    print(f"appended to {path.relative_to(project)}:{line} (validated: no problems)")
    return 0


def _source(project: Path, args: argparse.Namespace) -> int:
    from dagforge.tools.newsource import new_source
    from dagforge.tools.newsource_report import report

    if not args.sample.is_file():
        raise UsageError(f"--sample {args.sample}: no such file")
    made = new_source(
        project, args.name, args.sample, args.template, _pairs(args.set), args.dry_run
    )
    sys.stdout.write(report(made, project, args.sample, args.dry_run))
    return 0
