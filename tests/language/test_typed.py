from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from dagforge.errors import UnsafeTypeError
from dagforge.language.schema import load_schema
from dagforge.language.typed import construct
from dagforge.load import load_text
from dagforge.policy import BUILTIN_TYPES, Policy

ALLOWS = Policy().allows_type


def test_allowed_objects_are_built_with_their_arguments() -> None:
    config = {
        "start_date": {"__type__": "datetime.datetime", "year": 2024, "month": 3, "day": 1},
        "default_args": {"retry_delay": {"__type__": "datetime.timedelta", "minutes": 5}},
        "tags": ["a"],
    }
    assert construct(config, ALLOWS) == {
        "start_date": datetime(2024, 3, 1),
        "default_args": {"retry_delay": timedelta(minutes=5)},
        "tags": ["a"],
    }


def test_positional_arguments_come_from_args() -> None:
    value = {"__type__": "datetime.timedelta", "__args__": [1]}
    assert construct(value, ALLOWS) == timedelta(days=1)


def test_a_type_outside_the_allow_list_is_refused_before_import() -> None:
    with pytest.raises(UnsafeTypeError, match="'os.system' is not allow-listed"):
        construct({"op_kwargs": {"cmd": {"__type__": "os.system", "command": "id"}}}, ALLOWS)


def test_the_project_policy_admits_more_types() -> None:
    policy = Policy(types=("fractions.Fraction",))
    value = {"__type__": "fractions.Fraction", "__args__": [1, 3]}
    assert str(construct(value, policy.allows_type)) == "1/3"


def test_a_typed_list_is_its_items_as_dag_factory_builds_it() -> None:
    value = {
        "__type__": "builtins.list",
        "items": [{"__type__": "datetime.date", "__args__": [2024, 3, 1]}],
    }
    assert construct(value, ALLOWS) == [date(2024, 3, 1)]


def test_and_or_of_objects_combine_and_of_text_become_text_as_in_dag_factory() -> None:
    assert construct({"x": {"__and__": [6, 3]}}, ALLOWS) == {"x": 2}
    assert construct({"x": {"__or__": ["a", {"__and__": ["b", "c"]}]}}, ALLOWS) == {
        "x": "(a | (b & c))"
    }
    assert construct({"__join__": ["echo ", {"__join__": ["a", 1]}]}, ALLOWS) == "echo a1"


def test_unquoted_yaml_dates_become_dates_quoted_ones_stay_text() -> None:
    doc = load_text("a: 2024-03-01\nb: '2024-03-01'\nc: 2024-03-01T06:00:00\n", "f.yml")
    assert construct(doc.data, ALLOWS) == {
        "a": date(2024, 3, 1),
        "b": "2024-03-01",
        "c": datetime(2024, 3, 1, 6, 0),
    }


def test_the_schema_admits_exactly_the_built_in_types() -> None:
    pattern = re.compile(load_schema()["$defs"]["typed"]["properties"]["__type__"]["pattern"])
    named = [name for name in BUILTIN_TYPES if not name.endswith(".")]
    assert all(pattern.match(name) for name in named)
    assert pattern.match("airflow.timetables.trigger.CronTriggerTimetable")
    assert not pattern.match("os.system") and not pattern.match("airflow.timetablesX.y")
