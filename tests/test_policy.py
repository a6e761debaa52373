"""The project's code policy: one setting, from dagforge.toml or the environment, read alike by
validate and the loader, and named by every refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagforge.errors import PolicyError
from dagforge.policy import Policy, load_policy
from dagforge.project import load_project

TASK = (
    "d:\n  tasks:\n    - task_id: t\n      operator: "
    "airflow.providers.standard.operators.python.PythonOperator\n"
    "      python_callable: {callable}\n"
)


def test_without_a_file_configs_may_name_callables_only(tmp_path: Path) -> None:
    policy = load_policy(tmp_path)
    assert policy.callable_packages == ("callables",)
    assert policy.allows_callable("callables.who.process_country")
    assert not policy.allows_callable("callablesx.f") and not policy.allows_callable("os.system")
    assert policy.allows_type("airflow.timetables.trigger.CronTriggerTimetable")
    assert not policy.allows_type("os.system")


def test_the_file_sets_each_entry_and_the_environment_replaces_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dagforge.toml").write_text(
        '[policy]\ncallable_packages = ["callables", "etl"]\ntypes = ["fractions."]\n'
        'callable_files = ["legacy"]\n'
    )
    policy = load_policy(tmp_path)
    assert policy.callable_packages == ("callables", "etl")
    assert policy.allows_type("fractions.Fraction")
    assert policy.allows_file(str(tmp_path / "legacy" / "x.py"))
    assert not policy.allows_file(str(tmp_path / "other" / "x.py"))
    monkeypatch.setenv("DAGFORGE_CALLABLE_PACKAGES", "callables, mycompany.etl")
    assert load_policy(tmp_path).callable_packages == ("callables", "mycompany.etl")


def test_a_broken_policy_file_names_itself(tmp_path: Path) -> None:
    (tmp_path / "dagforge.toml").write_text("[policy]\ncallables = ['x']\n")
    with pytest.raises(PolicyError, match="dagforge.toml: \\[policy\\] may hold"):
        load_policy(tmp_path)


def test_a_refusal_names_the_setting_that_would_admit_the_code(tmp_path: Path) -> None:
    (tmp_path / "dags.yml").write_text(TASK.format(callable="mycompany.etl.run"))
    [problem] = [p for p in load_project([tmp_path]).report.problems if p.severity == "error"]
    assert problem.code == "callable-not-allowed"
    assert "`callable_packages` in " in problem.hint and "dagforge.toml" in problem.hint
    assert "DAGFORGE_CALLABLE_PACKAGES" in problem.hint


def test_the_same_setting_admits_it_for_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "code" / "mycompany"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "etl.py").write_text("__all__ = ['run']\n\n\ndef run() -> None:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path / "code"))
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "dags.yml").write_text(TASK.format(callable="mycompany.etl.run"))
    monkeypatch.setenv("DAGFORGE_CALLABLE_PACKAGES", "callables,mycompany")
    assert load_project([configs]).report.errors == []
    assert load_project([configs]).policy == Policy(callable_packages=("callables", "mycompany"))
