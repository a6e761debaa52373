"""``variables.yml`` itself: its schema, no secret in plain text, values only for declared
profiles, and a value (or ``secret: true``) for every profile."""

from __future__ import annotations

from dagforge.checks.schema_errors import translate, unique
from dagforge.language.hints import did_you_mean
from dagforge.language.variables import secret_hint, validator
from dagforge.load import Document
from dagforge.problems import Problem
from dagforge.secrets import sensitive


def variables_file_problems(doc: Document) -> list[Problem]:
    """Every problem of a loaded ``variables.yml``, each at its line."""
    if doc.data is None:
        return list(doc.problems)
    errors = sorted(validator().iter_errors(doc.data), key=lambda e: repr(list(e.absolute_path)))
    schema = unique(p for error in errors for p in translate(doc, error))
    if schema or not isinstance(doc.data, dict):
        return [*doc.problems, *schema]
    profiles = [str(p) for p in doc.data["profiles"]]
    problems = list(doc.problems)
    for key, entry in doc.data["variables"].items():
        problems.extend(_entry_problems(doc, str(key), entry, profiles))
    return problems


def _entry_problems(
    doc: Document, key: str, entry: dict[str, object], profiles: list[str]
) -> list[Problem]:
    path = ("variables", key)
    has_value = "value" in entry or "values" in entry
    if entry.get("secret") is True or (sensitive(key) and has_value):
        return _secret_problems(doc, key, entry) if has_value else []
    if "value" in entry and "values" in entry:
        return [
            doc.problem(
                (*path, "values"),
                code="invalid-value",
                message=f"'{key}' has both `value` (every profile) and `values` (per profile)",
                hint="keep one: `value` when every profile holds the same",
                key=True,
            )
        ]
    values = entry.get("values") if isinstance(entry.get("values"), dict) else {}
    assert isinstance(values, dict)
    problems = [
        doc.problem(
            (*path, "values", name),
            code="variable-unknown-profile",
            message=f"'{key}' has a value for profile '{name}', which `profiles` does not list",
            hint=did_you_mean(str(name), profiles) or "add it to `profiles`",
            key=True,
        )
        for name in values
        if name not in profiles
    ]
    missing = [p for p in profiles if p not in values] if "value" not in entry else []
    if missing:
        problems.append(
            doc.problem(
                path,
                code="variable-no-value",
                message=f"'{key}' has no value for profile(s) {', '.join(missing)}: "
                "`variables sync` leaves it as it is there",
                hint="add the value under `values`, or `value` for every profile",
                key=True,
            )
        )
    return problems


def _secret_problems(doc: Document, key: str, entry: dict[str, object]) -> list[Problem]:
    field = "value" if "value" in entry else "values"
    why = "is marked secret" if entry.get("secret") is True else "looks like a secret"
    return [
        doc.problem(
            ("variables", key, field),
            code="variable-secret-value",
            message=f"'{key}' {why}, and its value is written here in plain text (it would end "
            "up in git, the MWAA bundle and the Airflow UI)",
            hint=secret_hint(key),
            key=True,
        )
    ]
