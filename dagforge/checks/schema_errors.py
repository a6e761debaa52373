"""The schema check: JSON Schema errors translated into problems with stable codes, positions and
hints.

The schema marks each definition a person can get wrong with ``x-dagforge-code``; the translation
here adds what the schema cannot say: close matches, removed keys and YAML 1.1 boolean traps.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from jsonschema import ValidationError

from dagforge.checks.schedule_form import schedule_problem
from dagforge.checks.schema_words import (
    CALLBACK_HINT,
    ID_HINT,
    bad_id,
    callback,
    json_type,
    missing_alternatives,
    unsafe_type,
)
from dagforge.language.hints import did_you_mean
from dagforge.language.patterns import ID_CHARACTERS
from dagforge.language.removed import removed_key
from dagforge.language.schema import load_schema, validator
from dagforge.language.values import format_duration
from dagforge.load import Document, JsonPath
from dagforge.policy import Policy
from dagforge.problems import Problem

_GENERIC = {"required": "missing-key", "type": "wrong-type", "enum": "invalid-value"}
_HINTS = {
    "invalid-duration": "use digits with d, h, m, s units, e.g. 30s, 5m, 1h30m",
    "invalid-date": "use YYYY-MM-DD (or YYYY-MM-DDTHH:MM:SS), e.g. 2024-03-01",
    "invalid-cron": "five fields 'minute hour day month weekday' (e.g. '*/10 * * * *') or a "
    "preset such as @daily",
    "invalid-callable": "a dotted path such as callables.who.process_country",
    "instance-invalid-value": "instance fields are plain values: text, numbers or true/false",
    "invalid-task-id": ID_HINT,
    "invalid-callback": CALLBACK_HINT,
}
# What a value of each code should look like, in words (never the regular expression).
_FORMS = {
    "invalid-duration": "a duration such as 30s, 5m, 1h30m or 2d",
    "invalid-date": "a date such as 2024-03-01 or 2024-03-01T06:00:00",
    "invalid-cron": "a cron expression of five fields or a preset such as @daily",
    "invalid-callable": "a dotted path to a function, such as callables.who.process_country",
    "invalid-task-id": f"an id of {ID_CHARACTERS} only",
    "invalid-dag-id": f"a dag_id of {ID_CHARACTERS} only",
}


def schema_problems(
    doc: Document, definition: str | None = None, policy: Policy | None = None
) -> list[Problem]:
    """Schema problems of one file, each at the line of the offending key or value.

    ``definition`` names the ``$defs`` entry to check against (``dagDefaults`` for defaults.yml);
    ``__type__`` classes the project's ``policy`` adds are not problems.
    """
    if doc.data is None:
        return []
    if not isinstance(doc.data, dict):
        return [
            doc.problem(
                (),
                code="wrong-type",
                message="a config file must be a mapping of DAG ids (or default/templates)",
                hint="start the file with 'my_dag_id:' or 'templates:'",
            )
        ]
    errors = sorted(validator(definition).iter_errors(doc.data), key=_error_order)
    tagged = {p.path for p in doc.problems if p.code == "unsafe-tag"}  # already reported; now null
    problems = [
        p for error in errors for p in translate(doc, error, policy) if p.path not in tagged
    ]
    return unique(without_typo_echoes(problems))


def _error_order(error: ValidationError) -> tuple[str, str]:
    return (repr(list(error.absolute_path)), str(error.validator))


def without_typo_echoes(problems: list[Problem]) -> list[Problem]:
    """Drop "missing key 'x'" where a key beside it is a typo of 'x' or a removed key whose
    replacement is 'x': one mistake, one problem."""
    typos = {
        (p.path.rsplit(".", 1)[0], p.hint)
        for p in problems
        if p.code in ("unknown-key", "removed-key")
    }

    def echoed(problem: Problem) -> bool:
        name = problem.message.split("'")[1] if problem.message.count("'") >= 2 else ""
        return any(
            where == problem.path and (f"'{name}'" in hint or f"`{name}:" in hint)
            for where, hint in typos
        )

    return [p for p in problems if p.code != "missing-key" or not echoed(p)]


def unique(problems: Iterable[Problem]) -> list[Problem]:
    """One problem per (place, code): a pattern and a format failing on one value say the same
    thing.
    """
    seen: dict[tuple[str, str, str], Problem] = {}
    for problem in problems:
        seen.setdefault((problem.file, problem.path, problem.code), problem)
    return list(seen.values())


def translate(
    doc: Document, error: ValidationError, policy: Policy | None = None
) -> Iterator[Problem]:
    """The problems one schema error stands for (an ``additionalProperties`` error may name several
    keys).
    """
    path: JsonPath = tuple(error.absolute_path)
    code = _code(error, "")
    if code == "unsafe-type":
        if policy is None or not policy.allows_type(str(error.instance)):
            yield unsafe_type(doc, path, error, policy)
    elif code == "schedule-form":
        yield schedule_problem(doc, path)
    elif code == "invalid-callback" and error.validator in ("type", "required"):
        yield callback(doc, path, error)
    elif code in ("invalid-task-id", "invalid-dag-id") and error.validator in (
        "pattern",
        "maxLength",
    ):
        yield bad_id(doc, path, error, code)
    elif error.validator == "anyOf" and all(
        isinstance(option, dict) and set(option) == {"required"} for option in error.validator_value
    ):
        yield missing_alternatives(doc, path, error)
    elif code == "invalid-callable" and error.validator == "not":
        yield doc.problem(
            path,
            code="invalid-callable",
            message=f"'{path[-1]}' takes a Python function: dag-factory 1.1 passes the text "
            "to Airflow as is, so it cannot be set from YAML",
            hint="set it in Python (an operator of an allowed package that fills it), or remove it",
            key=True,
        )
    elif code == "invalid-dag-id":  # a propertyNames error: the key is the instance
        yield doc.problem(
            (*path, str(error.instance)),
            code="invalid-dag-id",
            message=f"'{error.instance}' is not a valid dag_id",
            hint="use letters, digits, '_', '.' and '-' only (at most 250)",
            key=True,
        )
    elif error.validator in ("additionalProperties", "unevaluatedProperties"):
        yield from _unknown_keys(doc, path, error)
    elif error.validator == "required":
        yield _missing(doc, path, error)
    elif error.validator == "type":
        yield _wrong_type(doc, path, error)
    elif error.validator == "enum":
        yield _enum(doc, path, error)
    else:
        yield _value(doc, path, error)


def _code(error: ValidationError, fallback: str) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    return str(schema.get("x-dagforge-code") or _GENERIC.get(str(error.validator), fallback))


def _unknown_keys(doc: Document, path: JsonPath, error: ValidationError) -> Iterator[Problem]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    schema = error.schema if isinstance(error.schema, dict) else {}
    allowed = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):  # keys a composed definition takes from its parts
        name = part.get("$ref", "").rsplit("/", 1)[-1] if isinstance(part, dict) else ""
        allowed |= set(load_schema()["$defs"].get(name, {}).get("properties", {}))
    for key in (k for k in instance if k not in allowed):
        if key == "python_callable_name" and "python_callable_file" in instance:
            continue  # one 0.x pair, one problem: the hint for the file key covers both
        removed = removed_key(key, instance[key], instance)
        if removed:
            yield doc.problem(
                (*path, key),
                code="removed-key",
                message=f"'{key}' is {removed[0]}",
                hint=removed[1],
                key=True,
            )
        else:
            yield doc.problem(
                (*path, key),
                code="unknown-key",
                message=f"unknown key '{key}'{_where(error)}",
                hint=did_you_mean(key, allowed),
                key=True,
            )


def _where(error: ValidationError) -> str:
    title = error.schema.get("title") if isinstance(error.schema, dict) else None
    return f" for {str(title).rsplit('.', 1)[-1]}" if title else ""


def _missing(doc: Document, path: JsonPath, error: ValidationError) -> Problem:
    missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
    return doc.problem(
        path,
        code="missing-key",
        message=f"missing required key '{missing}'{_where(error)}",
        hint=f"add '{missing}: ...' here",
        key=True,
    )


def _wrong_type(doc: Document, path: JsonPath, error: ValidationError) -> Problem:
    expected = (
        error.validator_value
        if isinstance(error.validator_value, list)
        else [error.validator_value]
    )
    written = doc.bool_traps.get(path)
    if written is not None and "string" in expected:
        return doc.problem(
            path,
            code="bool-trap",
            message=f"{written} was read as the boolean {str(error.instance).lower()} (YAML 1.1), "
            "but text is expected here",
            hint=f'quote it: "{written}"',
        )
    code = _code(error, "wrong-type")
    code = "wrong-type" if code in ("unknown-key", "missing-key") else code
    hint = (
        _seconds_hint(path, error.instance) if code == "invalid-duration" else _HINTS.get(code, "")
    )
    return doc.problem(
        path,
        code=code,
        message=f"expected {' or '.join(map(str, expected))}, got {json_type(error.instance)} "
        f"({error.instance!r})",
        hint=hint,
    )


def _seconds_hint(path: JsonPath, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and path:
        return f"durations are text with units: write `{path[-1]}: {format_duration(value)}`"
    return _HINTS["invalid-duration"]


def _enum(doc: Document, path: JsonPath, error: ValidationError) -> Problem:
    code, value = _code(error, "invalid-value"), error.instance
    allowed = [str(v) for v in error.validator_value]
    if code == "unknown-operator":
        return doc.problem(
            path,
            code=code,
            message=f"decorator '{value}' is not one dag-factory 1.1 builds tasks with",
            hint=did_you_mean(str(value), allowed),
        )
    return doc.problem(
        path,
        code=code,
        message=f"'{path[-1]}' cannot be {value!r}: it is one of {', '.join(allowed)}"
        if len(allowed) <= 8
        else f"'{path[-1]}' cannot be {value!r}",
        hint=did_you_mean(str(value), allowed),
    )


def _value(doc: Document, path: JsonPath, error: ValidationError) -> Problem:
    code = _code(error, "invalid-value")
    code = "invalid-value" if code in ("unknown-key", "missing-key", "unknown-operator") else code
    message = (
        str(error.cause) if error.validator == "format" and error.cause else _message(error, code)
    )
    return doc.problem(path, code=code, message=message, hint=_HINTS.get(code, ""))


def _message(error: ValidationError, code: str) -> str:
    if error.validator == "pattern":
        schema = error.schema if isinstance(error.schema, dict) else {}
        described = str(schema.get("description", "")).rstrip(".")
        form = _FORMS.get(code) or (f"of this form: {described}" if described else "")
        return f"{error.instance!r} is not {form or 'of the form this key takes'}"
    if error.validator == "minimum":
        return (
            f"{error.instance!r} is too small: the least this key takes is {error.validator_value}"
        )
    return str(error.message)
