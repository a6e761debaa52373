"""Render a report as text, JSON or GitHub annotations. Formatting only: callers do the printing."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from dagforge.problems import Problem, Report


def text(report: Report) -> str:
    lines = [p.format() for p in report.sorted()]
    errors, warnings, notes = (report.count(s) for s in ("error", "warning", "info"))
    counted = f"{errors} error(s), {warnings} warning(s)" + (f", {notes} note(s)" if notes else "")
    summary = f"{report.files_checked} file(s), {report.dags} DAG(s): " + (
        "no problems" if not report.problems else counted
    )
    return "\n".join([*lines, summary]) + "\n"


def as_json(report: Report) -> str:
    """A list of objects with exactly the keys ``file, line, column, path, code, severity,
    message, hint`` (severity: ``error``, ``warning`` or ``info``)."""
    return json.dumps([p.as_json() for p in report.sorted()], indent=2) + "\n"


def _escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github_line(problem: Problem) -> str:
    level = {"error": "error", "warning": "warning"}.get(problem.severity, "notice")
    props = [f"file={_escape(problem.file, prop=True)}"]
    if problem.line:
        props += [f"line={problem.line}", f"col={problem.column}"]
    props.append(f"title={_escape(problem.code, prop=True)}")
    message = f"{problem.message} (hint: {problem.hint})" if problem.hint else problem.message
    return f"::{level} {','.join(props)}::{_escape(message)}"


def github(report: Report) -> str:
    """GitHub Actions workflow commands: one ``::error file=…,line=…,col=…::`` annotation per
    problem.
    """
    return "".join(github_line(p) + "\n" for p in report.sorted())


REPORTERS: dict[str, Callable[[Report], str]] = {"text": text, "json": as_json, "github": github}


def names() -> Sequence[str]:
    return tuple(REPORTERS)


def columns(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    """Rows as aligned text columns under ``header`` (the tables the demo and commands print)."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    )
