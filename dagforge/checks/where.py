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
    """One problem per finding, or per group of instances sharing a finding of their template's
    body.
    """
    problems: list[Problem] = []
    shared: dict[tuple[object, ...], list[Finding]] = {}
    for found in findings:
        origin = found.dag.origin
        if origin.template_path is None or _known(doc, (*origin.path, "dag", *found.cpath)):
            problems.append(_own_line(doc, found))
        else:
            group = (
                origin.template_path,
                found.cpath,
                found.code,
                found.message,
                found.hint,
                found.severity,
            )
            shared.setdefault(group, []).append(found)
    problems.extend(_from_template(doc, group) for group in shared.values())
    return problems


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
    which = (
        f"DAG '{first.dag.dag_id}'"
        if len(group) == 1
        else f"{len(group)} DAGs, first '{first.dag.dag_id}',"
    )
    return doc.problem(
        origin.path,
        code=first.code,
        message=f"{first.message} (in {which} from the template at line {line})",
        hint=first.hint,
        severity=first.severity,
    )
