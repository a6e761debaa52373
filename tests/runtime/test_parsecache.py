from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dagforge import settings
from dagforge.runtime import loader, locate, parsecache


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(settings.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_hit_returns_the_stored_data_and_a_changed_file_misses() -> None:
    parsecache.put("a: 1\n", {"a": 1})
    assert parsecache.get("a: 1\n") == {"a": 1}
    assert parsecache.get("a: 2\n") is None


def test_an_unwritable_cache_only_costs_speed(private_cache: Path) -> None:
    private_cache.parent.mkdir(parents=True, exist_ok=True)
    private_cache.write_text("not a folder")
    parsecache.put("a: 1\n", {"a": 1})
    assert parsecache.get("a: 1\n") is None


def test_cache_folder_is_private(private_cache: Path) -> None:
    parsecache.put("a: 1\n", {"a": 1})
    assert private_cache.stat().st_mode & 0o077 == 0


def test_task_run_parse_uses_the_cache_on_the_second_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configs = tmp_path / "dagfactory_configs"
    configs.mkdir()
    (configs / "c.yml").write_text(
        "templates:\n  t:\n    dag_id: d_{n}\n    parameters: {n: {type: string}}\n    dag:\n    "
        "  default_args: {owner: o, start_date: 2024-03-01}\n      schedule: null\n      "
        "tasks:\n        - {task_id: a, operator: "
        "airflow.providers.standard.operators.empty.EmptyOperator}\n    instances: [{n: x}, {n: "
        "y}]\n"
    )
    composed: list[str] = []
    real = locate.load_text
    monkeypatch.setattr(
        locate, "load_text", lambda text, file: composed.append(file) or real(text, file)
    )
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID", "d_y")
    first: dict[str, Any] = {}
    second: dict[str, Any] = {}
    loader.load_dags(first, tmp_path / "dags")
    loader.load_dags(second, tmp_path / "dags")
    assert list(first) == list(second) == ["d_y"]
    assert len(composed) == 1


def test_a_folder_others_can_write_is_not_trusted(private_cache: Path) -> None:
    parsecache.put("a: 1\n", {"a": 1})
    private_cache.chmod(0o777)
    assert parsecache.get("a: 1\n") is None
    private_cache.chmod(0o700)
    assert parsecache.get("a: 1\n") == {"a": 1}
