"""Options shared by the commands: the project paths (validate, list, render, describe) and the
repository root and the state folder (new, run, demo, local-runner)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dagforge.errors import UsageError
from dagforge.project import ProjectResult, load_project
from dagforge.settings import CONFIGS_DIR_NAME, POLICY_ENV, POLICY_FILE

DEFAULT_PATH = Path(CONFIGS_DIR_NAME)


def add_paths(parser: argparse.ArgumentParser) -> None:
    """The PATH arguments and options shared by the commands that load a project."""
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help=f"config files or folders (default: {DEFAULT_PATH}/)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="top folder for defaults.yml lookup (default: the folder given, else the cwd)",
    )
    parser.add_argument(
        "--callables-package", action="append", dest="packages", help=argparse.SUPPRESS
    )


def add_project_dir(parser: argparse.ArgumentParser) -> None:
    """``--project-dir``: the repository root the command works on."""
    parser.add_argument(
        "--project-dir", type=Path, default=Path.cwd(), help="repository root (default: .)"
    )


def add_project_dir_and_home(parser: argparse.ArgumentParser, home: str) -> None:
    """``--project-dir`` and ``--home``, the state folder (``home`` says what it is, with its
    default), for the commands that start Airflow here (demo, local-runner)."""
    add_project_dir(parser)
    parser.add_argument("--home", type=Path, default=None, help=home)


def load_from_args(args: argparse.Namespace) -> ProjectResult:
    """The project the PATH arguments and options of :func:`add_paths` name."""
    return load_project(existing_paths(args), args.root)


def existing_paths(args: argparse.Namespace) -> list[Path]:
    if getattr(args, "packages", None):
        raise UsageError(
            "--callables-package is gone: the packages configs may name are one project setting "
            f"that the loader reads too: `callable_packages` in {CONFIGS_DIR_NAME}/{POLICY_FILE} "
            f"or {POLICY_ENV['callable_packages']} (docs/config-language.md#the-code-policy)"
        )
    paths: list[Path] = args.paths or [DEFAULT_PATH]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    return paths
