"""The project cache: an unchanged project is not checked again by the next process, and nothing
planted in the cache folder gets built (issue 11: caches cannot add code)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from dagforge.policy import load_policy
from dagforge.runtime import cache, loader, projectcache
from tests.conftest import REPO

PYTHON = "airflow.providers.standard.operators.python.PythonOperator"
CONFIG = """\
d_{n}:
  default_args: {{owner: o, start_date: 2024-03-01}}
  schedule: null
  max_active_runs: {runs}
  tasks:
    - task_id: a
      operator: {python}
      python_callable: callables.who.process_country
      op_kwargs: {{country_code: AU, bucket: b, source_key: k, output_prefix: o,
                  ds: "{{{{ ds }}}}"}}
"""


@pytest.fixture
def dags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DAGFORGE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "dags").mkdir()
    shutil.copy(REPO / "dags" / "dagforge_dags.py", tmp_path / "dags")
    (tmp_path / "dagfactory_configs").mkdir()
    _write(tmp_path / "dags", "x", 1)
    return tmp_path / "dags"


def _write(dags: Path, name: str, runs: object) -> None:
    text = CONFIG.format(n=name, runs=runs, python=PYTHON)
    (dags.parent / "dagfactory_configs" / "c.yml").write_text(text)


def _load(dags: Path) -> tuple[dict[str, Any], str]:
    """load_dags as a new DAG-processor process would run it: the DAGs, and how they were found."""
    target: dict[str, Any] = {}
    outcome = loader.load_dags(target, dags)
    return target, outcome.path


def _entry(dags: Path) -> Path:
    configs = dags.parent / "dagfactory_configs"
    key = projectcache.key(configs, load_policy(configs))
    return cache.cache_dir() / f"{cache.digest(key)}.jsonl"


def _plant(dags: Path, change: Any) -> None:
    """Rewrite the cache entry as a task on the worker could: ``change`` gets {dag_id: row}."""
    entry = _entry(dags)
    head, *lines = entry.read_text().splitlines()
    rows = {json.loads(n): json.loads(t) for n, _, t in (line.partition("\t") for line in lines)}
    change(rows)
    body = "".join(f"{json.dumps(name)}\t{json.dumps(row)}\n" for name, row in rows.items())
    entry.write_text(f"{head}\n{body}")


def test_clean_project_is_not_checked_again(dags: Path) -> None:
    first, how = _load(dags)
    again, how_again = _load(dags)
    assert (how, how_again) == ("full", "cache")
    assert list(first) == list(again) == ["d_x"]
    assert again["d_x"].doc_md == first["d_x"].doc_md  # the origin survives the cache


def test_a_changed_config_is_checked_and_its_problem_shown(dags: Path) -> None:
    _load(dags)
    _write(dags, "x", "many")
    target, how = _load(dags)
    assert how == "full" and "dagforge-error" in target["d_x"].tags


def test_a_project_with_problems_is_cached_with_its_error_dags(dags: Path) -> None:
    _write(dags, "x", "many")
    _load(dags)
    target, how = _load(dags)
    assert how == "cache" and "dagforge-error" in target["d_x"].tags


def test_key_covers_configs_defaults_and_the_code(
    dags: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configs = dags.parent / "dagfactory_configs"
    policy = load_policy(configs)
    before = projectcache.key(configs, policy)
    (configs / "defaults.yml").write_text("default_args: {owner: someone}\n")
    with_defaults = projectcache.key(configs, policy)
    monkeypatch.setattr(projectcache, "fingerprint", lambda policy: "other code")
    assert len({before, with_defaults, projectcache.key(configs, policy)}) == 3


def test_fingerprint_includes_the_callables_package() -> None:
    assert REPO / "callables" in projectcache._package_dirs(["callables"])


def test_a_planted_callable_outside_the_allow_list_is_never_built(dags: Path) -> None:
    _load(dags)

    def swap(rows: Any) -> None:
        rows["d_x"]["config"]["tasks"][0]["python_callable"] = "builtins.exec"

    _plant(dags, swap)
    target, how = _load(dags)
    assert how == "full"
    assert target["d_x"].get_task("a").python_callable.__name__ == "process_country"
    assert _load(dags)[1] == "cache"  # the planted entry was replaced


def test_a_planted_dag_that_no_config_defines_is_never_built(dags: Path) -> None:
    _load(dags)

    def add(rows: Any) -> None:
        rows["planted"] = {**json.loads(json.dumps(rows["d_x"])), "dag_id": "planted"}

    _plant(dags, add)
    target, how = _load(dags)
    assert how == "full" and sorted(target) == ["d_x"]


def test_an_entry_copied_under_another_key_is_not_read(dags: Path) -> None:
    _load(dags)
    old = _entry(dags).read_text()
    _write(dags, "x", 2)
    _entry(dags).parent.mkdir(exist_ok=True)
    _entry(dags).write_text(old)  # the old decision, under the new configs' name
    target, how = _load(dags)
    assert how == "full" and target["d_x"].max_active_runs == 2


@pytest.mark.parametrize("unsafe", ["symlink", "other owner", "group writable"])
def test_an_untrusted_cache_folder_is_never_used(
    dags: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unsafe: str
) -> None:
    folder = tmp_path / "unsafe-cache"
    if unsafe == "symlink":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(tmp_path / "elsewhere")
    else:
        folder.mkdir(mode=0o700)
        if unsafe == "other owner":
            os.chown(folder, os.getuid() + 1, -1)  # the tests run as root
        else:
            folder.chmod(0o770)
    monkeypatch.setenv("DAGFORGE_CACHE_DIR", str(folder))
    assert [_load(dags)[1], _load(dags)[1]] == ["full", "full"]
    assert list(folder.resolve().iterdir()) == []


def test_an_entry_that_is_a_symlink_is_ignored(dags: Path, tmp_path: Path) -> None:
    _load(dags)
    entry = _entry(dags)
    moved = tmp_path / "moved.json"
    entry.rename(moved)
    entry.symlink_to(moved)
    assert _load(dags)[1] == "full"


def test_old_entries_are_evicted(dags: Path) -> None:
    for runs in range(1, cache.KEEP + 4):
        _write(dags, "x", runs)
        _load(dags)
    assert len(list(cache.cache_dir().glob("*.jsonl"))) == cache.KEEP


def test_a_task_run_of_a_planted_dag_builds_nothing(
    dags: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(dags)

    def add(rows: Any) -> None:
        rows["planted"] = {**json.loads(json.dumps(rows["d_x"])), "dag_id": "planted"}

    _plant(dags, add)
    monkeypatch.setenv("_AIRFLOW_PARSING_CONTEXT_DAG_ID", "planted")
    target: dict[str, Any] = {}
    loader.load_dags(target, dags)
    assert target == {}


def test_variables_yml_is_part_of_the_decision_and_of_the_key(dags: Path) -> None:
    """A Variable read that variables.yml stops declaring is refused on the next parse, not served
    from the entry cached while it was declared (validate and the loader decide alike)."""
    configs = dags.parent / "dagfactory_configs"
    text = (configs / "c.yml").read_text().replace("bucket: b", 'bucket: "{{ var.value.bkt }}"')
    (configs / "c.yml").write_text(text)
    declared = "profiles: [local]\nvariables:\n  bkt: {values: {local: b}}\n"
    (configs / "variables.yml").write_text(declared)
    first, _ = _load(dags)
    cached, how = _load(dags)
    assert how == "cache" and "dagforge-error" not in cached["d_x"].tags
    (configs / "variables.yml").write_text(declared.replace("bkt:", "other:"))
    refused, how = _load(dags)
    assert how == "full" and "dagforge-error" in refused["d_x"].tags
    assert "variable-undeclared" in refused["d_x"].description


def test_a_dag_id_made_from_an_environment_variable_is_served_from_the_cache(
    dags: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-check of a cached entry reads the configs as the decision did, $VARS expanded."""
    monkeypatch.setenv("DF_ENV", "prod")
    configs = dags.parent / "dagfactory_configs"
    (configs / "c.yml").write_text((configs / "c.yml").read_text().replace("d_x:", "d_${DF_ENV}:"))
    first, how = _load(dags)
    again, how_again = _load(dags)
    assert (how, how_again) == ("full", "cache") and list(first) == list(again) == ["d_prod"]
