from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dagforge.errors import UnsafeTypeError
from dagforge.language.schema import load_schema
from dagforge.language.typed import ALLOWED_TYPES, construct


def test_allowed_objects_are_built_with_their_arguments() -> None:
    config = {
        "start_date": {"__type__": "datetime.datetime", "year": 2024, "month": 3, "day": 1},
        "default_args": {"retry_delay": {"__type__": "datetime.timedelta", "minutes": 5}},
        "tags": ["a"],
    }
    assert construct(config) == {
        "start_date": datetime(2024, 3, 1),
        "default_args": {"retry_delay": timedelta(minutes=5)},
        "tags": ["a"],
    }


def test_positional_arguments_come_from_args() -> None:
    assert construct({"__type__": "datetime.timedelta", "__args__": [1]}) == timedelta(days=1)


def test_a_type_outside_the_allow_list_is_refused_before_import() -> None:
    with pytest.raises(UnsafeTypeError, match="'os.system' is not allow-listed"):
        construct({"op_kwargs": {"cmd": {"__type__": "os.system", "command": "id"}}})


def test_the_schema_allows_exactly_the_same_types() -> None:
    assert load_schema()["$defs"]["typed"]["properties"]["__type__"]["enum"] == list(ALLOWED_TYPES)
