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
from dagforge.language.dagfactory import (
    CALLBACKS,
    DAG_DEPRECATED,
    DAG_NO_EFFECT,
    FILE_PAIRS_DAG,
)
from dagforge.language.keys import DATE_KEYS
from dagforge.language.schemagen.tasks import arg_schema, file_pairs, group_defs, task_defs
from dagforge.language.schemagen.values import ref, schedule_defs, value_defs

Schema = dict[str, Any]

SCHEMA_ID = "https://dagforge.dev/schemas/dagforge.schema.json"

DAG_DESCRIPTIONS = {
    "schedule": "When the DAG runs: cron, preset, null, assets, a timetable.",
    "tasks": "The tasks: a list or a mapping.",
    "default_args": "Arguments every task inherits.",
    "dagrun_timeout": "Fail a run that takes longer.",
    "catchup": "Run the missed intervals since start_date.",
    "tags": "Labels shown in the UI.",
    "max_active_tasks": "Replaces the removed `concurrency`.",
    "start_date": "First logical date, read in `timezone`.",
    "task_groups": "Task groups; tasks join one with task_group_name.",
    "max_active_runs": "Concurrent runs of this DAG.",
    "params": "DAG params (run-time configuration).",
    "timezone": "dag-factory reads start_date and end_date in this zone (default UTC).",
    "vars": "Anything: a place for YAML anchors; dag-factory ignores it.",
    "doc_md_file_path": "An absolute path to a Markdown file read into the DAG's docs.",
    "doc_md_python_arguments": "Keyword arguments of the doc_md_python_callable.",
    "user_defined_macros": "Jinja macros: dotted paths of functions (or nested mappings).",
}


# DAG keys whose friendly form, dag-factory form or constraint the signature cannot tell.
DAG_OVERRIDES: Schema = {
    "schedule": ref("schedule"),
    **{key: ref("dagDate") for key in DATE_KEYS},
    "default_args": ref("defaultArgs"),
    "params": {"type": "object", "additionalProperties": ref("value")},
    "tags": {"type": "array", "items": {"type": "string"}},
    "max_active_runs": {"type": "integer", "minimum": 1},
    "max_active_tasks": {"type": "integer", "minimum": 1},
    "max_consecutive_failed_dag_runs": {"type": "integer", "minimum": 0},
    "render_template_as_native_obj": {"type": "boolean"},
    "template_searchpath": {"type": ["string", "array"], "items": {"type": "string"}},
    "user_defined_macros": ref("macros"),
    "sla_miss_callback": ref("callback"),
    "tasks": ref("tasks"),
    "task_groups": ref("taskGroups"),
    # dag-factory's own keys
    "timezone": {"type": "string"},
    "vars": ref("value"),
    "doc_md_file_path": {"type": "string"},
    "doc_md_python_arguments": {"type": "object", "additionalProperties": ref("value")},
    **{key: ref("callback") for key in CALLBACKS},
    **{key: {"type": "string"} for key in DAG_NO_EFFECT if key not in CALLBACKS},
    **{key: {"type": "integer", "minimum": 1} for key in DAG_DEPRECATED},
    **file_pairs(FILE_PAIRS_DAG),
}


def dag_keys(registry: Schema) -> Schema:
    """DAG-level keys: the DAG signature (from the registry) and dag-factory's own keys."""
    keys = {**{k: arg_schema(v) for k, v in registry["dag"].items()}, **DAG_OVERRIDES}
    keys = {
        key: {**spec, "description": DAG_DESCRIPTIONS[key]} if key in DAG_DESCRIPTIONS else spec
        for key, spec in sorted(keys.items())
    }
    return {
        "type": "object",
        "properties": keys,
        "additionalProperties": False,
        "x-dagforge-code": "unknown-key",
    }


def structure_defs(registry: Schema) -> dict[str, Schema]:
    return {
        "dagDefaults": dag_keys(registry),
        "dag": dag_keys(registry),
        "macros": {
            "type": "object",
            "description": "Macro name → dotted path of a function, a nested mapping, or a value.",
            "additionalProperties": {
                "if": {"type": "string"},
                "then": ref("callable"),
                "else": {"if": {"type": "object"}, "then": ref("macros")},
            },
        },
        **task_defs(registry),
        **group_defs(registry),
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
            "task_groups": {
                "description": "Ignored by dag-factory at the top of a file (it is no DAG): put "
                "task groups under `default:` or a DAG.",
            },
        },
        "additionalProperties": ref("dag"),
        "$defs": {
            **value_defs(),
            **schedule_defs(),
            **structure_defs(registry),
        },
    }


def render(registry: Schema) -> str:
    return json.dumps(compose(registry), indent=2) + "\n"


def load_registry(schemas: Path) -> Schema:
    data: Schema = json.loads((schemas / "operators.json").read_text(encoding="utf-8"))
    return data
