"""Friendly config values (durations such as ``1h30m``, dates such as ``2024-03-01``) and their
parsers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from dagforge.language.dagfactory import relative_time
from dagforge.language.patterns import DURATION_RE
from dagforge.language.walk import map_groups, map_tasks


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


def check_dag_date(text: str) -> None:
    """Raise ``ValueError`` unless dag-factory's ``get_datetime`` reads ``text``: what pendulum
    parses (ISO 8601), or a relative time such as ``2 days``."""
    try:
        datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        return
    except ValueError:
        pass
    if relative_time(text) or _pendulum_reads(text):
        return
    raise ValueError(
        f"{text!r} is neither a date (YYYY-MM-DD, ISO 8601) nor a relative time such as "
        "'2 days': dag-factory cannot build this DAG"
    )


def _pendulum_reads(text: str) -> bool:
    import pendulum  # what dag-factory parses dates with; only for the rarer ISO forms

    try:
        pendulum.parse(text)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        return False
    return True


def check_relative_time(text: str) -> None:
    """Raise ``ValueError`` unless dag-factory's ``get_time_delta`` reads ``text``."""
    if not relative_time(text):
        raise ValueError(
            f"{text!r} is not a relative time dag-factory reads: write e.g. '1 days', "
            "'2 hours', '30 minutes'"
        )


def format_duration(seconds: int | float) -> str:
    """``300`` → ``"5m"``, ``5400`` → ``"1h30m"``: the friendly spelling of a number of seconds."""
    remaining = int(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


Convert = Callable[[Mapping[str, Any]], dict[str, Any]]


def convert_levels(
    config: Mapping[str, Any], convert: Convert, task: Convert | None = None
) -> dict[str, Any]:
    """Apply ``convert`` to the places friendly values live: the DAG and its default_args; and
    ``task`` (default: ``convert``) to each task and each task group's default_args.
    """
    result = convert(config)
    if isinstance(result.get("default_args"), dict):
        result["default_args"] = convert(result["default_args"])
    if "tasks" in result:
        result["tasks"] = map_tasks(result, task or convert)
    if "task_groups" in result:
        result["task_groups"] = map_groups(result, _default_args_of(task or convert))
    return result


def _default_args_of(convert: Convert) -> Convert:
    def group(conf: Mapping[str, Any]) -> dict[str, Any]:
        default_args = conf.get("default_args")
        if not isinstance(default_args, dict):
            return dict(conf)
        return {**conf, "default_args": convert(default_args)}

    return group
