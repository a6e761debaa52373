"""Problems are values: one frozen record per finding, collected into a report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

JSON_KEYS = ("file", "line", "column", "path", "code", "message", "hint")


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about a config file. ``line``/``column`` are 1-based; 0 means "whole file"."""

    file: str
    line: int
    column: int
    path: str
    code: str
    message: str
    hint: str = ""
    severity: str = "error"

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

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Problem]:
        return sorted(set(self.problems))
