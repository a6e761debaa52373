"""The command line: parse arguments, call one core function, return an exit code.

Exit codes: 0 ok, 1 problems found, 2 usage error, 3 internal error (a bug in dagforge: one line
saying so and where to report it; ``--debug`` shows the traceback). Only dagforge's own errors
are turned into messages; anything else is a bug and is reported as one.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from dagforge import __version__
from dagforge.commands import BY_NAME, COMMANDS
from dagforge.errors import DagforgeError

EXIT_INTERNAL = 3
DEBUG_HELP = "show the traceback of an internal error (a bug) instead of one line"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (the first argument that is one), if any."""
    return next((arg for arg in argv if arg in BY_NAME), None)


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; only the chosen command's module is imported to add its arguments."""
    parser = _Parser(
        prog="dagforge", description="Validated, templated YAML DAGs for Airflow on MWAA."
    )
    parser.add_argument("--version", action="version", version=f"dagforge {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = chosen_command(argv)
    for command in COMMANDS:
        if command.name != chosen:
            subparsers.add_parser(command.name, help=command.help)
            continue
        module = command.load()
        sub = subparsers.add_parser(command.name, help=command.help, description=module.DESCRIPTION)
        module.configure(sub)
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
        sub.set_defaults(func=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
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
    except Exception as exc:  # a bug: say so in one line, unless asked for the traceback
        if args.debug:
            raise
        sys.stderr.write(internal_error(exc))
        return EXIT_INTERNAL
    return code


def internal_error(exc: BaseException) -> str:
    """The one line shown for a bug in dagforge."""
    return (
        f"dagforge: internal error: {type(exc).__name__}: {exc}\nThis is a bug in dagforge, not "
        "in your configs: please report it to the dagforge maintainers with the output of the "
        "same command run with --debug.\n"
    )
