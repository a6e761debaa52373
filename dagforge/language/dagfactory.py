"""dag-factory 1.1's own language, read from its code (``dagfactory/dagbuilder.py``): which keys it
passes to Airflow, which it reads itself, which it resolves and then drops, and the forms of its
callbacks, file-based callables and XCom references. One place for these facts: the schema
generator, the checks and ``migrate`` read them here.
"""

from __future__ import annotations

import re

# DAG keys dag-factory 1.1 passes to ``DAG(...)`` on Airflow 3 (``DagBuilder.build``).
DAG_PASSED = (
    "access_control",
    "catchup",
    "dag_display_name",
    "dagrun_timeout",
    "default_args",
    "description",
    "doc_md",
    "end_date",
    "is_paused_upon_creation",
    "max_active_runs",
    "max_active_tasks",
    "on_failure_callback",
    "on_success_callback",
    "params",
    "render_template_as_native_obj",
    "schedule",
    "start_date",
    "tags",
    "template_searchpath",
    "user_defined_macros",
)
# DAG keys dag-factory reads itself and never passes on.
DAG_OWN = (
    "timezone",  # start_date/end_date are read in this zone
    "doc_md_file_path",
    "doc_md_python_callable_name",
    "doc_md_python_callable_file",
    "doc_md_python_arguments",
    "tasks",
    "task_groups",
    "vars",  # nothing: a place for YAML anchors
)
# Keys dag-factory reads but that have no effect on Airflow 3, and what happens instead.
DAG_NO_EFFECT = {
    "default_view": "Airflow 3 has no per-DAG default view: dag-factory 1.1 drops it there",
    "orientation": "Airflow 3 has no per-DAG graph orientation: dag-factory 1.1 drops it there",
    "sla_miss_callback": "SLA callbacks were removed in Airflow 3.1: dag-factory 1.1 drops it",
    "on_execute_callback": "dag-factory 1.1 imports a DAG-level on_execute_callback but never "
    "passes it to the DAG (Airflow has none): put it under default_args to run it per task",
    "on_retry_callback": "a DAG has no on_retry_callback: put it under default_args",
    "on_skipped_callback": "a DAG has no on_skipped_callback: put it under default_args",
}
# Keys dag-factory 1.1 still translates, with the key to write instead.
DAG_DEPRECATED = {"concurrency": "max_active_tasks"}
# default_args keys dag-factory reads itself (the zone of default_args.start_date/end_date).
DEFAULT_ARGS_OWN = ("timezone",)

CALLBACKS = (
    "on_execute_callback",
    "on_success_callback",
    "on_failure_callback",
    "on_retry_callback",
    "on_skipped_callback",
)
DAG_CALLBACKS = ("on_success_callback", "on_failure_callback")
# dag-factory's file-based form of a callable: ``<key>_name`` + ``<key>_file`` (an absolute path).
NAME_SUFFIX, FILE_SUFFIX = "_name", "_file"
# Where dag-factory turns a (name, file) pair into a callable, by the key the callable fills.
FILE_PAIRS_TASK = (*CALLBACKS, "python_callable", "execution_date_fn")
FILE_PAIRS_DAG = (*CALLBACKS, "doc_md_python_callable")
# Operator arguments dag-factory resolves by class: key written → argument filled.
SENSOR_PAIRS = {
    "airflow.providers.http.sensors.http.HttpSensor": {"response_check": "response_check"},
    "airflow.providers.common.sql.sensors.sql.SqlSensor": {
        "success_check": "success",
        "failure_check": "failure",
    },
}
LAMBDA_SUFFIX = "_lambda"  # dag-factory compiles these strings as Python: dagforge never does
# Keys of a task that dag-factory consumes (never passed to the operator as written).
TASK_SYSTEM = (
    "operator",
    "decorator",
    "dependencies",
    "task_group_name",
    "expand",
    "partial",
    "variables_as_arguments",
)
# TaskFlow decorators dag-factory 1.1 imports (any other dotted path is refused).
DECORATORS = ("airflow.sdk.task", "airflow.sdk.definitions.decorators.task")
DECORATOR_ALIASES = {"airflow.decorators.task": "airflow.sdk.task"}
# ``+task`` or ``+task['key']``: a TaskFlow argument that is another task's XCom.
XCOM_REFERENCE = re.compile(r"^\+(?P<task>\w*)(\[['\"](?P<xcom_key>.*)['\"]\])?$")
# An operator's ``expand`` value that names a task's output: ``task.output`` or ``XcomArg(task)``.
EXPAND_OUTPUT = re.compile(r"^(?P<task>.*?)\.output|XcomArg\((?P<arg>[^)]*)\)")
# dag-factory's relative times (``2 days``, ``1 hour``): start_date, end_date, execution_delta.
RELATIVE_TIME = re.compile(
    r"((?P<hours>\d+?)\s+hour)?((?P<minutes>\d+?)\s+minute)?((?P<seconds>\d+?)\s+second)?"
    r"((?P<days>\d+?)\s+day)?",
    re.IGNORECASE,
)


def relative_time(text: str) -> bool:
    """Whether dag-factory's ``get_time_delta`` reads ``text`` (it matches at the start)."""
    match = RELATIVE_TIME.match(text)
    return match is not None and any(match.groupdict().values())
