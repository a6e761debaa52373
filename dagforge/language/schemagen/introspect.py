"""Read DAG and operator signatures from Airflow into plain data (``schemas/operators.json``).

Run at dev time, with Airflow installed: ``python -m dagforge.language.schemagen.introspect``.
Validation never imports Airflow; it reads the committed output, and a test fails when that output
is stale.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import sys
import warnings
from typing import Any

from dagforge.language.keys import DURATION_KEYS

OPERATORS = (
    "airflow.providers.standard.operators.python.PythonOperator",
    "airflow.providers.standard.operators.python.BranchPythonOperator",
    "airflow.providers.standard.operators.python.ShortCircuitOperator",
    "airflow.providers.standard.operators.bash.BashOperator",
    "airflow.providers.standard.operators.empty.EmptyOperator",
    "airflow.providers.standard.operators.trigger_dagrun.TriggerDagRunOperator",
    "airflow.providers.standard.sensors.python.PythonSensor",
    "airflow.providers.amazon.aws.sensors.s3.S3KeySensor",
    "airflow.providers.amazon.aws.operators.s3.S3CopyObjectOperator",
    "airflow.providers.amazon.aws.operators.s3.S3CreateObjectOperator",
    "airflow.providers.amazon.aws.operators.s3.S3DeleteObjectsOperator",
)
# Airflow 2 import paths people still write → where the same class lives in Airflow 3.
_MOVED = (
    ("airflow.operators.python.PythonOperator", "operators.python.PythonOperator"),
    ("airflow.operators.python_operator.PythonOperator", "operators.python.PythonOperator"),
    ("airflow.operators.python.BranchPythonOperator", "operators.python.BranchPythonOperator"),
    ("airflow.operators.python.ShortCircuitOperator", "operators.python.ShortCircuitOperator"),
    ("airflow.operators.bash.BashOperator", "operators.bash.BashOperator"),
    ("airflow.operators.bash_operator.BashOperator", "operators.bash.BashOperator"),
    ("airflow.operators.empty.EmptyOperator", "operators.empty.EmptyOperator"),
    (
        "airflow.operators.trigger_dagrun.TriggerDagRunOperator",
        "operators.trigger_dagrun.TriggerDagRunOperator",
    ),
    ("airflow.sensors.python.PythonSensor", "sensors.python.PythonSensor"),
)
ALIASES = {old: f"airflow.providers.standard.{new}" for old, new in _MOVED}
# BaseOperator arguments a YAML config must not set: objects, callbacks and internals.
BASE_EXCLUDED = frozenset(
    {
        "self",
        "task_id",
        "dag",
        "default_args",
        "task_group",
        "retry_policy",
        "sla",
        "resources",
        "on_execute_callback",
        "on_failure_callback",
        "on_success_callback",
        "on_retry_callback",
        "on_skipped_callback",
        "pre_execute",
        "post_execute",
        "executor_config",
        "logger_name",
        "allow_nested_operators",
        "start_date",
        "end_date",
    }
)
# DAG arguments a YAML config must not set: Python objects, callbacks and Jinja internals.
DAG_EXCLUDED = frozenset(
    {
        "dag_id",
        "template_undefined",
        "user_defined_macros",
        "user_defined_filters",
        "sla_miss_callback",
        "on_success_callback",
        "on_failure_callback",
        "jinja_environment_kwargs",
        "task_group",
        "deadline",
    }
)
_KINDS = {
    "bool": "boolean",
    "int": "integer",
    "float": "number",
    "str": "string",
    "dict": "object",
    "Mapping": "object",
    "MutableMapping": "object",
    "list": "array",
    "Sequence": "array",
    "Collection": "array",
    "Iterable": "array",
    "Container": "array",
    "None": "null",
    "timedelta": "number",
    "datetime": "string",
}  # seconds and ISO text, as dag-factory passes them on
_IGNORED = {"ArgNotSet"}  # a sentinel meaning "not given", never a value


def json_kind(annotation: Any) -> list[str]:
    """JSON types an annotation allows; empty when it names something YAML cannot spell (any
    value)."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    while "[" in text:  # only the outer types matter: list[str] is an array
        text = re.sub(r"\[[^\[\]]*\]", "", text)
    words = {word.strip().rsplit(".", 1)[-1] for word in text.split("|")} - _IGNORED
    if not text or words & {"Any", "Callable"}:
        return []
    kinds = {_KINDS.get(word, "") for word in words}
    return sorted(kinds) if "" not in kinds and kinds != {"null"} else []


def arg_spec(name: str, param: inspect.Parameter) -> dict[str, Any]:
    if name in DURATION_KEYS:
        return {"format": "duration"}  # build.py turns these friendly values into timedeltas
    if name == "python_callable" or "Callable" in str(param.annotation):
        return {"format": "callable"}
    return {"types": json_kind(param.annotation)}


def own_args(cls: type, stop: type) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Arguments of ``cls.__init__`` and its bases' up to ``stop``, and which are required."""
    args: dict[str, dict[str, Any]] = {}
    required: list[str] = []
    for klass in reversed(cls.__mro__[: cls.__mro__.index(stop)]):
        if "__init__" not in vars(klass):
            continue
        for name, param in inspect.signature(vars(klass)["__init__"]).parameters.items():
            if name == "self" or param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
                continue
            args[name] = arg_spec(name, param)
            if param.default is inspect.Parameter.empty and name not in required:
                required.append(name)
            elif param.default is not inspect.Parameter.empty and name in required:
                required.remove(name)
    return dict(sorted(args.items())), sorted(required)


def base_args(base: type) -> dict[str, dict[str, Any]]:
    params = inspect.signature(vars(base)["__init__"]).parameters.items()
    return {
        name: arg_spec(name, p)
        for name, p in sorted(params)
        if name not in BASE_EXCLUDED and p.kind == p.KEYWORD_ONLY
    }


def dag_args(dag: type) -> dict[str, dict[str, Any]]:
    """DAG arguments; the attrs field type stands in where the signature has no annotation."""
    import attrs

    field_types = {f.alias: f.type for f in attrs.fields(dag)}  # type: ignore[arg-type]
    args = {}
    for name, param in inspect.signature(dag).parameters.items():
        if name not in DAG_EXCLUDED:
            annotation = (
                param.annotation
                if param.annotation is not param.empty
                else field_types.get(name, "")
            )
            args[name] = arg_spec(name, param.replace(annotation=annotation))
    return dict(sorted(args.items()))


def load_class(path: str) -> type:
    module, _, name = path.rpartition(".")
    found: type = getattr(importlib.import_module(module), name)
    return found


def introspect() -> dict[str, Any]:
    """The registry: BaseOperator arguments, each allow-listed operator's own arguments, and
    aliases.
    """
    warnings.simplefilter("ignore")
    from airflow.sdk import DAG, BaseOperator

    operators = {}
    for path in OPERATORS:
        args, required = own_args(load_class(path), BaseOperator)
        operators[path] = {"args": args, "required": required}
    return {
        "dag": dag_args(DAG),
        "base": base_args(BaseOperator),
        "operators": operators,
        "aliases": ALIASES,
    }


def render() -> str:
    return json.dumps(introspect(), indent=2, sort_keys=True) + "\n"


def main() -> int:
    from dagforge.settings import OPERATORS_FILE, SCHEMAS_DIR

    out = SCHEMAS_DIR / OPERATORS_FILE

    out.write_text(render(), encoding="utf-8")
    sys.stderr.write(f"wrote {out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
