"""``$VARS`` in a config file's text, expanded as dag-factory expands them, positions kept.

dag-factory runs ``os.path.expandvars`` over the whole text of a file before parsing it:
``$NAME`` and ``${NAME}`` become the variable's value when it is set and stay as written when it
is not. :func:`expand_env` does exactly that, and remembers each replacement so that a line and
column in the expanded text can be mapped back to the text people wrote.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# os.path.expandvars's own pattern (posixpath._varprog).
_VAR = re.compile(r"\$(\w+|\{[^}]*\})", re.ASCII)
_ENV_NAME = re.compile(r"^[A-Za-z_]\w*$", re.ASCII)


@dataclass(frozen=True, kw_only=True)
class Finding:
    """What a ``$VAR`` inside a value became, located by the value's path."""

    path: tuple[str | int, ...]
    code: str
    message: str
    hint: str


@dataclass(frozen=True)
class Substitution:
    name: str
    start: int  # offsets in the text as written
    end: int
    value: str | None  # None: not set, left as written
    new_start: int  # where the (possibly unchanged) text starts in the expanded text


@dataclass
class Expansion:
    """The expanded text and every ``$VAR`` met in the original."""

    source: str
    text: str
    substitutions: list[Substitution] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)
    _lines: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [s.new_start for s in self.substitutions]
        if self.substitutions:  # offsets where each line of the original text starts
            self._lines = [0, *(i + 1 for i, c in enumerate(self.source) if c == "\n")]

    def original(self, index: int) -> tuple[int, int] | None:
        """(line, column), 1-based, in the text as written of offset ``index`` of the expanded
        text (inside a replaced value: the ``$`` that produced it); None when nothing was
        replaced (the expanded text's own positions hold)."""
        if not self.substitutions:
            return None
        offset = index
        found = bisect.bisect_right(self._starts, index) - 1
        if found >= 0:
            sub = self.substitutions[found]
            width = len(sub.value) if sub.value is not None else sub.end - sub.start
            inside = index < sub.new_start + width
            offset = sub.start if inside else sub.end + (index - sub.new_start - width)
        line = bisect.bisect_right(self._lines, offset) - 1
        return line + 1, offset - self._lines[line] + 1

    def findings(self, start: int, end: int, path: tuple[str | int, ...]) -> Iterator[Finding]:
        """A word for each ``$VAR`` written inside the value at ``start:end`` of the expanded
        text: its value here, or that it is not set here."""
        first = bisect.bisect_left(self._starts, start)
        for sub in self.substitutions[first : bisect.bisect_left(self._starts, end)]:
            yield from _finding(path, sub)


def _finding(path: tuple[str | int, ...], sub: Substitution) -> list[Finding]:
    if sub.value is not None:
        return [
            Finding(
                path=path,
                code="env-var",
                message=f"${sub.name} is replaced by its value when the file is read "
                f"({sub.value!r} here)",
                hint="dag-factory expands environment variables in the YAML text at parse time: "
                "on MWAA the scheduler's environment decides the value",
            )
        ]
    if not _ENV_NAME.match(sub.name):
        return []
    return [
        Finding(
            path=path,
            code="env-var-unset",
            message=f"${sub.name} is not set here, so the text stays as written",
            hint=f"dag-factory replaces it when the parsing environment sets {sub.name}; set it "
            "where you validate too, or write the value",
        )
    ]


def expand_env(text: str) -> Expansion:
    """``os.path.expandvars(text)``, recording each substitution (same semantics, same result)."""
    if "$" not in text:
        return Expansion(text, text)
    pieces: list[str] = []
    substitutions: list[Substitution] = []
    position = length = 0
    for match in _VAR.finditer(text):
        name = match.group(1)
        name = name[1:-1] if name.startswith("{") and name.endswith("}") else name
        value = os.environ.get(name)
        before = text[position : match.start()]
        pieces.append(before)
        length += len(before)
        replacement = value if value is not None else match.group(0)
        substitutions.append(Substitution(name, match.start(), match.end(), value, length))
        pieces.append(replacement)
        length += len(replacement)
        position = match.end()
    pieces.append(text[position:])
    return Expansion(text, "".join(pieces), substitutions)
