from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dagforge.checks.schema_errors import schema_problems
from dagforge.cli import main
from dagforge.errors import ConfigError
from dagforge.load import load_text
from dagforge.policy import Policy
from dagforge.project import load_project
from dagforge.tools.migrate import migrate_text
from tests.conftest import CORPUS

MIGRATE = CORPUS / "migrate"
LEGACY = MIGRATE / "mwaa_0x.yml"


def test_mwaa_walkthrough_migrates_to_the_golden_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", str(LEGACY)]) == 0
    out, err = capsys.readouterr()
    assert out == (MIGRATE / "mwaa_0x.migrated.yml").read_text(encoding="utf-8")
    assert "line 7: retry_delay_sec: 300 → retry_delay: 5m" in err
    assert "schedule_interval → schedule" in err


def test_migrated_walkthrough_validates_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "legacy_callables"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "process_s3_data.py").write_text(
        "__all__ = ['process_s3_data']\n\n\ndef process_s3_data(country: str) -> None:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    config = tmp_path / "configs" / "who.yml"
    config.parent.mkdir()
    config.write_text(
        migrate_text(LEGACY.read_text(encoding="utf-8"), "who.yml", package="legacy_callables").text
    )
    policy = Policy(callable_packages=("legacy_callables",))
    result = load_project([config.parent], policy=policy)
    assert result.report.problems == []
    assert len(result.dags()) == 7
    sys.modules.pop("legacy_callables.process_s3_data", None)
    sys.modules.pop("legacy_callables", None)


def test_comments_and_unrelated_lines_are_kept() -> None:
    text = "# top\nmy_dag:  # the dag\n  concurrency: 2  # two at once\n  tasks: []\n"
    migrated = migrate_text(text, "f.yml")
    assert (
        migrated.text
        == "# top\nmy_dag:  # the dag\n  max_active_tasks: 2  # two at once\n  tasks: []\n"
    )


def test_a_sec_key_in_a_flow_mapping_is_rewritten_in_place() -> None:
    migrated = migrate_text("d:\n  default_args: {retries: 1, retry_delay_sec: 90}\n", "f.yml")
    assert migrated.text == "d:\n  default_args: {retries: 1, retry_delay: 1m30s}\n"


def test_what_cannot_be_rewritten_safely_is_left_for_a_person() -> None:
    migrated = migrate_text("d:\n  default_args: {default_view: tree}\n", "f.yml")
    assert migrated.text.endswith("{default_view: tree}\n")
    assert migrated.manual and "default_view" in migrated.manual[0]


def test_unparsable_yaml_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="yaml-syntax"):
        migrate_text("a: [1\n", "f.yml")


def test_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "no/such/file.yml"]) == 2
    assert "no such file" in capsys.readouterr().err


LEGACY_KEYS = """d:
  on_failure_callback_name: alert
  on_failure_callback_file: /usr/local/airflow/dags/notify.py
  default_args:
    sla_secs: 600
    execution_timeout_secs: 60
    on_success_callback_name: ok
    on_success_callback_file: /usr/local/airflow/dags/callables/notify.py
  tasks:
    - task_id: wait
      operator: airflow.sensors.external_task_sensor.ExternalTaskSensor
      external_dag_id: upstream
    - task_id: flow
      decorator: airflow.decorators.task
      python_callable: callables.who.process_country
"""


def test_callback_pairs_sensor_paths_and_decorators_are_converted() -> None:
    migrated = migrate_text(LEGACY_KEYS, "f.yml")
    assert "  on_failure_callback: callables.notify.alert\n" in migrated.text
    assert "    on_success_callback: callables.notify.ok\n" in migrated.text
    assert "_callback_name" not in migrated.text and "_callback_file" not in migrated.text
    assert "airflow.providers.standard.sensors.external_task.ExternalTaskSensor" in migrated.text
    assert "decorator: airflow.sdk.task\n" in migrated.text
    assert migrated.manual == []


def test_migrate_never_writes_a_key_validate_rejects() -> None:
    """``sla_secs`` is not ``sla`` on Airflow 3 (SLAs are gone): the line goes, with the reason."""
    migrated = migrate_text(LEGACY_KEYS, "f.yml")
    assert "sla" not in migrated.text
    assert any("SLAs were removed in Airflow 3" in change for change in migrated.changes)
    doc = load_text(migrated.text, "f.yml")
    assert schema_problems(doc) == []


def test_a_seconds_key_no_airflow_3_key_takes_is_left_for_a_person(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "f.yml"
    config.write_text("d:\n  tasks:\n    t:\n      pool_slots_secs: 3\n")
    assert main(["migrate", str(config)]) == 1
    assert "TODO line 4: 'pool_slots_secs' needs a manual change" in capsys.readouterr().err
