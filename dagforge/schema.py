"""The JSON Schema of config files: located once, compiled once."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_FILE = "dagforge.schema.json"


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
    if definition is None:
        return Draft202012Validator(schema)
    return Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})
