"""Problems are values: one frozen record per finding, collected into a report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

from dagforge.codes import CODES, Severity, default_severity

JSON_KEYS = ("file", "line", "column", "path", "code", "severity", "message", "hint")


@dataclass(frozen=True, order=True, kw_only=True)
class Problem:
    """One finding about a config file. ``line``/``column`` are 1-based; 0 means "whole file".

    ``code`` is one of :data:`dagforge.codes.CODES`; ``severity`` defaults to that code's.
    """

    file: str
    line: int = 0
    column: int = 0
    path: str = "$"
    code: str
    message: str
    hint: str = ""
    severity: Severity | Literal[""] = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown problem code {self.code!r}: add it to dagforge/codes/")
        if not self.severity:
            object.__setattr__(self, "severity", default_severity(self.code))

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        text = f"{where}: {self.severity} [{self.code}] {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        return {key: data[key] for key in JSON_KEYS}


@dataclass
class Report:
    """Everything found in one run, in a stable order."""

    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    dags: int = 0

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def count(self, severity: Severity) -> int:
        """How many distinct problems of ``severity`` (the same problem twice counts once)."""
        return sum(1 for p in set(self.problems) if p.severity == severity)

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Problem]:
        return sorted(set(self.problems))
