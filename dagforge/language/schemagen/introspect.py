"""Read DAG, operator, TaskGroup and TaskFlow signatures from Airflow into plain data.

Run at dev time, with Airflow installed: ``python -m dagforge.language.schemagen.introspect``
writes ``schemas/operators.json`` (what the schema spells out) and ``schemas/operator-catalog.json``
(every operator class the installed Airflow and providers import). Validation never imports
Airflow; it reads the committed output, and a test fails when that output is stale.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import sys
import warnings
from typing import Any

from dagforge.language.dagfactory import CALLBACKS
from dagforge.language.keys import DURATION_KEYS
from dagforge.language.schemagen import catalog

# The operators the schema spells out (closed, with completion of their arguments). Every other
# operator of the installed Airflow and providers is in the catalog and checked against it.
COMMON = (
    "airflow.providers.standard.operators.python.PythonOperator",
    "airflow.providers.standard.operators.python.BranchPythonOperator",
    "airflow.providers.standard.operators.python.ShortCircuitOperator",
    "airflow.providers.standard.operators.bash.BashOperator",
    "airflow.providers.standard.operators.empty.EmptyOperator",
    "airflow.providers.standard.operators.latest_only.LatestOnlyOperator",
    "airflow.providers.standard.operators.trigger_dagrun.TriggerDagRunOperator",
    "airflow.providers.standard.sensors.python.PythonSensor",
    "airflow.providers.standard.sensors.external_task.ExternalTaskSensor",
    "airflow.providers.standard.sensors.filesystem.FileSensor",
    "airflow.providers.standard.sensors.time_delta.TimeDeltaSensor",
    "airflow.providers.http.operators.http.HttpOperator",
    "airflow.providers.http.sensors.http.HttpSensor",
    "airflow.providers.common.sql.operators.sql.SQLExecuteQueryOperator",
    "airflow.providers.common.sql.sensors.sql.SqlSensor",
    "airflow.providers.amazon.aws.sensors.s3.S3KeySensor",
    "airflow.providers.amazon.aws.operators.s3.S3CopyObjectOperator",
    "airflow.providers.amazon.aws.operators.s3.S3CreateObjectOperator",
    "airflow.providers.amazon.aws.operators.s3.S3DeleteObjectsOperator",
)
# The classes whose python_callable dag-factory resolves (its PYTHON_CALLABLE_CLASSES).
PYTHON_FAMILY = (
    "airflow.providers.standard.operators.python.PythonOperator",
    "airflow.providers.standard.operators.python.BranchPythonOperator",
    "airflow.providers.standard.sensors.python.PythonSensor",
)
# Arguments that are not config keys: dag-factory fills them, or they name the object itself.
BASE_EXCLUDED = frozenset({"self", "task_id", "dag", "default_args", "task_group", "kwargs"})
DAG_EXCLUDED = frozenset({"dag_id", "task_group", "template_undefined"})
DECORATOR_EXCLUDED = frozenset({"python_callable", "op_args", "op_kwargs", "kwargs_to_upstream"})
TASK_GROUP_EXCLUDED = frozenset({"self", "group_id", "dag", "parent_group"})
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
    text = str(param.annotation)
    if name in DURATION_KEYS:  # build.py turns friendly values into timedeltas
        seconds = "float" in text or "int" in text  # Airflow reads a number as seconds
        return {"format": "duration", **({"seconds": True} if seconds else {})}
    if name in CALLBACKS:
        return {"format": "callback"}
    if name in ("python_callable", "execution_date_fn"):
        return {"format": "callable"}  # dag-factory imports the dotted path
    if ("Callable" in text or "Hook" in text) and "str" not in text:
        return {"format": "function"}  # dag-factory passes the text as is: no function
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


def keyword_args(function: Any, excluded: frozenset[str]) -> dict[str, dict[str, Any]]:
    """The named arguments of ``function`` (no ``*args``/``**kwargs``), minus ``excluded``."""
    params = inspect.signature(function).parameters.items()
    variadic = (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    return {
        name: arg_spec(name, p)
        for name, p in sorted(params)
        if name not in excluded and p.kind not in variadic
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


def describe(cls: type) -> dict[str, Any]:
    """An operator's own arguments (up to BaseOperator), the required ones, and whether
    dag-factory resolves its ``python_callable``."""
    from airflow.sdk import BaseOperator

    args, required = own_args(cls, BaseOperator)
    python = any(issubclass(cls, load_class(path)) for path in PYTHON_FAMILY)
    return {"args": args, "required": required, **({"python": True} if python else {})}


def introspect() -> dict[str, Any]:
    """The registry: DAG, BaseOperator, TaskGroup and TaskFlow arguments, the common operators'
    own arguments, and the Airflow 2 paths Airflow 3 still resolves."""
    warnings.simplefilter("ignore")
    from airflow.providers.standard.decorators.python import _PythonDecoratedOperator
    from airflow.sdk import DAG, BaseOperator, TaskGroup

    decorated, _ = own_args(_PythonDecoratedOperator, BaseOperator)
    return {
        "dag": dag_args(DAG),
        "base": keyword_args(vars(BaseOperator)["__init__"], BASE_EXCLUDED),
        "task_group": keyword_args(vars(TaskGroup)["__init__"], TASK_GROUP_EXCLUDED),
        "decorator": {k: v for k, v in decorated.items() if k not in DECORATOR_EXCLUDED},
        "operators": {path: describe(load_class(path)) for path in COMMON},
        "aliases": catalog.aliases(),
    }


def render() -> str:
    return json.dumps(introspect(), indent=2, sort_keys=True) + "\n"


def render_catalog() -> str:
    """Every operator class the installed Airflow and providers import, described (compact)."""
    warnings.simplefilter("ignore")
    from airflow.sdk import BaseOperator

    data = catalog.catalog(BaseOperator, describe)
    return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


def main() -> int:
    from dagforge.settings import CATALOG_FILE, OPERATORS_FILE, SCHEMAS_DIR

    for name, text in ((OPERATORS_FILE, render()), (CATALOG_FILE, render_catalog())):
        (SCHEMAS_DIR / name).write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {SCHEMAS_DIR / name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
