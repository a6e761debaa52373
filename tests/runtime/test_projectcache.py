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


def _fresh_process_load(dags: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], int]:
    """load_dags as a new DAG-processor process would run it, counting full checks."""
    calls: list[object] = []
    real = loader.load_project
    monkeypatch.setattr(loader, "load_project", lambda *a, **k: calls.append(a) or real(*a, **k))
    target: dict[str, Any] = {}
    loader.load_dags(target, dags)
    return target, len(calls)


def test_clean_project_is_not_checked_again(dags: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, checks = _fresh_process_load(dags, monkeypatch)
    again, checks_again = _fresh_process_load(dags, monkeypatch)
    assert (checks, checks_again) == (1, 0)
    assert list(first) == list(again) == ["d_x"]
    assert again["d_x"].doc_md == first["d_x"].doc_md  # the origin survives the cache


def test_a_changed_config_is_checked_and_its_problem_shown(
    dags: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh_process_load(dags, monkeypatch)
    (dags.parent / "dagfactory_configs" / "c.yml").write_text(CONFIG.format(n="x", runs="many"))
    target, checks = _fresh_process_load(dags, monkeypatch)
    assert checks == 1
    assert "dagforge-error" in target["d_x"].tags


def test_a_project_with_problems_is_never_cached(
    dags: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (dags.parent / "dagfactory_configs" / "c.yml").write_text(CONFIG.format(n="x", runs="many"))
    _fresh_process_load(dags, monkeypatch)
    _, checks = _fresh_process_load(dags, monkeypatch)
    assert checks == 1


def test_key_covers_configs_and_the_code_validation_depends_on(
    dags: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configs = dags.parent / "dagfactory_configs"
    before = projectcache.key_material(configs)
    (configs / "defaults.yml").write_text("default_args: {owner: someone}\n")
    with_defaults = projectcache.key_material(configs)
    monkeypatch.setattr(projectcache, "fingerprint", lambda: "other code")
    assert len({before, with_defaults, projectcache.key_material(configs)}) == 3


def test_fingerprint_includes_the_callables_package() -> None:
    assert REPO / "callables" in projectcache._package_dirs(["callables"])
