"""One entry of the catalogue of problem codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Code:
    code: str
    title: str  # what is wrong
    # The check that reports it (its name in checks/registry.py), or the stage: load, expand,
    # project, compat, loader (a DAG dag-factory would not build) or mwaa (--env-class).
    source: str
    example: str = ""
    hint: str = ""  # what the hint says, in short
    severity: Severity = "error"
