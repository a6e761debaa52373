"""Check cron expressions and schedule presets without importing Airflow or croniter.

Only the shape Airflow accepts is checked (five fields, ranges, steps, names); whether a schedule
is sensible is left to people.
"""

from __future__ import annotations

import re

from dagforge.language import patterns

PRESETS = frozenset({*patterns.PRESETS, "none"})
_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
)
_NAMES = {
    "month": {
        m: i
        for i, m in enumerate(
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
        )
    },
    "day of week": {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])},
}
_ATOM = re.compile(
    r"^(?P<start>\*|\?|L|[0-9]+|[A-Za-z]{3})(?:-(?P<end>[0-9]+|[A-Za-z]{3}))?(?:/(?P<step>[0-9]+))?"
    r"(?P<extra>[LW]|#[1-5])?$"
)


def check_schedule(text: str) -> None:
    """Raise ``ValueError`` naming the first wrong part of a cron expression or preset."""
    if text.startswith("@") or text.strip().lower() == "none":
        if text.strip().lower() not in PRESETS:
            raise ValueError(
                f"unknown schedule preset {text!r}; use one of "
                f"{', '.join(sorted(PRESETS - {'none'}))}"
            )
        return
    fields = text.split()
    if len(fields) != 5:
        raise ValueError(
            f"a cron expression has 5 fields (minute hour day month weekday); {text!r} has "
            f"{len(fields)}"
        )
    for field, (name, low, high) in zip(fields, _FIELDS, strict=True):
        for part in field.split(","):
            _check_part(part, name, low, high)


def _check_part(part: str, name: str, low: int, high: int) -> None:
    match = _ATOM.match(part)
    if not match:
        raise ValueError(f"cron {name} field has an invalid part {part!r}")
    for group in ("start", "end"):
        value = match.group(group)
        if value and value not in ("*", "?", "L"):
            number = _number(value, name)
            if not low <= number <= high:
                raise ValueError(f"cron {name} {value} is out of range {low}-{high}")
    if match.group("step") is not None and int(match.group("step")) == 0:
        raise ValueError(f"cron {name} step must be at least 1")


def _number(value: str, name: str) -> int:
    if value.isdigit():
        return int(value)
    names = _NAMES.get(name, {})
    if value.lower() not in names:
        raise ValueError(f"cron {name} has an unknown name {value!r}")
    return names[value.lower()]
