"""Point findings in expanded DAGs back at the YAML that produced them.

A value written in the instance (or a plain DAG entry) is reported at its own line. A value that
comes from the template body is reported at the instance line, naming the template line; when
several instances share the very same finding (one typo in the template), it is reported once, at
the first of them, with the count, instead of once per DAG.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from dagforge.codes import Severity
from dagforge.expand import ExpandedDag
from dagforge.load import Document, JsonPath
from dagforge.problems import Problem


@dataclass(frozen=True, kw_only=True)
class Finding:
    """Something wrong at ``cpath`` inside the expanded config of ``dag``; located later."""

    dag: ExpandedDag
    cpath: JsonPath
    code: str
    message: str
    hint: str = ""
    key: bool = False
    severity: Severity | Literal[""] = ""


def _known(doc: Document, path: JsonPath) -> bool:
    return path in doc.values or path in doc.keys


def locate(doc: Document, findings: Iterable[Finding]) -> list[Problem]:
    """One problem per finding at the line the offending value was written: the instance or entry
    itself, else once per group of DAGs sharing it through the template body or the file's
    ``default:`` block."""
    problems: list[Problem] = []
    shared: dict[tuple[object, ...], list[Finding]] = {}
    for found in findings:
        source = _source(doc, found)
        if source == "entry":
            problems.append(_own_line(doc, found))
            continue
        template = found.dag.origin.template_path if source == "template" else None
        key = (source, template, found.cpath, found.code, found.message, found.hint)
        shared.setdefault((*key, found.severity), []).append(found)
    for sharing in shared.values():
        report = _from_default if _source(doc, sharing[0]) == "default" else _from_template
        problems.append(report(doc, sharing))
    return problems


def _source(doc: Document, found: Finding) -> str:
    """Where the value a finding is about was written: ``entry`` (the DAG's own entry or instance),
    ``template`` (the template body) or ``default`` (the file's default block)."""
    origin, cpath = found.dag.origin, found.cpath
    own = (
        (*origin.path, "dag", *cpath)
        if origin.template_path is not None
        else (*origin.path, *cpath)
    )
    if _known(doc, own):
        return "entry"
    if origin.template_path is not None and _known(doc, (*origin.template_path, "dag", *cpath)):
        return "template"
    if _known(doc, ("default", *cpath)):
        return "default"
    return "entry" if origin.template_path is None else "template"


def _which(group: list[Finding]) -> str:
    first = group[0].dag.dag_id
    return f"DAG '{first}'" if len(group) == 1 else f"{len(group)} DAGs, first '{first}',"


def _from_default(doc: Document, group: list[Finding]) -> Problem:
    first = group[0]
    return doc.problem(
        ("default", *first.cpath),
        code=first.code,
        message=f"{first.message} (in {_which(group)} inheriting it from the default block)",
        hint=first.hint,
        key=first.key,
        severity=first.severity,
    )


def _own_line(doc: Document, found: Finding) -> Problem:
    origin = found.dag.origin
    if origin.template_path is None:
        path = (*origin.path, *found.cpath)
        return doc.problem(
            path if _known(doc, path) else origin.path,
            code=found.code,
            message=found.message,
            hint=found.hint,
            key=found.key,
            severity=found.severity,
        )
    return doc.problem(
        (*origin.path, "dag", *found.cpath),
        code=found.code,
        message=f"{found.message} (in DAG '{found.dag.dag_id}')",
        hint=found.hint,
        key=found.key,
        severity=found.severity,
    )


def _from_template(doc: Document, group: list[Finding]) -> Problem:
    first = group[0]
    origin = first.dag.origin
    in_template = (*(origin.template_path or ()), "dag", *first.cpath)
    line = (
        doc.mark(in_template, key=first.key).line
        if _known(doc, in_template)
        else origin.template_line
    )
    return doc.problem(
        origin.path,
        code=first.code,
        message=f"{first.message} (in {_which(group)} from the template at line {line})",
        hint=first.hint,
        severity=first.severity,
    )
