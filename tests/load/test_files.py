"""Config files are read the safe way: each refusal is a problem at the file, never a hang, a
crash or 0 DAGs (issue 11, items 5, 8 and 9)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dagforge.cli import main
from dagforge.project import load_project
from dagforge.settings import MAX_CONFIG_BYTES

EMPTY = "airflow.providers.standard.operators.empty.EmptyOperator"
GOOD = f"good:\n  tasks: [{{task_id: a, operator: {EMPTY}}}]\n"


def codes(folder: Path) -> dict[str, str]:
    report = load_project([folder], folder).report
    return {Path(p.file).name: p.code for p in report.errors}


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yml")
    (tmp_path / "good.yml").write_text(GOOD)
    assert codes(tmp_path) == {"pipe.yml": "file-refused"}


def test_a_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.yml").symlink_to("/dev/zero")
    assert codes(tmp_path) == {"zero.yml": "file-refused"}


def test_a_symlink_leading_outside_is_refused_and_never_quoted(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text("secret_dag:\n  description: s3cr3t\n")
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "link.yml").symlink_to(outside)
    report = load_project([tmp_path / "configs"], tmp_path / "configs").report
    assert [p.code for p in report.errors] == ["file-refused"]
    assert "s3cr3t" not in report.errors[0].format()


def test_a_symlink_staying_inside_is_read(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "good.yml").write_text(GOOD)
    (tmp_path / "alias.yml").symlink_to(tmp_path / "real" / "good.yml")
    result = load_project([tmp_path / "alias.yml"], tmp_path)
    assert result.report.errors == [] and [d.dag_id for d in result.dags()] == ["good"]


def test_a_symlinked_folder_is_not_walked(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "good.yml").write_text(GOOD)
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "linked").symlink_to(tmp_path / "elsewhere")
    assert load_project([tmp_path / "configs"], tmp_path / "configs").files == []


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big.yml").write_text(GOOD + "#" * MAX_CONFIG_BYTES)
    assert codes(tmp_path) == {"big.yml": "file-refused"}


def test_invalid_utf8_is_a_problem_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "latin1.yml").write_bytes(b"good:\n  description: caf\xe9\n")
    [problem] = load_project([tmp_path], tmp_path).report.errors
    assert (problem.code, problem.line) == ("file-unreadable", 2)


def test_validate_says_when_a_folder_has_no_configs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert "no config files" in capsys.readouterr().err
