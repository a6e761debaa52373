"""Templates in config values: Variable reads against variables.yml, and logical-date keys that
Airflow 3 leaves undefined in runs without a logical date."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagforge.language.templates import LOGICAL_DATE_KEYS, parse, unguarded_date_keys
from dagforge.project import load_project

VARIABLES = """\
profiles: [local, prod]
variables:
  data_bucket:
    values: {local: b-local, prod: b-prod}
"""


def project(tmp_path: Path, config: str, variables: str | None = VARIABLES) -> list[str]:
    (tmp_path / "pipeline.yml").write_text(config)
    if variables is not None:
        (tmp_path / "variables.yml").write_text(variables)
    report = load_project([tmp_path], tmp_path).report
    return [f"{p.code}@{p.file.rsplit('/', 1)[-1]}:{p.line}" for p in report.sorted()]


def config(value: str) -> str:
    """A task whose templated ``env`` value (line 6) is ``value``."""
    return f"""\
load:
  schedule: "@daily"
  tasks:
    - task_id: t
      operator: airflow.providers.standard.operators.bash.BashOperator
      env: {{VALUE: "{value}"}}
      bash_command: printenv VALUE
"""


def test_an_undeclared_variable_read_is_reported_at_its_line(tmp_path: Path) -> None:
    found = project(tmp_path, config("aws s3 ls s3://{{ var.value.data_bukcet }}"))
    assert found == ["variable-undeclared@pipeline.yml:6"]
    [problem] = load_project([tmp_path], tmp_path).report.problems
    assert problem.hint == "did you mean 'data_bucket'?"


@pytest.mark.parametrize(
    "read",
    [
        "{{ var.value.data_bucket }}",
        "{{ var.json.get('data_bucket', {}) }}",
        "{{ var.value['data_bucket'] }}",
    ],
)
def test_every_form_of_a_declared_read_passes(tmp_path: Path, read: str) -> None:
    assert project(tmp_path, config(f"echo {read}")) == []


def test_every_form_of_an_undeclared_read_is_found(tmp_path: Path) -> None:
    reads = "{{ var.json.get('a') }} {{ var.value['b'] }} {{ var.value.data_bucket }}"
    assert project(tmp_path, config(f"echo {reads}")) == ["variable-undeclared@pipeline.yml:6"] * 2


def test_without_variables_yml_reads_are_not_checked(tmp_path: Path) -> None:
    assert project(tmp_path, config("{{ var.value.anything }}"), variables=None) == []


def test_ds_warns_with_the_expression_that_works(tmp_path: Path) -> None:
    assert project(tmp_path, config("echo {{ ds }}")) == ["logical-date-undefined@pipeline.yml:6"]
    [problem] = load_project([tmp_path], tmp_path).report.problems
    assert problem.severity == "warning"
    assert "{{ (dag_run.logical_date or dag_run.run_after) | ds }}" in problem.hint


@pytest.mark.parametrize(
    "text",
    [
        "{{ (dag_run.logical_date or dag_run.run_after) | ds }}",
        "{{ ds if ds is defined else dag_run.run_after | ds }}",
        "{% set ds = dag_run.run_after | ds %}{{ ds }}",
        "{{ params.ds }} {{ dag_run.conf.get('ds') }}",
        "ds without braces",
    ],
)
def test_guarded_or_unrelated_reads_pass(text: str) -> None:
    tree = parse(text)
    assert tree is None or unguarded_date_keys(tree) == []


def test_every_logical_date_key_is_found_even_behind_a_filter() -> None:
    text = " ".join(f"{{{{ {key} | some_macro }}}}" for key in LOGICAL_DATE_KEYS)
    tree = parse(text)
    assert tree is not None and unguarded_date_keys(tree) == sorted(LOGICAL_DATE_KEYS)


def test_the_shipped_configs_declare_every_variable_and_run_without_a_logical_date() -> None:
    report = load_project([Path(__file__).resolve().parents[2] / "dagfactory_configs"]).report
    assert [p.code for p in report.problems] == []
