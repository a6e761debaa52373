"""The one exception root of dagforge; each subclass carries structured fields and an exit code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dagforge.problems import Problem


class DagforgeError(Exception):
    """Root of every error dagforge raises on purpose. ``exit_code`` follows the CLI contract."""

    exit_code = 1

    def format(self) -> str:
        return str(self)


class UsageError(DagforgeError):
    """The command line or its arguments are wrong."""

    exit_code = 2


class ConfigError(DagforgeError):
    """One or more config problems; raised where a caller needs valid configs to go on."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.format())

    def format(self) -> str:
        return "\n".join(p.format() for p in self.problems)


class DataError(DagforgeError):
    """Input data does not meet its contract (missing columns, no rows for a key, unsafe path)."""


class EnvironmentSetupError(DagforgeError):
    """A local service (S3 emulator, Airflow metadata DB) could not be started or reached."""
