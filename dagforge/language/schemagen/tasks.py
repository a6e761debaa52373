"""The task, TaskFlow task, task-group and default_args definitions of the config schema.

A task names an ``operator:`` or a ``decorator:``. The common operators get a closed definition
each (editors complete their arguments); any other operator of the installed Airflow and
providers, or of an allowed package, gets an open one and is checked against its real signature
by :mod:`dagforge.checks.operators`.
"""

from __future__ import annotations

from typing import Any

from dagforge.language import patterns
from dagforge.language.dagfactory import (
    CALLBACKS,
    DECORATOR_ALIASES,
    DECORATORS,
    DEFAULT_ARGS_OWN,
    FILE_SUFFIX,
    LAMBDA_SUFFIX,
    NAME_SUFFIX,
    SENSOR_PAIRS,
)
from dagforge.language.schemagen.values import ref

Schema = dict[str, Any]

TASK_KEYS: Schema = {
    "task_id": {
        "type": "string",
        "pattern": patterns.ID,
        "maxLength": patterns.ID_MAX_LENGTH,
        "x-dagforge-code": "invalid-task-id",
        "description": "Unique within the DAG.",
    },
    "dependencies": {
        "type": "array",
        "items": {"type": "string"},
        "description": "task_ids (or task group names) this task runs after.",
    },
    "task_group_name": {
        "type": "string",
        "description": "The task group (under task_groups) holding it.",
    },
    "inlets": ref("assetList"),
    "outlets": ref("assetList"),
    "start_date": ref("date"),
    "end_date": ref("date"),
    "variables_as_arguments": {
        "type": "array",
        "description": "Airflow Variables read when the DAG is parsed, each into an argument.",
        "items": {
            "type": "object",
            "required": ["variable", "attribute"],
            "additionalProperties": False,
            "properties": {"variable": {"type": "string"}, "attribute": {"type": "string"}},
        },
    },
}
RELATIVE_DELTA: Schema = {
    "type": "string",
    "format": "dagforge-relative-time",
    "x-dagforge-code": "invalid-duration",
    "description": "dag-factory's relative time, e.g. `1 days`, `2 hours` (nothing else).",
}
MAPPING: Schema = {
    "expand": {"type": "object", "description": "Arguments to map over (one task per item)."},
    "partial": {"type": "object", "description": "Arguments every mapped task shares."},
}


def arg_schema(spec: Schema) -> Schema:
    fmt = spec.get("format")
    if fmt == "duration":
        return ref("durationOrSeconds" if spec.get("seconds") else "duration")
    if fmt in ("callable", "callback", "function"):
        return ref(fmt)
    types = spec.get("types", [])
    if not types or "object" in types or "array" in types:
        return {"type": types, "$ref": "#/$defs/value"} if types else ref("value")
    return {"type": types[0] if len(types) == 1 else types}


def file_pairs(keys: tuple[str, ...]) -> Schema:
    """dag-factory's ``<key>_name`` + ``<key>_file`` form of each callable ``key``."""
    pairs: Schema = {}
    for key in keys:
        pairs[f"{key}{NAME_SUFFIX}"] = {"type": "string", "pattern": r"^[A-Za-z_]\w*$"}
        pairs[f"{key}{FILE_SUFFIX}"] = {
            "type": "string",
            "description": "An absolute path to a .py file in a folder the policy allows.",
        }
    return pairs


def operator_args(registry: Schema) -> Schema:
    """BaseOperator arguments, with dag-factory's ``<callback>_name``/``_file`` pairs."""
    base = {k: arg_schema(v) for k, v in registry["base"].items()}
    return {**base, **file_pairs(CALLBACKS)}


def base_properties(registry: Schema) -> Schema:
    """Every task's keys: BaseOperator arguments and dag-factory's task keys."""
    return {
        **operator_args(registry),
        **file_pairs(("execution_date_fn",)),
        **TASK_KEYS,
        **MAPPING,
    }


def sensor_pairs(path: str) -> Schema:
    pairs: Schema = {}
    for written in SENSOR_PAIRS.get(path, {}):
        pairs.update(file_pairs((written,)))
        pairs[f"{written}{LAMBDA_SUFFIX}"] = {"type": "string"}
    return pairs


def operator_task(registry: Schema, path: str, spec: Schema) -> Schema:
    """The closed definition of one common operator's tasks."""
    own = {k: arg_schema(v) for k, v in spec["args"].items()}
    if "execution_delta" in own:  # dag-factory reads it with its relative-time parser only
        own["execution_delta"] = RELATIVE_DELTA
    properties = {**own, **sensor_pairs(path), "operator": {}}
    required = list(spec["required"])
    # Every task's keys come from taskBase; unevaluatedProperties closes the two together (a
    # copy of taskBase's keys in each operator would triple the schema every parse reads).
    schema: Schema = {
        "type": "object",
        "title": path,
        "allOf": [ref("taskBase")],
        "unevaluatedProperties": False,
    }
    if spec.get("python"):
        properties.update(file_pairs(("python_callable",)))
        required = [r for r in required if r != "python_callable"]
        schema["anyOf"] = [
            {"required": ["python_callable"]},
            {"required": ["python_callable_name", "python_callable_file"]},
        ]
    return {
        **schema,
        "properties": dict(sorted(properties.items())),
        "required": required,
        "x-dagforge-code": "unknown-key",
    }


def short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def operator_defs(registry: Schema) -> dict[str, Schema]:
    """One closed task schema per common operator, chosen by the task's ``operator``; any other
    dotted path gets the open ``task.other`` definition (checked against the catalog)."""
    names = {
        path: [path, *sorted(a for a, c in registry["aliases"].items() if c == path)]
        for path in registry["operators"]
    }
    known = sorted({*registry["aliases"], *(s for spellings in names.values() for s in spellings)})
    branches = [
        {
            "if": {"required": ["operator"], "properties": {"operator": {"enum": spellings}}},
            "then": ref(f"task.{short(path)}"),
        }
        for path, spellings in names.items()
    ]
    other = {"not": {"properties": {"operator": {"enum": [s for v in names.values() for s in v]}}}}
    defs: dict[str, Schema] = {
        "operator": {
            "type": "string",
            "pattern": patterns.DOTTED,
            "examples": known,
            "x-dagforge-code": "unknown-operator",
            "description": "An operator class: any the installed Airflow and providers import "
            "(Airflow 2 paths map to the same class), or one of an allowed package.",
        },
        "operatorTask": {
            "type": "object",
            "properties": {"operator": ref("operator")},
            "allOf": [*branches, {"if": other, "then": ref("task.other")}],
        },
        "taskBase": {"properties": base_properties(registry)},
        "task.other": {
            "type": "object",
            "properties": {**base_properties(registry), **file_pairs(("python_callable",))},
            "additionalProperties": ref("value"),
        },
    }
    for path, spec in registry["operators"].items():
        defs[f"task.{short(path)}"] = operator_task(registry, path, spec)
    return defs


def task_defs(registry: Schema) -> dict[str, Schema]:
    decorator = {k: arg_schema(v) for k, v in registry["decorator"].items() if k != "task_id"}
    return {
        **operator_defs(registry),
        "task": {
            "type": "object",
            "anyOf": [{"required": ["operator"]}, {"required": ["decorator"]}],
            "x-dagforge-code": "missing-key",
            "if": {"required": ["decorator"]},
            "then": ref("decoratorTask"),
            "else": ref("operatorTask"),
        },
        "decoratorTask": {
            "type": "object",
            "description": "A TaskFlow task: the function's own arguments beside the task's.",
            "properties": {
                **base_properties(registry),
                **decorator,
                **file_pairs(("python_callable",)),
                "python_callable": ref("callable"),
                "decorator": {
                    "enum": [*DECORATORS, *DECORATOR_ALIASES],
                    "x-dagforge-code": "unknown-operator",
                },
            },
            "anyOf": [
                {"required": ["python_callable"]},
                {"required": ["python_callable_name", "python_callable_file"]},
            ],
            "additionalProperties": ref("value"),
        },
        "tasks": {
            "type": ["array", "object"],
            "if": {"type": "array"},
            "then": {"items": {**ref("task"), "required": ["task_id"]}},
            "else": {"additionalProperties": ref("task")},
        },
    }


def group_def(registry: Schema, listed: bool) -> Schema:
    own = {k: arg_schema(v) for k, v in registry["task_group"].items() if k != "default_args"}
    properties = {
        **own,
        "default_args": ref("defaultArgs"),
        "parent_group_name": {"type": "string", "description": "The group holding this one."},
        "dependencies": {"type": "array", "items": {"type": "string"}},
    }
    if listed:
        properties["group_name"] = {
            "type": "string",
            "pattern": patterns.ID,
            "x-dagforge-code": "invalid-task-id",
        }
    schema: Schema = {
        "type": "object",
        "additionalProperties": False,
        "x-dagforge-code": "unknown-key",
        "properties": dict(sorted(properties.items())),
    }
    return {**schema, "required": ["group_name"]} if listed else schema


def group_defs(registry: Schema) -> dict[str, Schema]:
    return {
        "taskGroups": {
            "description": "Task groups: a mapping by name, or a list of `- group_name: ...`.",
            "type": ["object", "array"],
            "if": {"type": "array"},
            "then": {"items": ref("taskGroupListed")},
            "else": {
                "propertyNames": {
                    "pattern": patterns.ID,
                    "x-dagforge-code": "invalid-task-id",
                },
                "additionalProperties": ref("taskGroup"),
            },
        },
        "taskGroup": group_def(registry, listed=False),
        "taskGroupListed": group_def(registry, listed=True),
        "defaultArgs": {
            "type": "object",
            "description": "Arguments every task inherits; a key no task takes has no effect.",
            "properties": {
                **operator_args(registry),
                "inlets": ref("assetList"),
                "outlets": ref("assetList"),
                "start_date": ref("dagDate"),
                "end_date": ref("dagDate"),
                **{key: {"type": "string"} for key in DEFAULT_ARGS_OWN},
            },
            "additionalProperties": ref("value"),
        },
    }
