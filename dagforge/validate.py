"""Check loaded documents against the schema and the expanded DAGs against each other."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from jsonschema import ValidationError

from dagforge.expand import ExpandedDag
from dagforge.problems import Problem
from dagforge.schema import validator
from dagforge.yamlload import Document, JsonPath


def check_document(doc: Document, definition: str | None = None) -> list[Problem]:
    """Schema problems of one file, each at the line of the offending key or value.

    ``definition`` names the ``$defs`` entry to check against (``dagDefaults`` for defaults.yml).
    """
    if doc.data is None:
        return []
    errors = validator(definition).iter_errors(doc.data)
    return [_schema_problem(doc, error) for error in _leaf_errors(errors)]


def _leaf_errors(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    for error in errors:
        if error.context:
            best = min(error.context, key=lambda e: (-len(e.absolute_path), e.validator != "type"))
            yield best
        else:
            yield error


def _schema_problem(doc: Document, error: ValidationError) -> Problem:
    path: JsonPath = tuple(error.absolute_path)
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        return _unknown_key(doc, path, error)
    return doc.problem(path, f"schema-{error.validator}", error.message)


def _unknown_key(doc: Document, path: JsonPath, error: ValidationError) -> Problem:
    instance = error.instance if isinstance(error.instance, dict) else {}
    allowed = set(error.schema.get("properties", {}))
    unknown = sorted(key for key in instance if key not in allowed) or ["?"]
    key = unknown[0]
    return doc.problem((*path, key), "unknown-key", f"unknown key '{key}'", key=True)


def check_dag_ids(dags: Iterable[ExpandedDag]) -> list[Problem]:
    """A dag_id defined twice, within one file or across files."""
    seen: dict[str, ExpandedDag] = {}
    problems = []
    for dag in dags:
        first = seen.setdefault(dag.dag_id, dag)
        if first is not dag:
            problems.append(Problem(dag.origin.file, dag.origin.line, 1, "$", "duplicate-dag-id",
                                    f"dag_id '{dag.dag_id}' is already defined at {first.origin.describe()}",
                                    "rename one of them; dag_ids must be unique across the project"))
    return problems
