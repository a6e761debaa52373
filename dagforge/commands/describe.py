"""``dagforge describe``: a template's parameters and its instances."""

from __future__ import annotations

import argparse
import json
import sys

from dagforge.commands._options import add_paths, load_from_args
from dagforge.errors import UsageError
from dagforge.language.hints import did_you_mean

DESCRIPTION = (
    "Show a template's parameters (type, pattern or allowed values, description, an example "
    "from its instances) and the DAGs its instances make. Without TEMPLATE: every template."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("template", nargs="?", metavar="TEMPLATE", help="a template's name")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_paths(parser)


def run(args: argparse.Namespace) -> int:
    from dagforge.tools.describe import describe_text, templates

    project = load_from_args(args)
    found = {info.name: info for info in templates(project)}
    if args.template and args.template not in found:
        hint = did_you_mean(args.template, found) or f"templates: {', '.join(found) or 'none'}"
        raise UsageError(f"no template '{args.template}' ({hint})")
    chosen = [found[args.template]] if args.template else list(found.values())
    if args.format == "json":
        sys.stdout.write(json.dumps([info.as_json() for info in chosen], indent=2) + "\n")
    else:
        sys.stdout.write("\n".join(describe_text(info) for info in chosen))
    return 0
