"""Compose ``schemas/dagforge.schema.json`` from the dagforge keys and the operator registry.

Pure Python over committed data (``schemas/operators.json``): no Airflow import, so
``dagforge schema --check`` and the tests can tell cheaply whether the committed schema is stale.
Every ``$defs`` entry a person can get wrong carries ``x-dagforge-code``: the stable problem code
``dagforge validate`` reports for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dagforge.language import patterns
from dagforge.language.keys import DATE_KEYS
from dagforge.language.schemagen.values import ref, schedule_defs, value_defs

Schema = dict[str, Any]

SCHEMA_ID = "https://dagforge.dev/schemas/dagforge.schema.json"
TASK_KEYS: Schema = {
    "task_id": {
        "type": "string",
        "pattern": patterns.ID,
        "description": "Unique within the DAG.",
    },
    "operator": {"$ref": "#/$defs/operator"},
    "dependencies": {
        "type": "array",
        "items": {"type": "string"},
        "description": "task_ids this task runs after.",
    },
    "task_group_name": {
        "type": "string",
        "description": "The task group (under task_groups) holding it.",
    },
    "inlets": {"$ref": "#/$defs/assetList"},
    "outlets": {"$ref": "#/$defs/assetList"},
}


DAG_DESCRIPTIONS = {
    "schedule": "When the DAG runs: cron, preset, null, or assets.",
    "tasks": "The tasks: a list or a mapping.",
    "default_args": "Arguments every task inherits.",
    "dagrun_timeout": "Fail a run that takes longer.",
    "catchup": "Run the missed intervals since start_date.",
    "tags": "Labels shown in the UI.",
    "max_active_tasks": "Replaces the removed `concurrency`.",
    "start_date": "First logical date.",
    "task_groups": "Task groups by name; tasks join one with task_group_name.",
    "max_active_runs": "Concurrent runs of this DAG.",
    "params": "DAG params (run-time configuration).",
}


# DAG keys whose friendly form or constraint the signature cannot tell.
DAG_OVERRIDES: Schema = {
    "schedule": ref("schedule"),
    **{key: ref("date") for key in DATE_KEYS},
    "default_args": ref("defaultArgs"),
    "params": {"type": "object", "additionalProperties": ref("value")},
    "tags": {"type": "array", "items": {"type": "string"}},
    "max_active_runs": {"type": "integer", "minimum": 1},
    "max_active_tasks": {"type": "integer", "minimum": 1},
    "max_consecutive_failed_dag_runs": {"type": "integer", "minimum": 0},
    "tasks": ref("tasks"),
    "task_groups": ref("taskGroups"),  # dag-factory's own keys
}


def dag_keys(registry: Schema, tasks_required: bool) -> Schema:
    """DAG-level keys: the DAG signature (from the registry), friendly where dagforge is
    friendlier."""
    keys = {**{k: arg_schema(v) for k, v in registry["dag"].items()}, **DAG_OVERRIDES}
    keys = {
        key: {**spec, "description": DAG_DESCRIPTIONS[key]} if key in DAG_DESCRIPTIONS else spec
        for key, spec in sorted(keys.items())
    }
    schema: Schema = {
        "type": "object",
        "properties": keys,
        "additionalProperties": False,
        "x-dagforge-code": "unknown-key",
    }
    return {**schema, "required": ["tasks"]} if tasks_required else schema


def arg_schema(spec: Schema) -> Schema:
    if spec.get("format") in ("duration", "callable"):
        return ref(spec["format"])
    types = spec.get("types", [])
    if not types or "object" in types or "array" in types:
        return {"type": types, "$ref": "#/$defs/value"} if types else ref("value")
    return {"type": types[0] if len(types) == 1 else types}


def task_def(base: Schema, args: Schema, required: list[str]) -> Schema:
    properties = {**{k: arg_schema(v) for k, v in sorted({**base, **args}.items())}, **TASK_KEYS}
    return {
        "type": "object",
        "properties": properties,
        "required": ["operator", *required],
        "additionalProperties": False,
        "x-dagforge-code": "unknown-key",
    }


def short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def operator_defs(registry: Schema) -> dict[str, Schema]:
    """One closed task schema per operator, chosen by the task's ``operator`` (aliases included)."""
    names = {
        path: [path, *sorted(a for a, c in registry["aliases"].items() if c == path)]
        for path in registry["operators"]
    }
    branches = [
        {
            "if": {"required": ["operator"], "properties": {"operator": {"enum": spellings}}},
            "then": ref(f"task.{short(path)}"),
        }
        for path, spellings in names.items()
    ]
    defs: dict[str, Schema] = {
        "operator": {
            "enum": sorted(s for spellings in names.values() for s in spellings),
            "x-dagforge-code": "unknown-operator",
            "description": "An allow-listed operator (Airflow 2 import paths map to the same "
            "class).",
        },
        "task": {
            "type": "object",
            "required": ["operator"],
            "properties": {"operator": ref("operator")},
            "allOf": branches,
            "x-dagforge-code": "missing-key",
        },
    }
    for path, spec in registry["operators"].items():
        defs[f"task.{short(path)}"] = {
            **task_def(registry["base"], spec["args"], spec["required"]),
            "title": path,
        }
    return defs


def structure_defs(registry: Schema) -> dict[str, Schema]:
    base = {k: arg_schema(v) for k, v in registry["base"].items()}
    base.update(inlets=TASK_KEYS["inlets"], outlets=TASK_KEYS["outlets"])
    return {
        "defaultArgs": {
            "type": "object",
            "additionalProperties": False,
            "x-dagforge-code": "unknown-key",
            "properties": {**base, "start_date": ref("date"), "end_date": ref("date")},
        },
        "dagDefaults": dag_keys(registry, tasks_required=False),
        "dag": dag_keys(registry, tasks_required=True),
        "tasks": {
            "type": ["array", "object"],
            "if": {"type": "array"},
            "then": {"minItems": 1, "items": {**ref("task"), "required": ["task_id"]}},
            "else": {"minProperties": 1, "additionalProperties": ref("task")},
        },
        "taskGroups": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "x-dagforge-code": "unknown-key",
                "properties": {
                    "tooltip": {"type": "string"},
                    "prefix_group_id": {"type": "boolean"},
                    "parent_group_name": {"type": "string"},
                    "dependencies": {"type": "array", "items": {"type": "string"}},
                    "default_args": ref("defaultArgs"),
                },
            },
        },
        "template": template_def(),
    }


def template_def() -> Schema:
    parameter = {
        "type": "object",
        "additionalProperties": False,
        "x-dagforge-code": "unknown-key",
        "properties": {
            "type": {"enum": ["string", "integer", "number", "boolean"]},
            "pattern": {"type": "string"},
            "enum": {"type": "array"},
            "description": {"type": "string"},
        },
    }
    return {
        "type": "object",
        "required": ["dag_id", "dag", "instances"],
        "additionalProperties": False,
        "x-dagforge-code": "unknown-key",
        "properties": {
            "description": {"type": "string"},
            "dag_id": {"type": "string", "description": "The DAG id pattern, with {placeholders}."},
            "parameters": {
                "type": "object",
                "additionalProperties": parameter,
                "description": "Instance fields: their type, pattern or allowed values.",
            },
            "dag": ref("dagDefaults"),
            "instances": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {"dag": ref("dagDefaults")},
                    "additionalProperties": {
                        "type": ["string", "number", "boolean"],
                        "x-dagforge-code": "instance-invalid-value",
                    },
                    "description": "Values for the parameters; `dag:` overrides the template body.",
                },
            },
        },
    }


def compose(registry: Schema) -> Schema:
    """The whole-file schema: ``default``, ``templates``, and every other top-level key a DAG."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "dagforge config file",
        "description": "A dag-factory 1.x YAML file, optionally with dagforge templates. "
        "Top-level keys other than default and templates are DAG ids. Generated by "
        "dagforge.language.schemagen.compose: do not edit by hand.",
        "type": "object",
        "propertyNames": {
            "pattern": patterns.ID,
            "maxLength": patterns.ID_MAX_LENGTH,
            "x-dagforge-code": "invalid-dag-id",
        },
        "properties": {
            "default": ref("dagDefaults"),
            "templates": {
                "type": "object",
                "additionalProperties": ref("template"),
                "description": "Pipeline templates: one DAG per instance.",
            },
        },
        "additionalProperties": ref("dag"),
        "$defs": {
            **value_defs(),
            **schedule_defs(),
            **structure_defs(registry),
            **operator_defs(registry),
        },
    }


def render(registry: Schema) -> str:
    return json.dumps(compose(registry), indent=2) + "\n"


def load_registry(schemas: Path) -> Schema:
    data: Schema = json.loads((schemas / "operators.json").read_text(encoding="utf-8"))
    return data
