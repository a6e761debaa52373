"""Options shared by the commands: the project paths (validate, list, render, describe) and the
repository root (new, run)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dagforge.errors import UsageError
from dagforge.project import ProjectResult, load_project
from dagforge.settings import CONFIGS_DIR_NAME, DEFAULT_CALLABLE_PACKAGES

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
        "--callables-package",
        action="append",
        dest="packages",
        metavar="PACKAGE",
        help="a package callables may come from (repeatable; default: "
        f"{', '.join(DEFAULT_CALLABLE_PACKAGES)})",
    )


def add_project_dir(parser: argparse.ArgumentParser) -> None:
    """``--project-dir``: the repository root the command works on."""
    parser.add_argument(
        "--project-dir", type=Path, default=Path.cwd(), help="repository root (default: .)"
    )


def load_from_args(args: argparse.Namespace) -> ProjectResult:
    """The project the PATH arguments and options of :func:`add_paths` name."""
    return load_project(
        existing_paths(args),
        args.root,
        callable_packages=args.packages or DEFAULT_CALLABLE_PACKAGES,
    )


def existing_paths(args: argparse.Namespace) -> list[Path]:
    paths: list[Path] = args.paths or [DEFAULT_PATH]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    return paths
