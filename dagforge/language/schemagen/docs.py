"""Render the schema as ``docs/config-reference.md``: every key, its type, and what it means."""

from __future__ import annotations

from typing import Any

from dagforge.policy import BUILTIN_TYPES

Schema = dict[str, Any]
_ANCHORS = {
    "defaultArgs": "default_args",
    "duration": "duration",
    "date": "date",
    "dagDate": "dagdate",
    "durationOrSeconds": "durationorseconds",
    "callback": "callback",
    "function": "function",
    "taskGroups": "task-groups",
    "macros": "value",
    "schedule": "schedule",
    "callable": "callable",
    "uri": "uri",
    "assetList": "assetlist",
    "value": "value",
    "operator": "operators",
    "tasks": "operators",
    "typed": "typed",
}
_SECTIONS = (
    (
        "dag",
        "DAG keys",
        "Keys of a DAG entry, the `default:` block, `defaults.yml` and a template's `dag:` body. "
        "`tasks` is required in a DAG entry.",
    ),
    ("defaultArgs", "default_args", "Task arguments every task of the DAG inherits."),
    (
        "taskGroup",
        "Task groups",
        "Entries under `task_groups:` (a mapping by name, or a list whose items add `group_name`).",
    ),
    (
        "decoratorTask",
        "TaskFlow tasks",
        "A task with `decorator:` instead of `operator:`; keys that are the function's "
        "parameters are its arguments (`+task` passes another task's result).",
    ),
    ("template", "Templates", "Entries under `templates:`; each yields one DAG per instance."),
    (
        "assetCondition",
        "Asset conditions",
        "`schedule:` as `{__and__: [...]}` or `{__or__: [...]}` of Assets (data-aware scheduling).",
    ),
)


def type_of(spec: Schema) -> str:
    """A short human name for the type a property schema allows."""
    if "$ref" in spec and "type" not in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{_ANCHORS[name]})" if name in _ANCHORS else name
    kinds = spec.get("type", "any")
    text = " or ".join(kinds) if isinstance(kinds, list) else str(kinds)
    if "enum" in spec:
        text = "one of " + ", ".join(f"`{v}`" for v in spec["enum"])
    if "pattern" in spec:
        text += f" matching `{spec['pattern']}`"
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(properties: Schema, required: list[str]) -> list[str]:
    rows = ["| key | type | required | description |", "|---|---|---|---|"]
    for key, spec in sorted(properties.items()):
        mark = "yes" if key in required else ""
        rows.append(
            f"| `{key}` | {_cell(type_of(spec))} | {mark} | {_cell(spec.get('description', ''))} |"
        )
    return rows


def section(defs: Schema, name: str, title: str, intro: str) -> list[str]:
    spec = defs[name].get("else", defs[name])
    spec = spec if "properties" in spec else defs[name]
    return [
        f"## {title}",
        "",
        intro,
        "",
        *table(spec.get("properties", {}), spec.get("required", [])),
        "",
    ]


def values_section(defs: Schema) -> list[str]:
    lines = ["## Values", ""]
    names = ("duration", "durationOrSeconds", "date", "dagDate", "cron", "schedule", "callable")
    for name in (*names, "callback", "function", "uri", "assetList", "value"):
        spec = defs[name]
        shape = spec.get("else", spec)
        lines.append(f"### {name}\n\n{spec.get('description', shape.get('description', ''))}\n")
        if "pattern" in shape:
            lines.append(f"Form: `{shape['pattern']}`.\n")
    lines.append(
        "### typed\n\nObjects with `__type__` may only name (a name ending in `.` admits the "
        "classes under it): "
        + ", ".join(f"`{t}`" for t in BUILTIN_TYPES)
        + ", and what the project's policy adds (`types` in dagforge.toml).\n"
    )
    return lines


def operators_section(defs: Schema) -> list[str]:
    lines = [
        "## Operators",
        "",
        "A task's `operator` is any operator class the installed Airflow and providers import "
        "(checked against its real signature), or one from an allowed package. The schema spells "
        "out these common ones. Each accepts the task keys (`task_id`, `dependencies`, "
        "`task_group_name`, `inlets`, `outlets`, `expand`, `partial`, "
        "`variables_as_arguments`), the BaseOperator arguments of [default_args](#default_args), "
        "and its own arguments below.",
        "",
    ]
    aliases = defs["operator"]["examples"]
    for name in sorted(k for k in defs if k.startswith("task.") and "title" in defs[k]):
        spec, path = defs[name], defs[name]["title"]
        own = {
            k: v
            for k, v in spec["properties"].items()
            if k not in defs["defaultArgs"]["properties"]
        }
        spellings = [
            a for a in aliases if a != path and a.rsplit(".", 1)[-1] == path.rsplit(".", 1)[-1]
        ]
        lines += [
            f"### {path.rsplit('.', 1)[-1]}",
            "",
            f"`{path}`"
            + (" (also: " + ", ".join(f"`{s}`" for s in spellings) + ")" if spellings else ""),
            "",
        ]
        lines += [*table(own, spec.get("required", [])), ""]
    return lines


def render(schema: Schema) -> str:
    """The whole reference, deterministic for a given schema."""
    defs = schema["$defs"]
    lines = [
        "# Config reference",
        "",
        "<!-- Generated by `dagforge schema --docs` from schemas/dagforge.schema.json: do not "
        "edit by hand. -->",
        "",
        schema["description"].split(" Generated")[0],
        "",
        "See [config-language.md](config-language.md) for templates, defaults layers and "
        "validate codes.",
        "",
    ]
    for name, title, intro in _SECTIONS:
        lines += section(defs, name, title, intro)
    lines += operators_section(defs) + values_section(defs)
    return "\n".join(lines).rstrip() + "\n"
