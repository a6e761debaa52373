"""A clean project is not checked again by the next process while nothing it depends on changed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from dagforge.runtime import loader, projectcache
from tests.conftest import REPO

CONFIG = """\
d_{n}:
  default_args: {{owner: o, start_date: 2024-03-01}}
  schedule: null
  max_active_runs: {runs}
  tasks:
    - {{task_id: a, operator: airflow.providers.standard.operators.empty.EmptyOperator}}
"""


@pytest.fixture
def dags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DAGFORGE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "dags").mkdir()
    shutil.copy(REPO / "dags" / "dagforge_dags.py", tmp_path / "dags")
    (tmp_path / "dagfactory_configs").mkdir()
    (tmp_path / "dagfactory_configs" / "c.yml").write_text(CONFIG.format(n="x", runs=1))
    return tmp_path / "dags"


def _fresh_process_load(dags: Path) -> tuple[dict[str, Any], str]:
    """load_dags as a new DAG-processor process would run it: the DAGs, and how they were found."""
    target: dict[str, Any] = {}
    outcome = loader.load_dags(target, dags)
    return target, outcome.path


def test_clean_project_is_not_checked_again(dags: Path) -> None:
    first, how = _fresh_process_load(dags)
    again, how_again = _fresh_process_load(dags)
    assert (how, how_again) == ("full", "cache")
    assert list(first) == list(again) == ["d_x"]
    assert again["d_x"].doc_md == first["d_x"].doc_md  # the origin survives the cache


def test_a_changed_config_is_checked_and_its_problem_shown(dags: Path) -> None:
    _fresh_process_load(dags)
    (dags.parent / "dagfactory_configs" / "c.yml").write_text(CONFIG.format(n="x", runs="many"))
    target, how = _fresh_process_load(dags)
    assert how == "full"
    assert "dagforge-error" in target["d_x"].tags


def test_a_project_with_problems_is_never_cached(dags: Path) -> None:
    (dags.parent / "dagfactory_configs" / "c.yml").write_text(CONFIG.format(n="x", runs="many"))
    _fresh_process_load(dags)
    _, how = _fresh_process_load(dags)
    assert how == "full"


def test_key_covers_configs_and_the_code_validation_depends_on(
    dags: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configs = dags.parent / "dagfactory_configs"
    before = projectcache.key_material(configs)
    (configs / "defaults.yml").write_text("default_args: {owner: someone}\n")
    with_defaults = projectcache.key_material(configs)
    monkeypatch.setattr(projectcache, "fingerprint", lambda policy: "other code")
    assert len({before, with_defaults, projectcache.key_material(configs)}) == 3


def test_fingerprint_includes_the_callables_package() -> None:
    assert REPO / "callables" in projectcache._package_dirs(["callables"])
