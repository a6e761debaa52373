"""Check loaded documents against the schema and the expanded DAGs against each other.

Two entry points per file: :func:`check_document` (the file as written: schema, template
instances, section names, operator paths) and :func:`check_dags` (the DAGs it expands to: dag ids,
task graph, schedules, callables). Both return problems, never raise, and never import Airflow;
each check lives in its own module under ``dagforge/checks/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from jsonschema import ValidationError

from dagforge.checks.callables import check_callables
from dagforge.checks.document import deprecated_operator_paths, misspelled_sections
from dagforge.checks.graph import check_graph
from dagforge.checks.instances import check_instances
from dagforge.checks.schedules import check_schedule_form
from dagforge.checks.schema_errors import translate
from dagforge.checks.where import Finding, locate
from dagforge.expand import ExpandedDag
from dagforge.language.patterns import valid_id
from dagforge.language.schema import validator
from dagforge.load import Document
from dagforge.problems import Problem
from dagforge.settings import DEFAULT_CALLABLE_PACKAGES


def check_document(doc: Document, definition: str | None = None) -> list[Problem]:
    """Schema and template-instance problems of one file, each at the line of the offending key or
    value.

    ``definition`` names the ``$defs`` entry to check against (``dagDefaults`` for defaults.yml).
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
        problem
        for error in errors
        for problem in translate(doc, error)
        if problem.path not in tagged
    ]
    if definition is None:
        typos = misspelled_sections(doc)
        hidden = tuple(
            f"{p.path}." for p in typos
        )  # what the schema says about a "DAG" that is a typo
        problems = typos + [p for p in problems if not f"{p.path}.".startswith(hidden)]
        problems.extend(check_instances(doc))
        problems.extend(deprecated_operator_paths(doc))
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


def check_dags(
    doc: Document, dags: Iterable[ExpandedDag], packages: Sequence[str] = DEFAULT_CALLABLE_PACKAGES
) -> list[Problem]:
    """Problems of the expanded DAGs of one file: dag ids, task graph, schedules and callables,
    located in ``doc``.
    """
    problems: list[Problem] = []
    findings: list[Finding] = []
    for dag in dags:
        if dag.origin.template_path is not None and not valid_id(dag.dag_id):
            problems.append(
                doc.problem(
                    dag.origin.path,
                    code="invalid-dag-id",
                    message=f"the template makes dag_id '{dag.dag_id}', which Airflow rejects",
                    hint="use instance values with letters, digits, '_', '.' and '-' only, or a "
                    "filter such as {name|slug}",
                )
            )
        findings.extend(check_graph(dag))
        findings.extend(check_schedule_form(dag))
        findings.extend(check_callables(doc, dag, packages))
    return problems + locate(doc, findings)


def check_dag_ids(dags: Iterable[ExpandedDag]) -> list[Problem]:
    """A dag_id defined twice, within one file or across files."""
    seen: dict[str, ExpandedDag] = {}
    problems = []
    for dag in dags:
        first = seen.setdefault(dag.dag_id, dag)
        if first is not dag:
            problems.append(
                Problem(
                    file=dag.origin.file,
                    line=dag.origin.line,
                    column=1,
                    code="duplicate-dag-id",
                    message=f"dag_id '{dag.dag_id}' is already defined at "
                    f"{first.origin.describe()}",
                    hint="rename one of them; dag_ids must be unique across the project",
                )
            )
    return problems
