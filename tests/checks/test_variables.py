"""variables.yml itself: schema, secrets in plain text, profiles, and what each profile holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagforge.checks.variables import variables_file_problems
from dagforge.errors import VariablesFileError
from dagforge.language.variables import read_variables
from dagforge.load import load_text
from dagforge.project import load_variables_file


def problems(text: str) -> list[str]:
    return [f"{p.code}@{p.line}" for p in variables_file_problems(load_text(text, "variables.yml"))]


def test_a_secret_looking_key_with_a_value_is_refused() -> None:
    text = "profiles: [dev]\nvariables:\n  partner_api_key:\n    value: abc123\n"
    assert problems(text) == ["variable-secret-value@4"]
    [problem] = variables_file_problems(load_text(text, "variables.yml"))
    assert "airflow/variables/partner_api_key" in problem.hint and "secret: true" in problem.hint


@pytest.mark.parametrize("key", ["warehouse_dsn", "slack_webhook_url", "db_connection_string"])
def test_every_key_airflow_masks_is_a_secret_here_too(key: str) -> None:
    """variables.yml and the masking of problems share Airflow's list of sensitive words."""
    text = f"profiles: [dev]\nvariables:\n  {key}:\n    value: abc123\n"
    assert problems(text) == ["variable-secret-value@4"]


def test_a_secret_declared_as_such_has_no_value_and_passes() -> None:
    text = "profiles: [dev]\nvariables:\n  partner_api_key:\n    secret: true\n"
    assert problems(text) == []
    assert problems(text + "    values: {dev: abc}\n") == ["variable-secret-value@5"]


def test_profiles_are_checked_by_name_with_a_close_match() -> None:
    text = "profiles: [dev, prod]\nvariables:\n  b:\n    values: {dev: x, prd: y}\n"
    assert sorted(problems(text)) == ["variable-no-value@3", "variable-unknown-profile@4"]


def test_the_schema_names_unknown_keys() -> None:
    text = "profiles: [dev]\nvariables:\n  b:\n    valeu: x\n"
    assert problems(text) == ["unknown-key@4"]


def test_value_and_values_together_are_one_mistake() -> None:
    text = "profiles: [dev]\nvariables:\n  b:\n    value: x\n    values: {dev: y}\n"
    assert problems(text) == ["invalid-value@5"]


def test_each_profile_holds_its_values_and_json_for_the_rest() -> None:
    text = (
        "profiles: [dev, prod]\nvariables:\n  b: {values: {dev: d, prod: p}}\n"
        "  limits: {value: {rows: 10}}\n  token: {secret: true}\n"
    )
    declared = read_variables(Path("variables.yml"), load_text(text, "variables.yml"))
    prod = declared.for_profile("prod")
    assert {key: v.values["prod"] for key, v in prod.items()} == {
        "b": "p",
        "limits": '{"rows": 10}',
    }
    assert declared.variables["token"].secret


def test_a_file_with_errors_is_refused_with_them(tmp_path: Path) -> None:
    path = tmp_path / "variables.yml"
    path.write_text("profiles: [dev]\nvariables:\n  db_password: {value: hunter2}\n")
    with pytest.raises(VariablesFileError, match="variable-secret-value"):
        load_variables_file(path)
