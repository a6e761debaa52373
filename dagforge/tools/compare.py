"""Build the same config files with plain dag-factory 1.1 and with dagforge, and compare.

For every file: plain dag-factory (``load_yaml_dags`` on that file, with the same ``defaults.yml``
root) either builds its DAGs or fails; a DAG counts as built only when Airflow would import it too
(its timetable validates, it has no cycle, it serialises). Then dagforge validates the file and,
when it finds no error, builds it as the loader does. The verdicts:

- ``same``: both build, and every DAG is equal: its serialised form (task ids, classes, templated
  fields, edges, timetable, default_args, params, tags, ...) and its callbacks; only ``doc_md``
  differs by design (dagforge never dumps the config into the docs);
- ``refused``: dag-factory cannot build it and dagforge reports an error;
- ``templates``: a file with dagforge templates, which plain dag-factory does not read;
- ``datasets``: a dag-factory datasets file (names to URIs for ``file:``), no DAG of its own;
- ``differs``, ``rejected`` (dagforge refuses what dag-factory builds) and ``accepted`` (dagforge
  accepts what dag-factory cannot build) are failures.

Imports Airflow and dag-factory: a developer tool, never part of the MWAA bundle.
"""

from __future__ import annotations

import functools
import inspect
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagforge.build import build_dags
from dagforge.load import load_file
from dagforge.problems import Problem
from dagforge.project import datasets_file, load_project, project_root
from dagforge.settings import disable_telemetry

VERDICTS_OK = ("same", "refused", "datasets", "templates")
_VOLATILE = frozenset({"fileloc", "relative_fileloc", "doc_md", "_processor_dags_folder"})


@dataclass
class Comparison:
    """One file through both tools."""

    path: Path
    verdict: str = ""
    dag_ids: list[str] = field(default_factory=list)
    dagfactory_error: str = ""
    problems: list[Problem] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.verdict in VERDICTS_OK


def plain_dagfactory(path: Path, root: Path) -> dict[str, Any]:
    """The DAGs plain dag-factory builds from ``path`` (raises what it or Airflow raises)."""
    disable_telemetry()
    from dagfactory.dagfactory import _DagFactory

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.ERROR)
        try:
            dags: dict[str, Any] = _DagFactory(
                str(path), defaults_config_path=str(root)
            ).build_dags()
        finally:
            logging.disable(logging.NOTSET)
    for dag in dags.values():
        importable(dag)
    return dags


def importable(dag: Any) -> None:
    """What Airflow's DAG processor does to a DAG after the file returns it (raises when it
    would refuse the DAG)."""
    from airflow.serialization.serialized_objects import DagSerialization

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dag.validate()
        dag.check_cycle()
        DagSerialization.to_dict(dag)


def dagforge_dags(path: Path, root: Path) -> tuple[list[Problem], dict[str, Any]]:
    """dagforge's problems for ``path``, and the DAGs its loader builds when there is no error."""
    project = load_project([path], root)
    errors = [p for p in project.report.sorted() if p.severity == "error"]
    if errors:
        return project.report.sorted(), {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        built = build_dags(project.dags(), policy=project.policy)
    failures = [
        Problem(file=str(path), code="build-failed", message=f"{dag_id}: {text}")
        for dag_id, text in built.failures.items()
    ]
    return [*project.report.sorted(), *failures], built.dags


def compare_file(path: Path, root: Path | None = None) -> Comparison:
    root = (root or project_root([path])).resolve()
    result = Comparison(path)
    data = load_file(path).data
    if datasets_file(data):  # read by `file:` references, no DAG of its own
        result.verdict = "datasets"
        return result
    if isinstance(data, dict) and "templates" in data:  # dagforge's own language: no counterpart
        result.verdict = "templates"
        return result
    try:
        theirs = plain_dagfactory(path.resolve(), root)
    except Exception as exc:  # dag-factory or Airflow refused the file: that is the finding
        result.dagfactory_error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        theirs = None
    result.problems, ours = dagforge_dags(path, root)
    refused = any(p.severity == "error" for p in result.problems)
    if theirs is None:
        result.verdict = "refused" if refused else "accepted"
        return result
    if refused:
        result.verdict = "rejected"
        return result
    result.dag_ids = sorted(theirs)
    result.differences = differences(theirs, ours)
    result.verdict = "differs" if result.differences else "same"
    return result


def differences(theirs: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    """What differs between two sets of DAGs, one line per difference ([] when equal)."""
    found = [f"only dag-factory builds '{d}'" for d in sorted(set(theirs) - set(ours))]
    found += [f"only dagforge builds '{d}'" for d in sorted(set(ours) - set(theirs))]
    for dag_id in sorted(set(theirs) & set(ours)):
        found += [
            f"{dag_id}: {line}"
            for line in _diff(describe(theirs[dag_id]), describe(ours[dag_id]), "")
        ]
    return found


def describe(dag: Any) -> dict[str, Any]:
    """A DAG as plain data: its serialised form (what the scheduler and UI see) and its callbacks
    (the serialised form only says whether there are any)."""
    from airflow.serialization.serialized_objects import DagSerialization

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = DagSerialization.to_dict(dag)["dag"]
    plain = {k: v for k, v in data.items() if k not in _VOLATILE}
    plain["callbacks"] = {
        "dag": _callbacks(dag, ("on_success_callback", "on_failure_callback")),
        "default_args": _callbacks_of_mapping(dag.default_args),
        **{task.task_id: _task_callables(task) for task in dag.tasks},
    }
    return plain


_TASK_CALLBACKS = tuple(
    f"on_{k}_callback" for k in ("execute", "success", "failure", "retry", "skipped")
)


def _callbacks(owner: Any, names: Sequence[str]) -> dict[str, Any]:
    return {name: callable_name(getattr(owner, name, None)) for name in names}


_TASK_FUNCTIONS = ("python_callable", "execution_date_fn", "response_check", "success", "failure")


def _task_callables(task: Any) -> dict[str, Any]:
    """A task's callbacks and the functions dag-factory resolves into its arguments."""
    return _callbacks(task, (*_TASK_CALLBACKS, *_TASK_FUNCTIONS))


def _callbacks_of_mapping(mapping: Any) -> dict[str, Any]:
    items = mapping.items() if isinstance(mapping, dict) else []
    return {k: callable_name(v) for k, v in items if k.endswith("_callback")}


def callable_name(value: Any) -> Any:
    """A callback as text that is equal for equal callbacks (a function by its qualified name, a
    partial with its arguments, a notifier by its class and fields)."""
    if isinstance(value, list):
        return [callable_name(item) for item in value]
    if isinstance(value, functools.partial):
        return [callable_name(value.func), repr(value.args), repr(sorted(value.keywords.items()))]
    if inspect.isfunction(value) or inspect.isclass(value):
        return f"{value.__module__}.{value.__qualname__}"
    if value is not None and hasattr(value, "notify"):
        return [callable_name(type(value)), repr(sorted(vars(value).items()))]
    return repr(value) if value is not None else None


def _diff(left: Any, right: Any, where: str) -> list[str]:
    if isinstance(left, dict) and isinstance(right, dict):
        lines: list[str] = []
        for key in sorted(set(left) | set(right), key=str):
            lines += _diff(left.get(key, "<absent>"), right.get(key, "<absent>"), f"{where}.{key}")
        return lines
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [
            line
            for i, (a, b) in enumerate(zip(left, right, strict=True))
            for line in _diff(a, b, f"{where}[{i}]")
        ]
    return [] if left == right else [f"{where or '.'}: dag-factory {left!r} != dagforge {right!r}"]
