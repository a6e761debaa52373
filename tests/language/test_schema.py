from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from dagforge.cli import main
from dagforge.commands.schema import stale_files
from dagforge.errors import StaleFilesError
from dagforge.language.schema import load_schema
from dagforge.settings import SCHEMAS_DIR
from tests.conftest import REPO


def test_committed_schema_and_reference_docs_are_up_to_date() -> None:
    assert stale_files() == [], "run `dagforge schema --write` and commit the result"


def test_schema_check_command_exits_0_when_up_to_date() -> None:
    assert main(["schema", "--check"]) == 0


def test_stale_error_names_the_files_and_the_fix() -> None:
    with pytest.raises(StaleFilesError, match="dagforge schema --write"):
        raise StaleFilesError(["schemas/dagforge.schema.json"], "dagforge schema --write")


def test_schema_is_valid_2020_12_and_closed_at_dag_and_task_level() -> None:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    defs = schema["$defs"]
    assert defs["dag"]["additionalProperties"] is False
    common = [name for name in defs if name.startswith("task.") and "title" in defs[name]]
    assert len(common) >= 15
    # closed together with taskBase (every task's keys), which they compose
    assert all(defs[name]["unevaluatedProperties"] is False for name in common)
    assert all(defs[name]["allOf"] == [{"$ref": "#/$defs/taskBase"}] for name in common)
    # any other operator's task is open here and checked against the operator catalog
    assert defs["task.other"]["additionalProperties"] == {"$ref": "#/$defs/value"}


def test_every_operator_has_its_own_arguments_and_airflow2_paths() -> None:
    defs = load_schema()["$defs"]
    bash = defs["task.BashOperator"]
    assert "bash_command" in bash["required"] and "op_args" not in bash["properties"]
    assert "airflow.operators.bash.BashOperator" in defs["operator"]["examples"]
    assert {"task.S3KeySensor", "task.S3CopyObjectOperator", "task.TriggerDagRunOperator"} <= set(
        defs
    )


@pytest.mark.airflow
def test_operator_registry_matches_the_installed_airflow() -> None:
    from dagforge.language.schemagen import introspect

    committed = (SCHEMAS_DIR / "operators.json").read_text(encoding="utf-8")
    assert json.loads(introspect.render()) == json.loads(committed), (
        "run `python -m dagforge.language.schemagen.introspect` then `dagforge schema --write`"
    )


def test_docs_mention_every_dag_key() -> None:
    docs = (REPO / "docs" / "config-reference.md").read_text(encoding="utf-8")
    assert all(f"`{key}`" in docs for key in load_schema()["$defs"]["dag"]["properties"])
