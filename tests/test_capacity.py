from __future__ import annotations

import pytest

from dagforge import capacity
from dagforge.errors import UsageError
from dagforge.parsetime import ParseTiming
from tests.conftest import REPO


def test_within_capacity_says_nothing() -> None:
    assert capacity.capacity_problems(25, "mw1.micro", "configs") == []


def test_over_capacity_warns_and_names_a_class_that_fits() -> None:
    [problem] = capacity.capacity_problems(260, "mw1.medium", "configs")
    assert (problem.code, problem.severity) == ("env-class-capacity", "warning")
    assert "260 DAGs exceed the 200" in problem.message and problem.hint == "use mw1.large or larger"


def test_beyond_the_largest_class_suggests_splitting() -> None:
    [problem] = capacity.capacity_problems(5000, "mw1.2xlarge", "configs")
    assert "split" in problem.hint


def test_unknown_class_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="mw1.medium"):
        capacity.capacity_problems(1, "mw1.huge", "configs")


@pytest.mark.parametrize(("seconds", "code", "severity"), [
    (1.0, "parse-time", "info"), (20.0, "parse-time", "warning"), (31.0, "parse-timeout", "error")])
def test_parse_time_against_the_import_timeout(seconds: float, code: str, severity: str) -> None:
    [problem] = capacity.parse_time_problems(ParseTiming(seconds, 0, 10), "dags/dagforge_dags.py")
    assert (problem.code, problem.severity) == (code, severity)
    assert "30 s" in problem.message


def test_measure_the_real_loader() -> None:
    timing = capacity.measure_loader(REPO / "dags" / "dagforge_dags.py")
    assert timing.dags >= 13
    assert 0 < timing.seconds < capacity.IMPORT_TIMEOUT_SECONDS
