"""Point a problem found in an expanded DAG back at the YAML that produced it.

A value written in the instance (or a plain DAG entry) is reported at its own line. A value that
comes from the template body is reported at the instance line, naming the template line, so each
broken DAG is visible and the fix is one look away.
"""

from __future__ import annotations

from dagforge.expand import ExpandedDag
from dagforge.problems import Problem
from dagforge.yamlload import Document, JsonPath


def _known(doc: Document, path: JsonPath) -> bool:
    return path in doc.values or path in doc.keys


def dag_problem(doc: Document, dag: ExpandedDag, cpath: JsonPath, code: str, message: str, hint: str = "",
                *, key: bool = False, severity: str = "error") -> Problem:
    """A problem at ``cpath`` inside the config of ``dag``, located in ``doc``."""
    origin = dag.origin
    if origin.template_path is None:
        path = (*origin.path, *cpath)
        return doc.problem(path if _known(doc, path) else origin.path, code, message, hint, key=key,
                           severity=severity)
    override = (*origin.path, "dag", *cpath)
    if _known(doc, override):
        return doc.problem(override, code, f"{message} (in DAG '{dag.dag_id}')", hint, key=key, severity=severity)
    in_template = (*origin.template_path, "dag", *cpath)
    line = doc.mark(in_template, key=key).line if _known(doc, in_template) else origin.template_line
    return doc.problem(origin.path, code, f"{message} (in DAG '{dag.dag_id}' from the template at line {line})",
                       hint, severity=severity)
