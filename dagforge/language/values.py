"""Friendly config values (durations such as ``1h30m``, dates such as ``2024-03-01``) and their
parsers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from dagforge.language.patterns import DURATION_RE
from dagforge.language.walk import map_tasks


def parse_duration(text: str) -> timedelta:
    """``"1h30m"`` → ``timedelta(hours=1, minutes=30)``; raises ``ValueError`` on anything else."""
    match = DURATION_RE.match(text.strip())
    if not match or not any(match.groups()):
        raise ValueError(
            f"invalid duration {text!r}: use digits with d, h, m, s units, e.g. 5m or 1h30m"
        )
    days, hours, minutes, seconds = (int((g or "0").rstrip("dhms")) for g in match.groups())
    try:
        return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:  # more than timedelta holds (999,999,999 days)
        raise ValueError(f"duration {text!r} is longer than Python can hold") from None


def parse_date(text: str) -> datetime:
    """``"2024-03-01"`` or an ISO date-time → an aware datetime (UTC when no offset is given)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def format_duration(seconds: int | float) -> str:
    """``300`` → ``"5m"``, ``5400`` → ``"1h30m"``: the friendly spelling of a number of seconds."""
    remaining = int(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def convert_levels(
    config: Mapping[str, Any], convert: Callable[[Mapping[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    """Apply ``convert`` to the three places friendly values live: the DAG, its default_args, each
    task.
    """
    result = convert(config)
    if isinstance(result.get("default_args"), dict):
        result["default_args"] = convert(result["default_args"])
    if "tasks" in result:
        result["tasks"] = map_tasks(result, convert)
    return result
