"""Secrets never reach problem messages (and so error DAGs and logs), render or diff output."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagforge.cli import main
from dagforge.project import load_project
from dagforge.secrets import hide, masked, secrets_in, sensitive

BASH = "airflow.providers.standard.operators.bash.BashOperator"
CONFIG = f"""\
leaky:
  default_args: {{owner: t, start_date: 2024-03-01}}
  params: {{api_token: 12345, db: "postgres://app:hunter2@db.example:5432/x"}}
  tasks:
    - task_id: t
      operator: {BASH}
      bash_command: echo hi
      env: {{DB_PASSWORD: opensesame}}
"""


@pytest.mark.parametrize(
    ("key", "hidden"),
    [("password", True), ("DB_PASSWORD", True), ("api-key", True), ("owner", False)],
)
def test_keys_are_judged_as_airflow_judges_them(key: str, hidden: bool) -> None:
    assert sensitive(key) is hidden


def test_uri_passwords_and_values_under_sensitive_keys_are_found_and_hidden() -> None:
    found = secrets_in({"password": "pw123", "url": "s3://u:zz@host/k", "n": [{"token": "t"}]})
    assert found == {"pw123", "zz", "t"}
    assert hide("pw123 and s3://u:zz@host/k", found) == "*** and s3://u:***@host/k"
    assert hide("got 't' for the token, at t", found) == "got '***' for the token, at t"


def test_masked_keeps_the_shape_and_hides_the_values() -> None:
    data = {"params": {"api_token": 1, "n": 2}, "conn": "mysql://a:b@h"}
    assert masked(data) == {"params": {"api_token": "***", "n": 2}, "conn": "mysql://a:***@h"}


def test_a_wrong_value_under_a_secret_key_is_not_quoted(tmp_path: Path) -> None:
    text = CONFIG.replace("bash_command: echo hi", "bash_command: 7").replace(
        "env: {DB_PASSWORD: opensesame}", "env: {DB_PASSWORD: [opensesame]}"
    )
    (tmp_path / "c.yml").write_text(text)
    report = load_project([tmp_path]).report
    shown = "\n".join(p.format() for p in report.problems)
    assert report.problems and "opensesame" not in shown


def test_render_and_diff_show_no_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "c.yml").write_text(CONFIG)
    assert main(["render", "leaky", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "hunter2" not in out and "opensesame" not in out and "12345" not in out
    assert "postgres://app:***@db.example:5432/x" in out
