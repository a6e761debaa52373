"""Schema errors about dag-factory's own forms, said in words: ids, callbacks, ``__type__``
classes, and the keys a task needs. Part of the schema check (:mod:`.schema_errors`)."""

from __future__ import annotations

from jsonschema import ValidationError

from dagforge.language.patterns import ID_CHARACTERS, ID_MAX_LENGTH
from dagforge.load import Document, JsonPath
from dagforge.policy import Policy
from dagforge.problems import Problem

ID_HINT = f"use {ID_CHARACTERS} only (at most {ID_MAX_LENGTH})"
CALLBACK_HINT = (
    "one callback: `on_failure_callback: callables.notify.x`, or "
    "`{callback: callables.notify.x, <param>: <value>}`; to run several, write one function "
    "that calls them"
)
_JSON_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    type(None): "null",
}


def json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def unsafe_type(
    doc: Document, path: JsonPath, error: ValidationError, policy: Policy | None
) -> Problem:
    value = error.instance
    datasets = isinstance(value, str) and value.startswith("airflow.datasets.")
    setting = policy.setting("types") if policy else "`types` in dagforge.toml"
    return doc.problem(
        path,
        code="unsafe-type",
        message=f"__type__ '{value}' "
        + (
            "does not exist on Airflow 3 (Datasets became Assets)"
            if datasets
            else "is not allowed: dagforge never imports arbitrary classes from config"
        ),
        hint="write airflow.sdk.Asset (or airflow.sdk.AssetAlias)"
        if datasets
        else "allowed: datetime, timedelta, Assets and Airflow timetables "
        f"(docs/config-reference.md); a project admits more with {setting}",
    )


def callback(doc: Document, path: JsonPath, error: ValidationError) -> Problem:
    got = json_type(error.instance)
    why = "a list of callbacks" if got == "array" else f"a {got}"
    if error.validator == "required":
        why = "a mapping without `callback:`"
    return doc.problem(
        path,
        code="invalid-callback",
        message=f"dag-factory 1.1 cannot build {why} here: it takes one callback per key",
        hint=CALLBACK_HINT,
    )


def bad_id(doc: Document, path: JsonPath, error: ValidationError, code: str) -> Problem:
    what = (
        "dag_id"
        if code == "invalid-dag-id"
        else "task_id"
        if path[-1:] == ("task_id",)
        else ("task group name")
    )
    too_long = error.validator == "maxLength"
    # A DAG's key is checked as a property name: the error's path is the mapping holding it.
    as_key = code == "invalid-dag-id" and path[-1:] != ("dag_id",)
    return doc.problem(
        (*path, str(error.instance)) if as_key else path,
        key=as_key,
        code=code,
        message=f"{what} '{error.instance}' "
        + (
            f"is longer than {ID_MAX_LENGTH} characters"
            if too_long
            else f"may hold only {ID_CHARACTERS}: Airflow refuses it"
        ),
        hint=ID_HINT,
    )


def missing_alternatives(doc: Document, path: JsonPath, error: ValidationError) -> Problem:
    instance = error.instance if isinstance(error.instance, dict) else {}
    if "operator" not in instance and "decorator" not in instance:
        message, hint = (
            "a task needs `operator:` (or `decorator:` for a TaskFlow task)",
            (
                "add 'operator: ...' here, e.g. "
                "airflow.providers.standard.operators.bash.BashOperator"
            ),
        )
    else:
        message = (
            "missing required key 'python_callable' (or python_callable_name with "
            "python_callable_file)"
        )
        hint = "add 'python_callable: ...' here, e.g. callables.who.process_country"
    return doc.problem(path, code="missing-key", message=message, hint=hint, key=True)
