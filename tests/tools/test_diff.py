"""``dagforge diff``: DAGs at a git ref against the working tree, on a small repository made
here."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from dagforge.cli import main
from dagforge.errors import GitRefError
from dagforge.tools.diff import diff_project, format_markdown

EMPTY = "airflow.providers.standard.operators.empty.EmptyOperator"
BASE = f"""\
default:
  default_args: {{owner: alice, start_date: 2024-01-01}}
dag_a:
  schedule: "@daily"
  tasks:
    - {{task_id: extract, operator: {EMPTY}}}
    - {{task_id: load, operator: {EMPTY}, dependencies: [extract]}}
dag_b:
  schedule: "@hourly"
  tasks:
    - {{task_id: only, operator: {EMPTY}}}
templates:
  per_country:
    dag_id: country_{{code}}
    parameters:
      code: {{type: string}}
    dag:
      schedule: "@daily"
      tags: ["country:{{code}}"]
      tasks:
        - {{task_id: run, operator: {EMPTY}}}
    instances:
      - {{code: AU}}
      - {{code: BR}}
"""


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    configs = tmp_path / "dagfactory_configs"
    configs.mkdir()
    (configs / "pipelines.yml").write_text(BASE)
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".")
    _git(
        tmp_path,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-q",
        "-m",
        "base",
    )
    return tmp_path


def _edit(repo: Path, old: str, new: str) -> None:
    path = repo / "dagfactory_configs" / "pipelines.yml"
    path.write_text(path.read_text().replace(old, new))


def test_no_change_says_so(repo: Path) -> None:
    diff = diff_project(repo, "main")
    assert (diff.added, diff.removed, diff.changed, diff.unchanged) == ([], [], {}, 4)
    assert "No DAG changes." in format_markdown(diff)


def test_added_and_removed_dags(repo: Path) -> None:
    _edit(repo, "      - {code: BR}", "      - {code: JP}")
    diff = diff_project(repo, "main")
    assert diff.added == ["country_JP"] and diff.removed == ["country_BR"]
    text = format_markdown(diff)
    assert "### Added\n\n- `country_JP` (dagfactory_configs/pipelines.yml:" in text
    assert "### Removed\n\n- `country_BR`" in text


def test_changed_keys_are_named_per_dag(repo: Path) -> None:
    _edit(repo, "owner: alice", "owner: bob")
    _edit(repo, '"@hourly"', '"@daily"')
    diff = diff_project(repo, "main")
    assert [c.path for c in diff.changed["dag_b"]] == ["default_args.owner", "schedule"]
    assert [(c.before, c.after) for c in diff.changed["dag_a"]] == [("alice", "bob")]


def test_task_changes_are_keyed_by_task_id(repo: Path) -> None:
    _edit(repo, "dependencies: [extract]", "dependencies: []")
    change = diff_project(repo, "main").changed["dag_a"]
    assert [(c.path, c.before, c.after) for c in change] == [
        ("tasks[load].dependencies", ["extract"], [])
    ]


def test_a_template_edit_is_shown_once_for_all_its_dags(repo: Path) -> None:
    _edit(repo, '      schedule: "@daily"\n      tags', '      schedule: "@weekly"\n      tags')
    text = format_markdown(diff_project(repo, "main"))
    assert "- `country_AU`, `country_BR` (2 DAGs): schedule" in text
    assert text.count('| `schedule` | `"@daily"` | `"@weekly"` |') == 1


def test_uncommitted_new_file_counts(repo: Path) -> None:
    (repo / "dagfactory_configs" / "more.yml").write_text(
        "dag_c:\n  default_args: {owner: c, start_date: 2024-01-01}\n  tasks:\n    - "
        f"{{task_id: x, operator: {EMPTY}}}\n"
    )
    assert diff_project(repo, "main").added == ["dag_c"]


def test_broken_config_is_reported_not_compared(repo: Path) -> None:
    _edit(repo, "dag_b:\n  schedule:", "dag_b:\n  schedul:")
    text = format_markdown(diff_project(repo, "main"))
    assert "config error(s) at working tree" in text


def test_ref_without_the_config_folder_adds_everything(repo: Path) -> None:
    _git(repo, "checkout", "-q", "--orphan", "empty")
    _git(repo, "rm", "-rq", "--cached", ".")
    _git(
        repo,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "e",
    )
    assert len(diff_project(repo, "empty").added) == 4


def test_unknown_ref_is_a_usage_error(repo: Path) -> None:
    with pytest.raises(GitRefError, match="'nope' is not a commit"):
        diff_project(repo, "nope")


def test_cli_json_and_exit_code(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(repo, "      - {code: BR}\n", "")
    assert (
        main(
            [
                "diff",
                "--base",
                "main",
                "--project-dir",
                str(repo),
                "--format",
                "json",
                "--exit-code",
            ]
        )
        == 1
    )
    assert json.loads(capsys.readouterr().out)["removed"] == ["country_BR"]
    assert main(["diff", "--base", "nope", "--project-dir", str(repo)]) == 2


def test_changed_task_code_is_listed(repo: Path) -> None:
    (repo / "callables").mkdir()
    (repo / "callables" / "new.py").write_text("def f() -> None: ...\n")
    diff = diff_project(repo, "main")
    assert diff.code_changed == ["callables/new.py"]
    assert "### Task code changed" in format_markdown(
        diff
    ) and "- `callables/new.py`" in format_markdown(diff)
