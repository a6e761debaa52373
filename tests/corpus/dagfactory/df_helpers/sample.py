"""TaskFlow and PythonOperator callables of the conformance configs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

__all__ = [
    "add_days",
    "collect",
    "consume_value",
    "double",
    "double_with_label",
    "echo",
    "last_name",
    "make_list",
    "multiply",
    "numbers",
    "one_day_ago",
    "read_day",
    "read_params",
    "some_number",
]


def some_number() -> int:
    return 7


def numbers() -> list[int]:
    return [1, 2, 3]


def double(number: int) -> int:
    return 2 * number


def double_with_label(number: int, label: bool = False) -> Any:
    return (2 * number, "label") if label else 2 * number


def multiply(a: int, b: int) -> int:
    return a * b


def collect(**context: Any) -> dict[str, str]:
    return {"first": "one", "second": "two"}


def echo(value: Any) -> Any:
    return value


def last_name(full_name: str) -> str:
    return full_name.split(" ")[-1]


def make_list() -> list[list[int]]:
    return [[1], [2]]


def consume_value(value: int, fixed: str) -> str:
    return f"{fixed}:{value}"


def one_day_ago(logical_date: datetime, **context: Any) -> datetime:
    return logical_date - timedelta(days=1)


def add_days(ds: str, days: int) -> str:
    return (datetime.strptime(ds, "%Y-%m-%d") + timedelta(days=days)).strftime("%Y-%m-%d")


def read_params(params: dict[str, Any]) -> None:
    print(params)


def read_day(day: date | str) -> str:
    return str(day)
