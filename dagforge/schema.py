"""The JSON Schema of config files: located once, compiled once, with dagforge's own formats.

``schemas/dagforge.schema.json`` is generated (see :mod:`dagforge.schemagen`). Its ``pattern``s
check the shape of friendly values, which any JSON Schema tool (editors, check-jsonschema) can do;
the ``dagforge-*`` formats below check what a pattern cannot (a 30th of February, minute 61).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from dagforge.cron import check_schedule
from dagforge.values import parse_date, parse_duration

SCHEMA_FILE = "dagforge.schema.json"
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


def schema_dir() -> Path:
    """``schemas/`` beside the ``dagforge`` package: the repo root locally, the dags folder on MWAA."""
    return Path(__file__).resolve().parent.parent / "schemas"


@cache
def load_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((schema_dir() / SCHEMA_FILE).read_text(encoding="utf-8"))
    return data


@cache
def validator(definition: str | None = None) -> Draft202012Validator:
    """The whole-file validator, or one for a named ``$defs`` entry (``dagDefaults`` for defaults.yml)."""
    schema = load_schema()
    if definition is not None:
        schema = {"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]}
    return Draft202012Validator(schema, format_checker=FORMATS)


@cache
def operator_aliases() -> dict[str, str]:
    """Airflow 2 operator import paths → the Airflow 3 path of the same operator (from the registry)."""
    registry = json.loads((schema_dir() / "operators.json").read_text(encoding="utf-8"))
    return dict(registry["aliases"])
