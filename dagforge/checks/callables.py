"""Callables named in task configs: allowed package, resolvable, and called with matching arguments.

Only modules inside the allowed packages are ever imported (callables import Airflow lazily, inside
their functions, so this stays cheap and Airflow-free); anything else is rejected by name alone.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag
from dagforge.language.hints import close_matches, did_you_mean
from dagforge.language.keys import CALLABLE_ARGS
from dagforge.language.patterns import DOTTED_RE
from dagforge.language.walk import tasks_of
from dagforge.load import Document, JsonPath
from dagforge.settings import DEFAULT_CALLABLE_PACKAGES

# Airflow passes these from the task context to callables that name them; they need no op_kwargs.
CONTEXT_KEYS = frozenset(
    {
        "conn",
        "dag",
        "dag_run",
        "data_interval_end",
        "data_interval_start",
        "ds",
        "ds_nodash",
        "inlet_events",
        "inlets",
        "logical_date",
        "macros",
        "map_index_template",
        "outlet_events",
        "outlets",
        "params",
        "prev_data_interval_end_success",
        "prev_data_interval_start_success",
        "prev_end_date_success",
        "prev_start_date_success",
        "run_id",
        "task",
        "task_instance",
        "task_instance_key_str",
        "templates_dict",
        "test_mode",
        "ti",
        "triggering_asset_events",
        "ts",
        "ts_nodash",
        "ts_nodash_with_tz",
        "var",
        "try_number",
    }
)


@dataclass(frozen=True)
class Resolved:
    signature: inspect.Signature | None
    code: str = ""
    message: str = ""
    hint: str = ""


def check_callables(
    doc: Document, dag: ExpandedDag, packages: Sequence[str] = DEFAULT_CALLABLE_PACKAGES
) -> list[Finding]:
    problems: list[Finding] = []
    for _, path, task in tasks_of(dag.config):
        for arg in CALLABLE_ARGS:
            if isinstance(task.get(arg), str) and DOTTED_RE.match(
                task[arg]
            ):  # else the schema already said
                problems.extend(_check_task(doc, dag, path, task, arg, tuple(packages)))
    return problems


def _check_task(
    doc: Document,
    dag: ExpandedDag,
    path: JsonPath,
    task: Mapping[str, Any],
    arg: str,
    packages: tuple[str, ...],
) -> Iterator[Finding]:
    found = resolve(task[arg], packages)
    if found.signature is None:
        yield Finding(
            dag=dag, cpath=(*path, arg), code=found.code, message=found.message, hint=found.hint
        )
    elif arg == "python_callable":
        names = tuple(_kwargs(task))
        for where, message, hint in argument_problems(
            task[arg], found.signature, len(_args(task)), names
        ):
            yield Finding(
                dag=dag,
                cpath=(*path, *where),
                code="callable-arguments",
                message=message,
                hint=hint,
                key=True,
            )
        yield from _bool_traps(doc, dag, path, task)


def _bool_traps(
    doc: Document, dag: ExpandedDag, path: JsonPath, task: Mapping[str, Any]
) -> Iterator[Finding]:
    """``country_code: NO`` reaches the callable as ``False``: almost never what was meant."""
    for key, value in _kwargs(task).items():
        cpath = (*path, "op_kwargs", key)
        for written_at in ((*dag.origin.path, *cpath), (*dag.origin.path, "dag", *cpath)):
            if isinstance(value, bool) and written_at in doc.bool_traps:
                yield Finding(
                    dag=dag,
                    cpath=cpath,
                    code="bool-trap",
                    message=f"{doc.bool_traps[written_at]} was read as the boolean "
                    f"{str(value).lower()} (YAML 1.1)",
                    hint=f'quote it if you mean text: "{doc.bool_traps[written_at]}"',
                )


def _args(task: Mapping[str, Any]) -> list[Any]:
    value = task.get("op_args")
    return value if isinstance(value, list) else []


def _kwargs(task: Mapping[str, Any]) -> dict[str, Any]:
    value = task.get("op_kwargs")
    return value if isinstance(value, dict) else {}


@cache
def resolve(dotted: str, packages: tuple[str, ...]) -> Resolved:
    """The signature of ``dotted`` (``package.module.function``), or why it cannot be used."""
    if not any(dotted == p or dotted.startswith(f"{p}.") for p in packages):
        return Resolved(
            None,
            code="callable-not-allowed",
            message=f"callable '{dotted}' is outside the allowed packages ({', '.join(packages)})",
            hint=f"move the function into {packages[0]}/ and name it "
            f"{packages[0]}.<module>.<function>",
        )
    module_name, _, name = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        return Resolved(
            None,
            code="callable-not-found",
            message=f"module '{module_name}' of callable '{dotted}' does not exist",
            hint=f"no module named '{exc.name}'",
        )
    except (
        Exception
    ) as exc:  # the user's module fails on import: a config problem to show, not a crash
        return Resolved(
            None,
            code="callable-import-failed",
            message=f"importing '{module_name}' failed: {type(exc).__name__}: {exc}",
            hint="fix that module; validate imports allowed modules only",
        )
    target = getattr(module, name, None)
    if not callable(target):
        public = [
            n for n, v in vars(module).items() if inspect.isfunction(v) and not n.startswith("_")
        ]
        return Resolved(
            None,
            code="callable-not-found",
            message=f"module '{module_name}' has no function '{name}'",
            hint=did_you_mean(name, public),
        )
    return Resolved(inspect.signature(target))


@cache  # thousands of instances of one template call one function with the same argument names
def argument_problems(
    dotted: str, signature: inspect.Signature, arg_count: int, kwargs: tuple[str, ...]
) -> tuple[ArgumentProblem, ...]:
    """(where, message, hint) for each way ``op_args``/``op_kwargs`` do not fit the signature."""
    return tuple(_argument_problems(dotted, signature, arg_count, kwargs))


ArgumentProblem = tuple[JsonPath, str, str]  # (where, message, hint)


def _argument_problems(
    dotted: str, signature: inspect.Signature, arg_count: int, kwargs: tuple[str, ...]
) -> Iterator[ArgumentProblem]:
    params = signature.parameters
    kinds = {p.kind for p in params.values()}
    positional = [p.name for p in params.values() if p.kind in _POSITIONAL]
    function = dotted.rsplit(".", 1)[-1]
    if arg_count > len(positional) and inspect.Parameter.VAR_POSITIONAL not in kinds:
        message = f"{function}() takes {len(positional)} positional argument(s), op_args gives "
        yield ("op_args",), f"{message}{arg_count}", ""
    filled = set(positional[:arg_count])
    open_ended = inspect.Parameter.VAR_KEYWORD in kinds
    yield from _keyword_problems(function, params, filled, kwargs, open_ended)
    # A misspelled key stands for a parameter: missing that one too is the same mistake.
    meant = {m for key in kwargs if key not in params for m in close_matches(key, params, n=1)}
    given = filled | set(kwargs) | CONTEXT_KEYS | meant
    missing = [name for name, p in params.items() if _required(p) and name not in given]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        additions = ", ".join(f"'{name}: ...'" for name in missing)
        message = f"{function}() needs {names}, which op_args/op_kwargs do not give"
        yield ("op_kwargs",), message, f"add {additions} under op_kwargs"


_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def _required(param: inspect.Parameter) -> bool:
    return param.default is param.empty and param.kind not in _VARIADIC


def _keyword_problems(
    function: str,
    params: Mapping[str, inspect.Parameter],
    filled: set[str],
    kwargs: tuple[str, ...],
    open_ended: bool,
) -> Iterator[ArgumentProblem]:
    for key in kwargs:
        if key in filled:
            yield ("op_kwargs", key), f"{function}() gets '{key}' twice (op_args and op_kwargs)", ""
        elif key not in params and not open_ended:
            hint = did_you_mean(key, params)
            yield ("op_kwargs", key), f"{function}() has no parameter '{key}'", hint
