"""Instances appended in the file's own style and checked, and new template families."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dagforge.errors import ConfigError, UsageError
from dagforge.project import load_project
from dagforge.tools.scaffold import append_instance, new_family, scalar, typed_fields
from tests.support.scaffolding import cli, copy_configs


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_configs(tmp_path)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("KE", "KE"),
        ("NO", '"NO"'),
        ("on", '"on"'),
        ("0123", '"0123"'),
        ("1.5", '"1.5"'),
        ("a: b", '"a: b"'),
        ("South Africa", "South Africa"),
        (3, "3"),
    ],
)
def test_scalars_read_back_as_written(value: object, written: str) -> None:
    assert scalar(value) == written
    assert yaml.safe_load(f"x: {written}")["x"] == value


def test_an_instance_joins_the_flow_style_list_and_keeps_the_comments(project: Path) -> None:
    path = project / "dagfactory_configs" / "who_countries.yml"
    before = path.read_text()
    line = append_instance(path, "who_country", {"code": "KE", "name": "Kenya"})
    after = path.read_text()
    assert after.splitlines()[line - 1] == "      - {code: KE, name: Kenya}"
    assert after.startswith(before.rstrip("\n").rsplit("\n", 0)[0][:200])  # comments kept
    assert after.count("\n") == before.count("\n") + 1
    assert "who_country_KE" in {d.dag_id for d in load_project([path.parent]).dags()}


def test_norway_is_quoted_and_a_duplicate_is_refused_and_undone(project: Path) -> None:
    path = project / "dagfactory_configs" / "who_countries.yml"
    before = path.read_text()
    with pytest.raises(ConfigError, match="dag_id 'who_country_NO' is already defined"):
        append_instance(path, "who_country", {"code": "NO", "name": "Norway again"})
    assert path.read_text() == before


def test_typed_fields_follow_the_parameters(project: Path) -> None:
    spec = {"parameters": {"code": {"type": "string"}, "n": {"type": "integer"}}}
    assert typed_fields(spec, {"n": "3", "code": "AU"}) == {"code": "AU", "n": 3}
    with pytest.raises(UsageError, match="the template declares no cod"):
        typed_fields(spec, {"cod": "AU"})


def test_new_family_writes_a_valid_file(project: Path) -> None:
    path = new_family(project / "dagfactory_configs", "exports", ["partner", "region"])
    result = load_project([path], project / "dagfactory_configs")
    assert result.report.problems == []
    assert [d.dag_id for d in result.dags()] == ["exports_example"]
    assert "      #   on_failure_callback:\n" in path.read_text()
    with pytest.raises(UsageError, match="exists already"):
        new_family(project / "dagfactory_configs", "exports", ["partner"])


def test_new_instance_command(project: Path) -> None:
    done = cli("new", "instance", "who_country", "code=KE", "name=Kenya", cwd=project)
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout
        == "appended to dagfactory_configs/who_countries.yml:44 (validated: no problems)\n"
    )
    bad = cli("new", "instance", "who_country", "code=ke", "name=Kenya", cwd=project)
    assert bad.returncode == 1 and "instance-invalid-value" in bad.stderr
