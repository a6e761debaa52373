"""Checks of a file as written that the schema cannot make: misspelled sections, Airflow 2 operator
paths.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from dagforge.language.dagfactory import DECORATOR_ALIASES
from dagforge.language.keys import SECTIONS
from dagforge.language.schema import operator_aliases
from dagforge.load import Document, JsonPath, value_at
from dagforge.problems import Problem


def deprecated_operator_paths(doc: Document) -> list[Problem]:
    """Airflow 2 import paths still work on Airflow 3 but warn on every parse; name the new path."""
    aliases = _aliases()
    return [
        doc.problem(
            path,
            code="operator-path-deprecated",
            message=f"'{value}' is an Airflow 2 import path, deprecated in Airflow 3",
            hint=f"write '{aliases[value]}' (dagforge migrate does it)",
            severity="warning",
        )
        for path, value in _operators(doc)
    ]


def _operators(doc: Document) -> Iterator[tuple[JsonPath, str]]:
    aliases = _aliases()
    for path in doc.values:
        if path and path[-1] in ("operator", "decorator"):
            value = value_at(doc.data, path)
            if isinstance(value, str) and value in aliases:
                yield path, value


def _aliases() -> dict[str, str]:
    """Airflow 2 paths of operators and of the TaskFlow decorator → their Airflow 3 path."""
    return {**operator_aliases(), **DECORATOR_ALIASES}


def top_level_task_groups(doc: Document) -> list[Problem]:
    """dag-factory skips a top-level ``task_groups:`` (no DAG, no groups anywhere): say so."""
    if "task_groups" not in doc.data:
        return []
    return [
        doc.problem(
            ("task_groups",),
            code="ignored-key",
            message="a top-level task_groups is ignored: dag-factory reads it as neither a DAG "
            "nor groups of any DAG",
            hint="move it under default: (every DAG of the file) or under a DAG",
            key=True,
            severity="warning",
        )
    ]


def misspelled_sections(doc: Document) -> list[Problem]:
    """``defualt:`` or ``template:`` read as a DAG id: say what it is close to instead of "tasks
    missing".
    """
    problems = []
    for key, value in doc.data.items():
        if key in SECTIONS or not isinstance(value, dict) or "tasks" in value:
            continue
        match = difflib.get_close_matches(key, SECTIONS, n=1, cutoff=0.75)
        if match:
            problems.append(
                doc.problem(
                    (key,),
                    code="unknown-key",
                    message=f"unknown top-level key '{key}' (read as a DAG without tasks)",
                    hint=f"did you mean '{match[0]}'?",
                    key=True,
                )
            )
    return problems
