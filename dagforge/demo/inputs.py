"""Where each DAG reads its input, for a local run: landing a file there, or sample data.

A callables module declares, per function, where a task reads (``INPUTS``, see
:data:`dagforge.settings.CALLABLE_INPUTS`) from the task's arguments. The arguments are rendered
here as a local run would render them: ``ds``, the run's ``conf`` (``dag_run.conf`` and
``params``) and the data bucket Variable. Anything else a template needs makes the input unknown,
with the reason, instead of a guess.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from dagforge.language.walk import tasks_of
from dagforge.settings import CALLABLE_INPUTS, DEFAULT_CALLABLE_PACKAGES, SAMPLES_DIR_NAME


@dataclass(frozen=True)
class DagInput:
    """One task's input: its S3 key, or why it cannot be told."""

    dag_id: str
    task_id: str
    callable: str
    arguments: Mapping[str, Any]
    key: str = ""
    problem: str = ""


def run_context(ds: str, bucket: str, conf: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a local run's templates may use: the logical date (also as the run's, so that
    ``(dag_run.logical_date or dag_run.run_after) | ds`` works), the conf, the bucket Variable."""
    conf = dict(conf or {})
    day = datetime.fromisoformat(ds).replace(tzinfo=UTC)
    return {
        "ds": ds,
        "ds_nodash": ds.replace("-", ""),
        "dag_run": SimpleNamespace(conf=conf, logical_date=day, run_after=day),
        "params": conf,
        "var": {"value": {"dagforge_data_bucket": bucket}, "json": {}},
    }


# Airflow's date filters (``{{ dag_run.run_after | ds }}``), for rendering without Airflow.
DATE_FILTERS = {
    "ds": lambda moment: moment.strftime("%Y-%m-%d") if moment else None,
    "ds_nodash": lambda moment: moment.strftime("%Y%m%d") if moment else None,
}


def render(value: Any, context: Mapping[str, Any]) -> Any:
    """``value`` with every Jinja string rendered (sandboxed; an unknown name raises)."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    if isinstance(value, str) and ("{{" in value or "{%" in value):
        env = SandboxedEnvironment(undefined=StrictUndefined)
        env.filters.update(DATE_FILTERS)
        return env.from_string(value).render(**context)
    if isinstance(value, Mapping):
        return {key: render(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item, context) for item in value]
    return value


def inputs_of(
    dag_id: str,
    config: Mapping[str, Any],
    context: Mapping[str, Any],
    packages: tuple[str, ...] = DEFAULT_CALLABLE_PACKAGES,
) -> list[DagInput]:
    """The inputs of every task of a DAG whose callable declares where it reads."""
    from jinja2 import TemplateError

    found: list[DagInput] = []
    for task_id, _, task in tasks_of(config):
        where = _where(task.get("python_callable"), packages)
        if where is None:
            continue
        given = task.get("op_kwargs")
        kwargs: dict[str, Any] = given if isinstance(given, dict) else {}
        about = {"dag_id": dag_id, "task_id": task_id, "callable": task["python_callable"]}
        try:
            arguments = render(kwargs, context)
            found.append(DagInput(**about, arguments=arguments, key=str(where(arguments))))
        except (TemplateError, KeyError, ValueError) as exc:
            found.append(
                DagInput(**about, arguments=kwargs, problem=f"{type(exc).__name__}: {exc}")
            )
    return found


def _where(dotted: Any, packages: tuple[str, ...]) -> Any:
    if not isinstance(dotted, str) or not any(dotted.startswith(f"{p}.") for p in packages):
        return None  # only allow-listed modules are ever imported
    module_name, _, name = dotted.rpartition(".")
    try:
        declared = getattr(importlib.import_module(module_name), CALLABLE_INPUTS, {})
    except ImportError:
        return None  # validate reports it
    return declared.get(name) if isinstance(declared, dict) else None


def sample_file(project_dir: Path | None, dag_id: str) -> Path | None:
    """The one file under ``samples/<dag_id>/`` (what ``dagforge new source`` keeps), if any."""
    folder = project_dir / SAMPLES_DIR_NAME / dag_id if project_dir else None
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder and folder.is_dir() else []
    return files[0] if len(files) == 1 else None
