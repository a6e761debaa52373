"""Callables named in configs: inside the policy, resolvable, and called with matching arguments.

Tasks' ``python_callable`` and ``execution_date_fn`` (dotted, or dag-factory's ``_name``/``_file``
pair), DAG docs builders and Jinja macros. Only code inside the project's policy is ever imported
(:mod:`dagforge.checks.resolve`); anything else is rejected by name alone.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from dagforge.checks.resolve import Resolved, resolve, resolve_file
from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag
from dagforge.language.dagfactory import FILE_SUFFIX, LAMBDA_SUFFIX, NAME_SUFFIX
from dagforge.language.hints import close_matches, did_you_mean
from dagforge.language.patterns import DOTTED_RE
from dagforge.language.walk import tasks_of
from dagforge.load import Document, JsonPath
from dagforge.policy import Policy

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


def check_callables(doc: Document, dag: ExpandedDag, policy: Policy) -> list[Finding]:
    """Every function a task or the DAG names, resolved inside the policy; a PythonOperator's
    ``op_args``/``op_kwargs`` against its function's signature."""
    problems: list[Finding] = []
    for _, path, task in tasks_of(dag.config):
        problems.extend(_task_callables(doc, dag, path, task, policy))
    problems.extend(_dag_callables(dag, policy))
    return problems


def _task_callables(
    doc: Document, dag: ExpandedDag, path: JsonPath, task: Mapping[str, Any], policy: Policy
) -> Iterator[Finding]:
    for arg in ("python_callable", "execution_date_fn"):
        value = task.get(arg)
        if isinstance(value, str) and DOTTED_RE.match(value):  # else the schema already said
            found = resolve(value, policy)
            if not found.ok:
                yield _finding(dag, (*path, arg), found)
            elif arg == "python_callable" and "operator" in task and _callable(found.target):
                yield from _argument_findings(dag, path, task, value, found.target)
                yield from _bool_traps(doc, dag, path, task)
    yield from file_pairs(dag, path, task, ("python_callable", "execution_date_fn"), policy)
    for key in task:
        if isinstance(key, str) and key.endswith(LAMBDA_SUFFIX):
            yield Finding(
                dag=dag,
                cpath=(*path, key),
                code="callable-not-allowed",
                message=f"'{key}' is Python source that dag-factory compiles: dagforge never "
                "runs code written in a config",
                hint=f"write the function in an allowed package and name it with "
                f"`{key.removesuffix(LAMBDA_SUFFIX)}_name`/`_file` or a dotted path",
            )


def _dag_callables(dag: ExpandedDag, policy: Policy) -> Iterator[Finding]:
    yield from file_pairs(dag, (), dag.config, ("doc_md_python_callable",), policy)
    macros = dag.config.get("user_defined_macros")
    for cpath, dotted in _macro_leaves(("user_defined_macros",), macros):
        if DOTTED_RE.match(dotted):
            found = resolve(dotted, policy, "macro")
            if not found.ok:
                yield _finding(dag, cpath, found)


def _macro_leaves(path: JsonPath, value: Any) -> Iterator[tuple[JsonPath, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                yield (*path, key), item
            else:
                yield from _macro_leaves((*path, key), item)


def file_pairs(
    dag: ExpandedDag,
    path: JsonPath,
    conf: Mapping[str, Any],
    keys: tuple[str, ...],
    policy: Policy,
) -> Iterator[Finding]:
    """dag-factory's ``<key>_name`` + ``<key>_file``: both given, the file allowed and holding
    the name; one without the other is a key dag-factory silently ignores."""
    for key in keys:
        name, file = conf.get(f"{key}{NAME_SUFFIX}"), conf.get(f"{key}{FILE_SUFFIX}")
        if name is None and file is None:
            continue
        if not isinstance(name, str) or not isinstance(file, str):
            present = f"{key}{NAME_SUFFIX}" if name is not None else f"{key}{FILE_SUFFIX}"
            missing = f"{key}{FILE_SUFFIX}" if name is not None else f"{key}{NAME_SUFFIX}"
            yield Finding(
                dag=dag,
                cpath=(*path, present),
                code="missing-key",
                message=f"'{present}' without '{missing}': dag-factory uses the pair only",
                hint=f"add '{missing}: ...' here",
                key=True,
            )
            continue
        found = resolve_file(name, file, policy, key)
        if not found.ok:
            where = f"{key}{FILE_SUFFIX}" if found.code != "callable-not-found" else f"{key}_name"
            yield _finding(dag, (*path, where), found)


def _finding(dag: ExpandedDag, cpath: JsonPath, found: Resolved) -> Finding:
    return Finding(dag=dag, cpath=cpath, code=found.code, message=found.message, hint=found.hint)


def _callable(target: Any) -> bool:
    return callable(target) and signature_of(target) is not None


@cache
def signature_of(target: Any) -> inspect.Signature | None:
    """The signature of a function configs name (read once: thousands of DAGs name the same)."""
    try:
        return inspect.signature(target)
    except (TypeError, ValueError):
        return None


def _argument_findings(
    dag: ExpandedDag, path: JsonPath, task: Mapping[str, Any], dotted: str, target: Any
) -> Iterator[Finding]:
    if any(arg in _dict(task.get(k)) for k in ("expand", "partial") for arg in _OP_ARGS):
        return  # mapped arguments: their values come at run time
    names = tuple(_kwargs(task))
    for where, message, hint in argument_problems(dotted, target, len(_args(task)), names):
        yield Finding(
            dag=dag,
            cpath=(*path, *where),
            code="callable-arguments",
            message=message,
            hint=hint,
            key=True,
        )


_OP_ARGS = ("op_args", "op_kwargs")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


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


@cache  # thousands of instances of one template call one function with the same argument names
def argument_problems(
    dotted: str, target: Any, arg_count: int, kwargs: tuple[str, ...]
) -> tuple[ArgumentProblem, ...]:
    """(where, message, hint) for each way ``op_args``/``op_kwargs`` do not fit the signature of
    ``target`` (keyed by the function itself: hashing a signature costs more than checking it)."""
    signature = signature_of(target)
    if signature is None:
        return ()
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
