"""The value and schedule definitions of the config schema: friendly values (durations, dates,
cron), callables, asset URIs and the allow-listed ``__type__`` objects.

Pure Python; :mod:`dagforge.language.schemagen.compose` assembles them with the DAG and task
definitions into the whole schema.
"""

from __future__ import annotations

from typing import Any

from dagforge.language import patterns
from dagforge.language.typed import ALLOWED_TYPES

Schema = dict[str, Any]
PRESETS = (*patterns.PRESETS, *patterns.NO_SCHEDULE)


def ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def value_defs() -> dict[str, Schema]:
    """Free-form values, friendly values and the allow-listed ``__type__`` objects."""
    return {
        "value": {
            "description": "Any YAML value; objects with __type__ must name an allow-listed type.",
            "if": {"type": "object", "required": ["__type__"]},
            "then": ref("typed"),
            "additionalProperties": ref("value"),
            "items": ref("value"),
        },
        "typed": {
            "type": "object",
            "required": ["__type__"],
            "additionalProperties": ref("value"),
            "properties": {
                "__type__": {"enum": list(ALLOWED_TYPES), "x-dagforge-code": "unsafe-type"}
            },
        },
        "duration": {
            "description": "A duration such as 30s, 5m, 1h30m, 2d (or a datetime.timedelta "
            "__type__).",
            "if": {"type": "object"},
            "then": ref("typed"),
            "else": {
                "type": "string",
                "pattern": patterns.DURATION,
                "format": "dagforge-duration",
                "x-dagforge-code": "invalid-duration",
            },
        },
        "date": {
            "description": "A date (YYYY-MM-DD) or date-time, UTC unless an offset is given.",
            "if": {"type": "object"},
            "then": ref("typed"),
            "else": {
                "type": "string",
                "pattern": patterns.DATE,
                "format": "dagforge-date",
                "x-dagforge-code": "invalid-date",
            },
        },
        "callable": {
            "type": "string",
            "pattern": patterns.DOTTED,
            "x-dagforge-code": "invalid-callable",
            "description": "A function in an allowed package, e.g. callables.who.process_country.",
        },
        "uri": {
            "type": "string",
            "pattern": r"^\S+$",
            "description": "An asset (dataset) URI, e.g. s3://bucket/key.",
        },
        "assetList": {
            "type": "array",
            "items": {"if": {"type": "object"}, "then": ref("typed"), "else": ref("uri")},
            "description": "Assets (datasets) as URIs.",
        },
    }


def schedule_defs() -> dict[str, Schema]:
    return {
        "schedule": {
            "description": "A cron expression, a preset (@daily ...), null, a list of asset "
            "URIs, {datasets: [uri, ...]} or an allow-listed timetable __type__.",
            "type": ["string", "null", "object", "array"],
            "if": {"type": "string"},
            "then": ref("cron"),
            "else": {
                "if": {"type": "object"},
                "then": ref("scheduleObject"),
                "else": {"items": ref("uri")},
            },
        },
        "cron": {
            "type": "string",
            "pattern": patterns.CRON,
            "format": "dagforge-schedule",
            "x-dagforge-code": "invalid-cron",
            "description": f"Five cron fields or one of {', '.join(PRESETS)}.",
        },
        "scheduleObject": {
            "if": {"required": ["__type__"]},
            "then": ref("typed"),
            "else": {
                "type": "object",
                "required": ["datasets"],
                "additionalProperties": False,
                "properties": {
                    "datasets": {
                        "type": ["array", "string"],
                        "items": ref("uri"),
                        "description": "Asset URIs (all of them), or a condition string such as "
                        "'a | b'.",
                    },
                    "file": {"type": "string", "description": "A YAML file mapping names to URIs."},
                    "timetable": ref("typed"),
                },
            },
        },
    }
