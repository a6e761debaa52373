"""Arguments a callable checks itself: a source's contract (columns, file format, partition).

A module of an allowed package may map function names to argument checkers in
``ARGUMENT_CHECKS`` (see :data:`dagforge.settings.CALLABLE_ARGUMENT_CHECKS`): each takes the
task's ``op_kwargs`` and returns issues with ``argument``, ``line`` (counted from 0 within the
argument's text), ``kind``, ``message`` and ``hint``. The grammar lives with the callable, once,
and ``validate`` reports each issue at the exact line it is on: a column of a ``columns: |`` block
in an instance is reported at its own line, not at the instance.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import cache
from typing import Any, Protocol

from dagforge.checks.base import FileContext
from dagforge.checks.callables import resolve
from dagforge.expand import ExpandedDag
from dagforge.language.walk import tasks_of
from dagforge.load import Document, JsonPath, format_path, value_at
from dagforge.problems import Problem
from dagforge.settings import CALLABLE_ARGUMENT_CHECKS

_LONE_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Issue(Protocol):
    argument: str
    line: int
    kind: str
    message: str
    hint: str


Checker = Callable[[Mapping[str, Any]], Iterable[Issue]]


def check_contracts(file: FileContext) -> list[Problem]:
    """Every issue the callables' own argument checkers find, once per place it is written (a
    template's mistake is one problem, not one per instance)."""
    found: dict[Problem, list[str]] = {}
    for dag in file.dags:
        for _, path, task in tasks_of(dag.config):
            checker = _checker(task.get("python_callable"), file.packages)
            kwargs = task.get("op_kwargs")
            if checker is None or not isinstance(kwargs, dict):
                continue
            for issue in checker(kwargs):
                problem = _problem(file.doc, dag, (*path, "op_kwargs", issue.argument), issue)
                found.setdefault(problem, []).append(dag.dag_id)
    return [
        replace(problem, message=f"{problem.message} (in {_which(dag_ids)})")
        for problem, dag_ids in found.items()
    ]


def _which(dag_ids: list[str]) -> str:
    return dag_ids[0] if len(dag_ids) == 1 else f"{len(dag_ids)} DAGs, first {dag_ids[0]}"


@cache
def _checker(dotted: Any, packages: tuple[str, ...]) -> Checker | None:
    """The argument checker of an allowed, importable callable, if its module declares one."""
    if not isinstance(dotted, str) or "." not in dotted:
        return None
    if resolve(dotted, packages).signature is None:
        return None  # the callables check reports why
    module_name, _, name = dotted.rpartition(".")
    checkers = getattr(importlib.import_module(module_name), CALLABLE_ARGUMENT_CHECKS, {})
    checker = checkers.get(name) if isinstance(checkers, dict) else None
    return checker if callable(checker) else None


def written_at(doc: Document, dag: ExpandedDag, cpath: JsonPath) -> JsonPath:
    """Where the value at ``cpath`` of an expanded DAG was written: the DAG's own entry or
    instance, the instance field a template's lone ``{placeholder}`` takes it from, the template,
    or the file's ``default:`` block."""
    origin = dag.origin
    own = (*origin.path, "dag", *cpath) if origin.template_path else (*origin.path, *cpath)
    if own in doc.values:
        return own
    if origin.template_path is not None:
        in_template = (*origin.template_path, "dag", *cpath)
        text = value_at(doc.data, in_template)
        lone = _LONE_PLACEHOLDER.fullmatch(text) if isinstance(text, str) else None
        if lone and (*origin.path, lone.group(1)) in doc.values:
            return (*origin.path, lone.group(1))
        if in_template in doc.values:
            return in_template
    return ("default", *cpath) if ("default", *cpath) in doc.values else origin.path


def _problem(doc: Document, dag: ExpandedDag, cpath: JsonPath, issue: Issue) -> Problem:
    path = written_at(doc, dag, cpath)
    value, mark = value_at(doc.data, path), doc.mark(path)
    # A multi-line value is a block scalar (``columns: |``): its text starts on the next line.
    block = isinstance(value, str) and "\n" in value.rstrip("\n") and issue.line >= 0
    line = mark.line + 1 + issue.line if block else mark.line
    column = doc.mark(path, key=True).column + 2 if block else mark.column
    problem = Problem(
        file=doc.file,
        line=line,
        column=column,
        path=format_path(path),
        code="contract-invalid",
        message=issue.message,
        hint=issue.hint,
    )
    if issue.kind == "type":
        return replace(problem, code="contract-unknown-type")
    if issue.kind == "option":
        return replace(problem, code="contract-unknown-option")
    return replace(problem, code="contract-partition") if issue.kind == "partition" else problem
