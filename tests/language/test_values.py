"""The small checkers validate relies on: cron, durations, close matches and removed keys."""

from __future__ import annotations

import pytest

from dagforge.language.cron import check_schedule
from dagforge.language.hints import did_you_mean
from dagforge.language.removed import callable_path, removed_key
from dagforge.language.values import format_duration, parse_duration


@pytest.mark.parametrize(
    "text",
    [
        "*/10 * * * *",
        "0 3 * * MON-FRI",
        "0 0 L * *",
        "0 0 * * 1#2",
        "@daily",
        "@continuous",
        "none",
        "5,35 8-18/2 1 JAN,jul 0-7",
    ],
)
def test_valid_schedules_pass(text: str) -> None:
    check_schedule(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("61 * * * *", "cron minute 61 is out of range 0-59"),
        ("* 24 * * *", "cron hour 24 is out of range 0-23"),
        ("* * 0 * *", "cron day of month 0 is out of range 1-31"),
        ("* * * FOO *", "cron month has an unknown name 'FOO'"),
        ("*/0 * * * *", "cron minute step must be at least 1"),
        ("* * * *", "has 4"),
        ("@dayly", "unknown schedule preset '@dayly'"),
    ],
)
def test_invalid_schedules_say_which_part_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_schedule(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(300, "5m"), (600, "10m"), (5400, "1h30m"), (90061, "1d1h1m1s"), (0, "0s")],
)
def test_format_duration_is_the_inverse_of_parse_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text
    assert parse_duration(text).total_seconds() == seconds


def test_did_you_mean_prefers_close_matches_then_short_lists() -> None:
    assert did_you_mean("schedul", ["schedule", "tags"]) == "did you mean 'schedule'?"
    assert did_you_mean("zzz", ["a", "b"]) == "allowed: a, b"
    assert did_you_mean("zzz", [f"k{i}" for i in range(20)]) == ""


def test_every_sec_key_is_removed_with_its_friendly_replacement() -> None:
    assert removed_key("execution_timeout_sec", 3600, {}) == (
        "removed in dag-factory 1.0 (durations are no longer given in seconds)",
        "replace it with `execution_timeout: 1h`",
    )
    assert removed_key("retries", 1, {}) is None


def test_callable_path_from_an_mwaa_file_keeps_subfolders() -> None:
    siblings = {
        "python_callable_file": "/usr/local/airflow/dags/etl/load.py",
        "python_callable_name": "run",
    }
    assert callable_path(siblings) == "callables.etl.load.run"
    assert callable_path({"python_callable_name": "run"}) is None
