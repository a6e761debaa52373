"""The value and schedule definitions of the config schema: friendly values (durations, dates,
cron), dag-factory's own value forms (relative dates, callbacks, asset conditions), callables,
asset URIs and the allow-listed ``__type__`` objects.

Pure Python; :mod:`dagforge.language.schemagen.compose` assembles them with the DAG and task
definitions into the whole schema.
"""

from __future__ import annotations

import re
from typing import Any

from dagforge.language import patterns
from dagforge.policy import BUILTIN_TYPES

Schema = dict[str, Any]
PRESETS = (*patterns.PRESETS, *patterns.NO_SCHEDULE)


def ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def type_pattern() -> str:
    """``__type__`` values the built-in allow-list admits (names, and prefixes ending in '.')."""
    parts = [
        re.escape(name) + r"\w+(\.\w+)*" if name.endswith(".") else re.escape(name)
        for name in BUILTIN_TYPES
    ]
    return "^(" + "|".join(parts) + ")$"


def _friendly(pattern: str, fmt: str, code: str) -> Schema:
    return {"type": "string", "pattern": pattern, "format": fmt, "x-dagforge-code": code}


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
                "__type__": {
                    "type": "string",
                    "pattern": type_pattern(),
                    "x-dagforge-code": "unsafe-type",
                    "description": "An allow-listed class; a project adds more with `types` in "
                    "dagforge.toml.",
                },
                "__args__": {"type": "array", "items": ref("value")},
            },
        },
        "duration": {
            "description": "A duration such as 30s, 5m, 1h30m, 2d (or a datetime.timedelta "
            "__type__).",
            "if": {"type": "object"},
            "then": ref("typed"),
            "else": _friendly(patterns.DURATION, "dagforge-duration", "invalid-duration"),
        },
        "durationOrSeconds": {
            "description": "A duration (5m, 1h30m), a number of seconds (300), or a "
            "datetime.timedelta __type__.",
            "if": {"type": ["object", "number"]},
            "then": {"if": {"type": "object"}, "then": ref("typed")},
            "else": _friendly(patterns.DURATION, "dagforge-duration", "invalid-duration"),
        },
        "date": {
            "description": "A date (YYYY-MM-DD) or date-time: on tasks dagforge reads it as UTC "
            "unless an offset is given.",
            "if": {"type": "object"},
            "then": ref("typed"),
            "else": _friendly(patterns.DATE, "dagforge-date", "invalid-date"),
        },
        "dagDate": {
            "description": "A date or date-time (read in the DAG's `timezone`, UTC by default), "
            "a relative time such as `2 days` (before today's midnight), or a datetime __type__.",
            "if": {"type": "object"},
            "then": ref("typed"),
            "else": {
                "type": "string",
                "format": "dagforge-dag-date",
                "x-dagforge-code": "invalid-date",
            },
        },
        "callable": {
            "type": "string",
            "pattern": patterns.DOTTED,
            "x-dagforge-code": "invalid-callable",
            "description": "A function in an allowed package, e.g. callables.who.process_country.",
        },
        "callback": {
            "description": "A callback: a dotted path (`callables.notify.on_failure`), or "
            "`{callback: <dotted path>, <argument>: <value>, ...}`.",
            "type": ["string", "object"],
            "x-dagforge-code": "invalid-callback",
            "if": {"type": "object"},
            "then": {
                "required": ["callback"],
                "properties": {"callback": ref("callable")},
                "additionalProperties": ref("value"),
                "x-dagforge-code": "invalid-callback",
            },
            "else": {
                "pattern": patterns.DOTTED,
                "x-dagforge-code": "invalid-callable",
                "description": "A function in an allowed package.",
            },
        },
        "function": {
            "not": {},
            "x-dagforge-code": "invalid-callable",
            "description": "A Python function: dag-factory 1.1 passes text here as is, so it "
            "cannot be set from YAML.",
        },
        "uri": {
            "type": "string",
            "pattern": r"^\S+$",
            "description": "An asset (dataset) URI, e.g. s3://bucket/key.",
        },
        "assetList": {
            "type": ["array", "object"],
            "if": {"type": "array"},
            "then": {"items": {"if": {"type": "object"}, "then": ref("typed"), "else": ref("uri")}},
            "else": {
                "required": ["file", "datasets"],
                "additionalProperties": False,
                "properties": {
                    "file": {"type": "string"},
                    "datasets": {"type": "array", "items": {"type": "string"}},
                },
            },
            "description": "Assets as URIs or __type__ objects, or `{file, datasets}`: names "
            "looked up in a YAML file of `datasets: [{name, uri}]`.",
        },
    }


def schedule_defs() -> dict[str, Schema]:
    return {
        "schedule": {
            "description": "A cron expression, a preset (@daily ...), null or 'none', a list of "
            "asset URIs or objects, an allow-listed __type__ (timetable, timedelta, Asset) or an "
            "asset condition ({__and__: [...]}, {__or__: [...]}).",
            "type": ["string", "null", "object", "array"],
            "if": {"type": "string"},
            "then": ref("cron"),
            "else": {
                "if": {"type": "object"},
                "then": ref("scheduleObject"),
                "else": {
                    "items": {"if": {"type": "object"}, "then": ref("typed"), "else": ref("uri")}
                },
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
            "else": ref("assetCondition"),
        },
        "assetCondition": {
            "description": "Assets combined: `{__and__: [...]}` (all) or `{__or__: [...]}` (any), "
            "of airflow.sdk.Asset objects or nested conditions.",
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "x-dagforge-code": "schedule-form",
            "additionalProperties": False,
            "properties": {
                key: {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "x-dagforge-code": "schedule-form",
                        "if": {"type": "object", "required": ["__type__"]},
                        "then": ref("typed"),
                        "else": ref("assetCondition"),
                    },
                }
                for key in ("__and__", "__or__")
            },
        },
    }
