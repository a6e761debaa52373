"""A YAML syntax error as a problem at its line: a tab is named as such, other errors get the
place to look; with ``$VARS`` expanded, the line is the one written."""

from __future__ import annotations

import yaml

from dagforge.envvars import Expansion
from dagforge.problems import Problem


def syntax_problem(
    file: str, text: str, exc: yaml.MarkedYAMLError, expansion: Expansion
) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    moved = expansion.original(mark.index) if mark else None
    line, column = moved or ((mark.line + 1, mark.column + 1) if mark else (1, 1))
    message = " ".join(part for part in (exc.context, exc.problem) if part)
    source_lines = text.splitlines()
    at_line = source_lines[line - 1] if 0 < line <= len(source_lines) else ""
    if (
        "\t" in at_line[: len(at_line) - len(at_line.lstrip())]
        or "\t" in at_line[column - 1 : column]
    ):
        return Problem(
            file=file,
            line=line,
            column=column,
            code="yaml-tab",
            message="a tab character is used for indentation",
            hint="YAML allows spaces only: replace the tab with spaces",
        )
    return Problem(
        file=file,
        line=line,
        column=column,
        code="yaml-syntax",
        message=f"YAML syntax error: {message}",
        hint="fix the YAML at this line (indentation, a missing ':' or an unclosed quote)",
    )
