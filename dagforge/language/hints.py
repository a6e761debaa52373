"""Hints from data: close matches for typos, or the allowed values when there are few.

The exact replacements for removed keys live with the table of those keys, in
:mod:`dagforge.language.removed`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# The few allowed values are listed in full; longer lists only through close matches.
FEW = 8


def close_matches(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, sorted(set(choices)), n=n, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``did you mean 'schedule'?``, or the allowed values when there are few, or ``""``."""
    options = sorted(set(choices))
    matches = close_matches(word, options)
    if matches:
        return "did you mean " + " or ".join(f"'{m}'" for m in matches) + "?"
    if 0 < len(options) <= FEW:
        return "allowed: " + ", ".join(options)
    return ""
