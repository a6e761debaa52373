"""The codes of dag-factory 1.1's own language: what it builds differently from what it seems to
say, what it silently ignores, and what it cannot build on Airflow 3. Part of the one catalogue
in :mod:`dagforge.codes`."""

from __future__ import annotations

from dagforge.codes.code import Code

DAGFACTORY_CODES = (
    Code(
        "env-var",
        "a `$VAR` in a value, replaced by its value when the file is read (as dag-factory does)",
        "load",
        "`bash_command: echo $HOME`",
        "the value it has here; Airflow's parse environment decides on MWAA",
        severity="info",
    ),
    Code(
        "env-var-unset",
        "a `$VAR` in a value that is not set here, so the text stays as written",
        "load",
        "`python_callable_file: $CONFIG_ROOT_DIR/x.py`",
        "set it where you validate, or write the value",
        severity="warning",
    ),
    Code(
        "yaml-date",
        "an unquoted date in a free value: dag-factory passes a `date`, not text",
        "values",
        "`op_kwargs: {day: 2024-03-01}`",
        '`quote it for text: "2024-03-01"`',
        severity="warning",
    ),
    Code(
        "ignored-key",
        "a key dag-factory 1.1 reads but never passes on, or Airflow 3 ignores: it has no effect",
        "dag-keys",
        "`fail_fast: true`, `default_view: tree`, `catchup` under `default_args`",
        "what happens instead",
        severity="warning",
    ),
    Code(
        "deprecated-key",
        "a key dag-factory 1.1 still translates, with a deprecation warning",
        "dag-keys",
        "`concurrency: 4`",
        "`` write `max_active_tasks: 4` ``",
        severity="warning",
    ),
    Code(
        "defaults-precedence",
        "a DAG key set in `defaults.yml` and in the file's `default:` block: dag-factory 1.1 takes "
        "the `defaults.yml` one, contrary to its docs",
        "expand",
        "`catchup` in both",
        "set it in one place, or in the DAG itself",
        severity="warning",
    ),
    Code(
        "date-offset",
        "a DAG date with an offset: dag-factory 1.1 drops it and reads the time in `timezone`",
        "dag-keys",
        "`start_date: 2024-03-01T06:00:00+02:00`",
        "write the local time and set `timezone:`",
        severity="warning",
    ),
    Code(
        "no-tasks",
        "a DAG without tasks (dag-factory builds it empty)",
        "dag-keys",
        "`tasks:` indented under `vars:`",
        "add `tasks:`",
        severity="warning",
    ),
    Code(
        "datasets-file",
        "a dag-factory datasets file among the configs (`datasets: [{name, uri}]`): no DAG",
        "project",
        "`datasets: [{name: raw, uri: s3://b/raw}]`",
        severity="info",
    ),
    Code(
        "schedule-form",
        "a schedule dag-factory 1.1 cannot build on Airflow 3",
        "schema",
        '`schedule: {datasets: "a | b"}`, `__and__` of plain URIs',
        "the Airflow 3 form",
    ),
    Code(
        "invalid-callback",
        "a callback dag-factory 1.1 cannot build (a list, a mapping without `callback`)",
        "schema",
        "`on_failure_callback: [a.b, c.d]`",
        "one callback per key, or a function that calls the others",
    ),
    Code(
        "invalid-path",
        "a path dag-factory reads when it builds the DAG is not absolute or does not exist",
        "dag-keys",
        "`doc_md_file_path: docs/x.md`",
        "an absolute path, e.g. with `$AIRFLOW_HOME`",
    ),
    Code(
        "xcom-reference",
        "`+task` names a task that does not exist, or is built after this one",
        "taskflow",
        "`number: +numbers_list` before `numbers_list`",
        "the task ids, or a dependency that orders them",
    ),
    Code(
        "task-mapping",
        "`expand`/`partial` that dag-factory 1.1 cannot build, or builds without some arguments",
        "taskflow",
        "`partial:` without `expand:` on an operator",
        "what to move where",
    ),
)
