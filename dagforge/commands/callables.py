"""``dagforge callables``: the functions configs may name, from the packages of the project's code
policy (``dagfactory_configs/dagforge.toml`` or ``DAGFORGE_CALLABLE_PACKAGES``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dagforge.commands._options import add_project_dir

DOCS = Path("docs") / "callables-reference.md"


DESCRIPTION = (
    "List every function the allow-listed packages export in __all__ (what `python_callable:` "
    "may name), or print/check its generated Markdown reference."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--package",
        action="append",
        dest="packages",
        metavar="PACKAGE",
        help="an allowed package (repeatable; default: the project policy's callable_packages, "
        "else callables)",
    )
    add_project_dir(parser)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--markdown", action="store_true", help=f"print the Markdown reference ({DOCS})"
    )
    mode.add_argument(
        "--check", type=Path, metavar="FILE", help="exit 1 if FILE differs from the reference"
    )


def run(args: argparse.Namespace) -> int:
    from dagforge.errors import UsageError
    from dagforge.policy import load_policy
    from dagforge.settings import CONFIGS_DIR_NAME
    from dagforge.tools.registry import discover, reference_markdown

    policy = load_policy(args.project_dir / CONFIGS_DIR_NAME)
    packages = args.packages or policy.callable_packages
    try:
        infos = discover(packages)
    except ImportError as exc:
        where = "--package" if args.packages else f"callable_packages of {policy.source}"
        raise UsageError(f"cannot import {exc.name or exc} named in {where}: {exc}") from exc
    if args.check:
        current = args.check.read_text(encoding="utf-8") if args.check.is_file() else ""
        if current != reference_markdown(infos):
            sys.stderr.write(
                f"{args.check} is out of date: run dagforge callables --markdown > {args.check}\n"
            )
            return 1
        return 0
    if args.markdown:
        sys.stdout.write(reference_markdown(infos))
        return 0
    for info in infos:
        sys.stdout.write(f"{info.dotted}{info.signature}\n    {info.summary}\n")
    return 0
