"""The JSON Schema of config files: located once, compiled once, with dagforge's own formats.

``schemas/dagforge.schema.json`` is generated (see :mod:`dagforge.language.schemagen`). Its
``pattern``s check the shape of friendly values, which any JSON Schema tool (editors,
check-jsonschema) can do; the ``dagforge-*`` formats below check what a pattern cannot (a 30th of
February, minute 61).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from dagforge.language.cron import check_schedule
from dagforge.language.values import (
    check_dag_date,
    check_relative_time,
    parse_date,
    parse_duration,
)
from dagforge.settings import CATALOG_FILE, OPERATORS_FILE, SCHEMA_FILE, SCHEMAS_DIR

FORMATS = FormatChecker(formats=())


def _format(name: str, parse: Callable[[str], object]) -> None:
    def check(instance: object) -> bool:
        if isinstance(instance, str):
            parse(instance)  # raises ValueError, which becomes the problem's message
        return True

    FORMATS.checks(name, raises=ValueError)(check)


_format("dagforge-duration", parse_duration)
_format("dagforge-date", parse_date)
_format("dagforge-schedule", check_schedule)
_format("dagforge-dag-date", check_dag_date)
_format("dagforge-relative-time", check_relative_time)


@cache
def load_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS_DIR / SCHEMA_FILE).read_text(encoding="utf-8"))
    return data


@cache
def validator(definition: str | None = None) -> Draft202012Validator:
    """The whole-file validator, or one for a named ``$defs`` entry (``dagDefaults`` for
    defaults.yml).
    """
    schema = load_schema()
    if definition is not None:
        schema = {"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]}
    return Draft202012Validator(schema, format_checker=FORMATS)


@cache
def registry() -> dict[str, Any]:
    """``schemas/operators.json``: DAG, BaseOperator, TaskGroup and TaskFlow arguments, the common
    operators' own, and the Airflow 2 paths (generated from Airflow at dev time)."""
    data: dict[str, Any] = json.loads((SCHEMAS_DIR / OPERATORS_FILE).read_text(encoding="utf-8"))
    return data


@cache
def catalog() -> dict[str, Any]:
    """``schemas/operator-catalog.json``: every operator class of the installed Airflow and
    providers, with its arguments (read only when a config names an operator beyond the common
    ones)."""
    data: dict[str, Any] = json.loads((SCHEMAS_DIR / CATALOG_FILE).read_text(encoding="utf-8"))
    return data


@cache
def operator_aliases() -> dict[str, str]:
    """Airflow 2 operator import paths → the Airflow 3 path of the same operator."""
    return dict(registry()["aliases"])
