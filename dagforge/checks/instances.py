"""Template instances against their template: declared fields only, values of the declared type and
form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from dagforge.checks.schema_errors import json_type
from dagforge.expand import placeholders_in
from dagforge.language.hints import did_you_mean
from dagforge.load import Document, JsonPath
from dagforge.problems import Problem

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


_JINJA_MARKS = re.compile(r"\{\{|\{%|\}\}|%\}")


@cache
def _regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def check_instances(doc: Document) -> list[Problem]:
    """Every instance field of every template in ``doc``, checked against the template's
    parameters."""
    templates = doc.data.get("templates") if isinstance(doc.data, dict) else None
    problems: list[Problem] = []
    for name, template in templates.items() if isinstance(templates, dict) else ():
        if isinstance(template, dict) and isinstance(template.get("instances"), list):
            problems.extend(_check_template(doc, ("templates", name), template))
    return problems


def declared_fields(template: Mapping[str, Any]) -> dict[str, Any]:
    """The template's parameters; without a ``parameters`` block, the placeholders it uses."""
    parameters = template.get("parameters")
    if isinstance(parameters, dict):
        return {k: v if isinstance(v, dict) else {} for k, v in parameters.items()}
    used = placeholders_in(template.get("dag_id")) | placeholders_in(template.get("dag"))
    return {name: {} for name in sorted(used)}


def _check_template(
    doc: Document, tpath: JsonPath, template: Mapping[str, Any]
) -> Iterator[Problem]:
    declared = declared_fields(template)
    line = doc.mark((*tpath, "parameters") if "parameters" in template else tpath, key=True).line
    for index, instance in enumerate(template["instances"]):
        if not isinstance(instance, dict):
            continue
        for field, value in instance.items():
            path = (*tpath, "instances", index, field)
            if field == "dag":
                continue
            if isinstance(value, str) and _JINJA_MARKS.search(value):
                yield doc.problem(
                    path,
                    code="instance-template-injection",
                    message=f"instance value {value!r} holds Jinja: instance values are data, "
                    "copied into the template as text",
                    hint="write the Jinja in the template body, and pass the instance value as a "
                    "plain value",
                )
            elif field not in declared:
                yield doc.problem(
                    path,
                    code="instance-unknown-field",
                    message=f"instance field '{field}' is not declared by the template "
                    f"(parameters at line {line})",
                    hint=did_you_mean(field, declared) or "declare it under parameters",
                    key=True,
                )
            else:
                yield from _check_value(doc, path, value, declared[field], line)


def _check_value(
    doc: Document, path: JsonPath, value: Any, spec: Mapping[str, Any], line: int
) -> Iterator[Problem]:
    kind = spec.get("type")
    written = doc.bool_traps.get(path)
    if isinstance(value, dict | list) or value is None:
        return  # the schema allows scalars only and has said so
    if written is not None and kind == "string":
        yield doc.problem(
            path,
            code="bool-trap",
            message=f"{written} was read as the boolean {str(value).lower()} (YAML 1.1), but this "
            "field is text",
            hint=f'quote it: "{written}"',
        )
    elif kind in _PYTHON_TYPES and (
        not isinstance(value, _PYTHON_TYPES[kind])
        or (kind != "boolean" and isinstance(value, bool))
    ):
        yield doc.problem(
            path,
            code="instance-invalid-value",
            message=f"expected {kind}, got {json_type(value)} ({value!r})",
            hint=f"the template declares '{path[-1]}' as {kind} (line {line})",
        )
    elif isinstance(spec.get("pattern"), str) and not _matches(spec["pattern"], value):
        yield doc.problem(
            path,
            code="instance-invalid-value",
            message=f"{value!r} does not match {spec['pattern']}",
            hint=f"the template requires this form for '{path[-1]}' (line {line})",
        )
    elif isinstance(spec.get("enum"), list) and value not in spec["enum"]:
        yield doc.problem(
            path,
            code="instance-invalid-value",
            message=f"{value!r} is not one of the allowed values",
            hint=did_you_mean(str(value), map(str, spec["enum"])),
        )


def _matches(pattern: str, value: Any) -> bool:
    regex = _regex(pattern)
    return regex is None or regex.search(str(value)) is not None
