"""pre-commit: yamllint and check-jsonschema run as the hooks run them, and agree with our
configs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

CONFIG = REPO / ".pre-commit-config.yaml"
CONFIGS = REPO / "dagfactory_configs"


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(CONFIG.read_text())
    return {
        hook.get("alias", hook["id"]): {**hook, "rev": repo.get("rev", "")}
        for repo in data["repos"]
        for hook in repo["hooks"]
    }


def _yamllint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "yamllint", "-c", str(REPO / ".yamllint"), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_yamllint_passes_on_our_configs() -> None:
    done = _yamllint(CONFIGS)
    assert done.returncode == 0, done.stdout


def test_yamllint_rejects_an_unquoted_norway(tmp_path: Path) -> None:
    bad = tmp_path / "countries.yml"
    bad.write_text("instances:\n  - {code: NO, name: Norway}\n")
    done = _yamllint(bad)
    assert done.returncode == 1 and "truthy" in done.stdout


def _config_files(hook: dict[str, Any]) -> list[Path]:
    files = [
        p
        for p in sorted(CONFIGS.rglob("*"))
        if re.search(hook["files"], p.relative_to(REPO).as_posix())
    ]
    return [
        p for p in files if not re.search(hook.get("exclude", "^$"), p.relative_to(REPO).as_posix())
    ]


@pytest.mark.parametrize(
    "hook_id", ["check-jsonschema", "check-jsonschema-defaults", "check-jsonschema-variables"]
)
def test_check_jsonschema_hook_passes_as_configured(
    hooks: dict[str, dict[str, Any]], hook_id: str
) -> None:
    hook = hooks[hook_id]
    files = _config_files(hook)
    assert files
    done = subprocess.run(
        [str(Path(sys.executable).parent / "check-jsonschema"), *hook["args"], *map(str, files)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_defaults_files_go_to_the_defaults_schema_only(hooks: dict[str, dict[str, Any]]) -> None:
    assert [p.name for p in _config_files(hooks["check-jsonschema-defaults"])] == ["defaults.yml"]
    assert "defaults.yml" not in [p.name for p in _config_files(hooks["check-jsonschema"])]


def test_variables_yml_goes_to_the_variables_schema_only(hooks: dict[str, dict[str, Any]]) -> None:
    variables = hooks["check-jsonschema-variables"]
    assert [p.name for p in _config_files(variables)] == ["variables.yml"]
    assert "variables.yml" not in [p.name for p in _config_files(hooks["check-jsonschema"])]


def test_hook_versions_match_the_lock(hooks: dict[str, dict[str, Any]]) -> None:
    lock = dict(
        line.split("==")
        for line in (REPO / "requirements/lock.txt").read_text().splitlines()
        if "==" in line
    )
    assert hooks["yamllint"]["rev"] == f"v{lock['yamllint']}"
    assert hooks["check-jsonschema"]["rev"] == lock["check-jsonschema"]
    assert hooks["ruff"]["rev"] == f"v{lock['ruff']}"


def test_validate_hook_runs_dagforge_on_the_config_folder(hooks: dict[str, dict[str, Any]]) -> None:
    hook = hooks["dagforge-validate"]
    assert (
        hook["entry"] == ".venv/bin/dagforge validate dagfactory_configs/"
        and hook["language"] == "system"
    )
    done = subprocess.run(
        hook["entry"].split(), cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(hook["files"], "dagfactory_configs/who_countries.yml")
