"""The catalogue of problem codes: every code dagforge reports, its default severity, what it
means, an example, the hint given, and which stage or check reports it.

``validate`` reads the default severities, ``dagforge schema --write`` renders the table in
docs/config-language.md from it, and the tests check that every code the code base can report is
here and every code here can be reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Code:
    code: str
    title: str  # what is wrong
    # The check that reports it (its name in checks/registry.py), or the stage: load, expand,
    # project, compat, loader (a DAG dag-factory would not build) or mwaa (--env-class).
    source: str
    example: str = ""
    hint: str = ""  # what the hint says, in short
    severity: Severity = "error"

    @property
    def anchor(self) -> str:
        return f"docs/config-language.md#{self.code}"


_CODES = (
    Code("yaml-syntax", "the file is not YAML", "load", "`tasks: [{task_id: a`", "where to look"),
    Code("yaml-tab", "a tab indents a line", "load", "`⇥tasks:`", "replace it with spaces"),
    Code(
        "duplicate-key",
        "a key twice in one mapping (YAML keeps the last)",
        "load",
        "`schedule:` twice",
        "the line of the first",
    ),
    Code(
        "unsafe-tag",
        "a YAML tag such as `!!python/object/apply`",
        "load",
        "`description: !!python/object/apply:os.system [...]`",
        "use a plain value",
    ),
    Code("file-unreadable", "the file cannot be read as UTF-8", "load", hint="save it as UTF-8"),
    Code(
        "file-refused",
        "a config that is not a regular file, leads outside the configs folder, or is too large",
        "load",
        "a symlink to `/etc/passwd`; a FIFO",
        "copy the file in; split a large one",
    ),
    Code(
        "yaml-too-complex",
        "nesting too deep, or too many values once aliases expand (an alias bomb)",
        "load",
        "`a: &a [*b, *b, ...]` nested ten times",
        "flatten or split the file",
    ),
    Code(
        "too-many-dags",
        "more DAGs in one file or one project than the limits allow",
        "project",
        "a file with 100,000 instances",
        "split the project across loader files or environments",
    ),
    Code(
        "internal-error",
        "dagforge itself failed on this file (a bug): the loader shows it instead of crashing",
        "project",
        hint="run `dagforge validate --debug` on the file and report it",
    ),
    Code(
        "bool-trap",
        "YAML 1.1 read `NO`, `yes`, `on`, `off` as a boolean where text is meant",
        "schema",
        "`code: NO` (Norway)",
        '`quote it: "NO"`',
    ),
    Code(
        "unknown-key",
        "a key the schema does not know",
        "schema",
        '`schedul: "@daily"`',
        "`did you mean 'schedule'?`",
    ),
    Code(
        "removed-key",
        "a key removed in dag-factory 1.0 or Airflow 3",
        "schema",
        "`retry_delay_sec: 300`",
        "`` replace it with `retry_delay: 5m` ``",
    ),
    Code("wrong-type", "a value of the wrong type", "schema", "`max_active_runs: one`"),
    Code(
        "missing-key",
        "a required key is absent",
        "schema",
        "a BashOperator without `bash_command`",
        "`add 'bash_command: ...' here`",
    ),
    Code(
        "invalid-value",
        "a value outside the allowed ones or range",
        "schema",
        "`max_active_runs: 0`",
        "the allowed values when few",
    ),
    Code(
        "invalid-duration",
        "not a duration",
        "schema",
        "`retry_delay: 5 minutes`, `dagrun_timeout: 600`",
        "``write `dagrun_timeout: 10m` ``",
    ),
    Code(
        "invalid-date",
        "not a date, or a date that does not exist",
        "schema",
        "`start_date: 2024-02-30`",
        "the expected form",
    ),
    Code(
        "invalid-cron",
        "a schedule that is neither a preset nor a valid cron",
        "schema",
        '`schedule: "61 * * * *"`',
        "the cron fields",
    ),
    Code(
        "invalid-callable",
        "`python_callable` is not a dotted path",
        "schema",
        "`python_callable: process_s3_data`",
        "a dotted path example",
    ),
    Code(
        "invalid-dag-id",
        "a dag_id Airflow rejects, written or made by a template",
        "schema",
        "`dag_id: country_{name}` with `name: South Africa`",
        "use `{name|slug}`",
    ),
    Code(
        "unsafe-type",
        "`__type__` names a class outside the allow-list",
        "schema",
        "`__type__: os.system`",
        "the allowed families",
    ),
    Code(
        "unknown-operator",
        "an operator outside the allow-list",
        "schema",
        "`airflow.operators.dummy.DummyOperator`",
        "`removed in Airflow 3: use ...EmptyOperator`",
    ),
    Code(
        "duplicate-dag-id",
        "a dag_id defined twice, in one file or across files",
        "project",
        "two instances making `country_AU`",
        "where the first is",
    ),
    Code(
        "reserved-dag-id",
        "a dag_id in the loader's namespace for error DAGs (`dagforge_config_error__...`)",
        "reserved-ids",
        "`dagforge_config_error__sources.yml:`",
        "choose another dag_id",
    ),
    Code("duplicate-task-id", "a task_id twice in one DAG", "graph"),
    Code(
        "unknown-dependency",
        "`dependencies` names a task (or group) the DAG does not have",
        "graph",
        "`dependencies: [extrakt]`",
        "`did you mean 'extract'?`",
    ),
    Code(
        "unknown-task-group",
        "`task_group_name` names no group under `task_groups`",
        "graph",
        "`task_group_name: extrct`",
        "the close match",
    ),
    Code("dependency-cycle", "tasks depend on each other in a cycle", "graph", "`a -> b -> a`"),
    Code(
        "callable-not-allowed",
        "the callable is outside the allowed packages (never imported)",
        "callables",
        "`python_callable: os.system`",
        "where to put it",
    ),
    Code(
        "callable-not-found",
        "the module or function does not exist",
        "callables",
        "`callables.who.process_contry`",
        "`did you mean 'process_country'?`",
    ),
    Code(
        "callable-import-failed",
        "an allowed module fails on import",
        "callables",
        hint="the exception",
    ),
    Code(
        "callable-arguments",
        "`op_args`/`op_kwargs` do not fit the function's signature",
        "callables",
        "`contry: AU`; a required argument missing",
        "the close match, or what to add",
    ),
    Code("contract-unknown-type", "a contract type that does not exist", "contracts", "`x: float`"),
    Code(
        "contract-unknown-option", "a contract option that does not exist", "contracts", "`nulable`"
    ),
    Code("contract-partition", "the partition key is not a date column", "contracts", "`order_id`"),
    Code("contract-invalid", "a contract value that cannot work", "contracts", "`format=%m/%Y`"),
    Code(
        "placeholder-missing",
        "a template placeholder has no value in an instance",
        "expand",
        "`{name}` with `- {code: BR}`",
        "add it, or declare it",
    ),
    Code(
        "instance-unknown-field",
        "an instance field the template does not declare",
        "instances",
        "`nmae: Australia`",
        "the declared fields",
    ),
    Code(
        "instance-invalid-value",
        "an instance value of the wrong type, form or not a plain value",
        "instances",
        "`code: au` against `^[A-Z]{2}$`",
        "the template's rule and line",
    ),
    Code(
        "defaults-invalid",
        "a `defaults.yml` this file inherits from has errors",
        "project",
        hint="fix that file",
    ),
    Code(
        "operator-path-deprecated",
        "an Airflow 2 operator import path: it works, with a deprecation warning on every parse",
        "operator-paths",
        "`airflow.operators.bash.BashOperator`",
        "the Airflow 3 path; `dagforge migrate` rewrites it",
        severity="warning",
    ),
    Code(
        "asset-schedule-form",
        "`schedule: {datasets: [...]}`: dag-factory 1.1 builds it on Airflow 2 only",
        "schedules",
        '`schedule: {datasets: ["s3://b/k"]}`',
        '``for Airflow 3 write `schedule: ["s3://b/k"]` ``',
        severity="warning",
    ),
    Code(
        "untrusted-input-in-command",
        "run-time input (`dag_run.conf`, `params`, asset events, Variables) rendered into a shell "
        "command or a query",
        "untrusted",
        "`bash_command: \"echo {{ dag_run.conf['x'] }}\"`",
        "pass it through `env:`/`op_kwargs`, quote it, declare a `Param` schema",
        severity="warning",
    ),
    Code(
        "instance-template-injection",
        "an instance value holds Jinja (`{{`, `{%`): instance values are data, not template code",
        "instances",
        "`- {code: \"{{ dag_run.conf['x'] }}\"}`",
        "write the Jinja in the template body",
    ),
    Code(
        "airflow-version",
        "a feature that cannot work on the Airflow version given with `--airflow-version`",
        "compat",
        "`fail_fast: true` for Airflow 2.11.2",
        "what to use on that version",
    ),
    Code(
        "build-failed",
        "dag-factory or Airflow refused to build a DAG that validated (shown as a broken DAG)",
        "loader",
        "`pool_slots: 0`",
        "run `dagforge render` on the DAG",
    ),
    Code(
        "env-class-capacity",
        "more DAGs than the MWAA environment class given with `--env-class` is sized for",
        "mwaa",
        "60 DAGs for `mw1.small`",
        "the class that fits",
        severity="warning",
    ),
    Code(
        "parse-time",
        "the loader's measured import time against MWAA's 30 s timeout (`--env-class`)",
        "mwaa",
        hint="split the configs across loader files when it passes half",
        severity="info",
    ),
    Code(
        "parse-timeout",
        "the loader takes longer than MWAA's 30 s import timeout: every DAG would be lost",
        "mwaa",
        hint="split the configs across loader files",
    ),
    Code(
        "logical-date-undefined",
        "reads `ds` (or a key like it): undefined in Airflow 3 runs without a logical date",
        "logical-date",
        '`ds: "{{ ds }}"`',
        "`{{ (dag_run.logical_date or dag_run.run_after) | ds }}`",
        severity="warning",
    ),
    Code("variable-undeclared", "reads a Variable `variables.yml` does not declare", "variables"),
    Code(
        "variable-secret-value",
        "a secret-looking Variable with a value",
        "variables-file",
        hint="AWS Secrets Manager",
    ),
    Code("variable-unknown-profile", "a value for a profile not in `profiles`", "variables-file"),
    Code("variable-no-value", "a profile without a value", "variables-file", severity="warning"),
)
CODES: dict[str, Code] = {code.code: code for code in _CODES}


STAGES = ("load", "expand", "project", "compat", "loader", "mwaa", "variables-file")


def default_severity(code: str) -> Severity:
    """The severity ``code`` is reported with unless the reporter says otherwise."""
    return CODES[code].severity


def markdown_table() -> str:
    """The table of codes in docs/config-language.md (generated: ``dagforge schema --write``)."""
    rows = ["| code | what is wrong | example | hint given |", "| --- | --- | --- | --- |"]
    for entry in _CODES:
        name = f"`{entry.code}`" + ("" if entry.severity == "error" else f" ({entry.severity})")
        cells = [name, entry.title, entry.example, entry.hint]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows) + "\n"
