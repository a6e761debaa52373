"""The command line: parse arguments, call one core function, return an exit code.

Exit codes: 0 ok, 1 problems found, 2 usage error, 3 internal error (a bug: the traceback is shown).
Each subcommand lives in ``dagforge/commands/<name>.py`` with ``register(subparsers)``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from dagforge import __version__
from dagforge.commands import COMMANDS
from dagforge.errors import DagforgeError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dagforge", description="Validated, templated YAML DAGs for Airflow on MWAA."
    )
    parser.add_argument("--version", action="version", version=f"dagforge {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code: int = args.func(args)
    except DagforgeError as exc:
        sys.stderr.write(f"dagforge: {exc.format()}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except (
        BrokenPipeError
    ):  # output piped into head & co. that stopped reading: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code
