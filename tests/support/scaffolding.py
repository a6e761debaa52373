"""Shared by the scaffolding tests: a copy of the configs to write into, and the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def copy_configs(into: Path) -> Path:
    """A copy of the repository's configs (and nothing else) under ``into``."""
    shutil.copytree(REPO / "dagfactory_configs", into / "dagfactory_configs")
    return into


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dagforge", *args], cwd=cwd, capture_output=True, text=True
    )
