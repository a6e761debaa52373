"""The DAG catalog: JSON and Markdown from the project, and docs/dags.md kept current."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dagforge.project import load_project
from dagforge.tools.catalog import entries, markdown, schedule_text
from tests.conftest import REPO

CONFIGS = Path("dagfactory_configs")


@pytest.fixture
def at_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # source paths are shown relative to the working directory


def test_docs_dags_md_is_current(at_repo: None) -> None:
    current = (REPO / "docs" / "dags.md").read_text(encoding="utf-8")
    assert current == markdown(entries(load_project([CONFIGS]))), "run: make catalog"


def test_json_lists_schedule_owner_tags_assets_and_source(at_repo: None) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dagforge", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    by_id = {entry["dag_id"]: entry for entry in json.loads(done.stdout)}
    split, country = by_id["who_split"], by_id["who_country_NA"]
    assert (split["schedule"], split["owner"], split["tags"]) == (
        "@daily",
        "data-engineering",
        ["who"],
    )
    assert split["updates_assets"] == ["dagforge://who/split"] == country["upstream_assets"]
    assert country["source"].startswith("dagfactory_configs/who_countries.yml:")
    assert country["description"] == "WHO COVID-19 daily figures for Namibia (NA)"


def test_a_broken_file_is_listed_and_marked(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("a:\n  schedule: '@daily'\n  tasks: []\n  bogus: 1\n")
    found = entries(load_project([tmp_path], tmp_path))
    assert [(e.dag_id, e.valid) for e in found] == [("a", False)]
    assert "(invalid: run dagforge validate)" in markdown(found)


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        ("@daily", "@daily"),
        (None, "none (triggered only)"),
        (["x://a"], "when its upstream assets update"),
    ],
)
def test_schedule_text(schedule: object, text: str) -> None:
    assert schedule_text({"schedule": schedule}) == text
