"""Limits on a config file's YAML, checked before and while it is built (docs/security.md).

The nesting is estimated from the text before composing (libyaml's composer recurses in C and
crashes on very deep input); the values built, aliases expanded, are counted while building (an
alias bomb of a few hundred bytes expands to millions).
"""

from __future__ import annotations

import re

from dagforge.problems import Problem
from dagforge.settings import MAX_YAML_DEPTH


class TooComplex(Exception):
    """Raised inside the builder when a document passes a limit; becomes a problem."""

    def __init__(self, line: int, why: str) -> None:
        super().__init__(why)
        self.line, self.why = line, why


def too_complex(file: str, line: int, why: str) -> Problem:
    return Problem(
        file=file,
        line=line,
        column=1,
        code="yaml-too-complex",
        message=f"the YAML is too complex to load: {why}",
        hint="config files are flat mappings of DAGs; split the file or remove the nesting "
        "(an alias bomb expands a few lines into millions of values)",
    )


_FLOW_OPEN, _FLOW_CLOSE = "[{", "]}"
_LEADING_DASHES = re.compile(r"(?:-[ ]+)*")
_BRACKETS = re.compile(r"[\[\]{}]")
# A quoted scalar, or a comment (a '#' at the start or after a space) to the end of the line.
_QUOTED_OR_COMMENT = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"|(?:^|(?<= ))#.*$")


def deepest_line(text: str) -> int:
    """The first line whose nesting (indentation levels, list dashes and open brackets) passes
    the limit, or 0. An estimate from the text alone, on the safe side."""
    indents: list[int] = []
    flow = 0
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.lstrip(" ")
        if content and not content.startswith("#") and flow == 0:
            indent = len(line) - len(content)
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
        dashes = _LEADING_DASHES.match(content).group(0).count("-")  # type: ignore[union-attr]
        flow, peak = _flow(content, flow)
        if len(indents) + dashes + peak > MAX_YAML_DEPTH:
            return number
    return 0


def _flow(content: str, depth: int) -> tuple[int, int]:
    """The bracket depth after one line, and the deepest it reached on it (outside quotes and
    comments)."""
    if "[" not in content and "{" not in content and "]" not in content and "}" not in content:
        return depth, depth
    peak = depth
    for bracket in _BRACKETS.findall(_QUOTED_OR_COMMENT.sub("", content)):
        depth = depth + 1 if bracket in _FLOW_OPEN else max(0, depth - 1)
        peak = max(peak, depth)
    return depth, peak
