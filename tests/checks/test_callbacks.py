"""Callbacks in dag-factory's forms, as a notifier module of an allowed package is named from YAML
(``on_failure_callback: <pkg>.notify.<fn>`` or ``{callback: <pkg>.notify.<fn>, **params}``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dagforge.policy import Policy
from dagforge.project import load_project

NOTIFY = """
from typing import Any

__all__ = ["on_failure", "to_webhook"]


def on_failure(context: Any) -> None:
    print("failed", context)


def to_webhook(context: Any, url: str, text: str = "failed") -> None:
    print(url, text)


def helper() -> None:
    pass
"""
DAG = """alerting:
  default_args:
    start_date: 2024-01-01
    on_failure_callback: {default}
  on_failure_callback:
    callback: notifyproj.notify.to_webhook
    url: https://hooks.example.com/x
  tasks:
    - task_id: t
      operator: airflow.providers.standard.operators.empty.EmptyOperator
      on_retry_callback: {task}
"""


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Policy]:
    code = tmp_path / "code" / "notifyproj"
    code.mkdir(parents=True)
    (code / "__init__.py").write_text("")
    (code / "notify.py").write_text(NOTIFY)
    monkeypatch.syspath_prepend(str(tmp_path / "code"))
    yield Policy(callable_packages=("callables", "notifyproj"))
    for name in [m for m in sys.modules if m.startswith("notifyproj")]:
        sys.modules.pop(name)


def _problems(tmp_path: Path, policy: Policy, default: str, task: str) -> list[str]:
    (tmp_path / "dags.yml").write_text(DAG.format(default=default, task=task))
    report = load_project([tmp_path / "dags.yml"], tmp_path, policy=policy).report
    return [f"{p.code}@{p.line}" for p in report.sorted() if p.severity == "error"]


def test_both_forms_validate_when_the_package_is_allowed(tmp_path: Path, package: Policy) -> None:
    default = "{callback: notifyproj.notify.to_webhook, url: 'https://x', text: down}"
    assert _problems(tmp_path, package, default, "notifyproj.notify.on_failure") == []


def test_parameters_the_callback_does_not_take_are_an_error(
    tmp_path: Path, package: Policy
) -> None:
    default = "{callback: notifyproj.notify.to_webhook, adress: 'https://x'}"
    assert _problems(tmp_path, package, default, "notifyproj.notify.on_failure") == [
        "callable-arguments@4"
    ]


def test_outside_the_policy_or_not_exported_is_refused(tmp_path: Path, package: Policy) -> None:
    strict = Policy()
    assert _problems(tmp_path, strict, "notifyproj.notify.on_failure", "os.getcwd") == [
        "callable-not-allowed@4",
        "callable-not-allowed@6",
        "callable-not-allowed@11",
    ]
    assert _problems(tmp_path, package, "notifyproj.notify.helper", "notifyproj.notify.on_failure")
    assert (
        _problems(tmp_path, package, "[notifyproj.notify.on_failure]", "notifyproj.notify.x")[0]
        == "invalid-callback@4"
    )


@pytest.mark.airflow
def test_both_forms_build_into_the_dag(tmp_path: Path, package: Policy) -> None:
    from dagforge.build import build_one

    default = "{callback: notifyproj.notify.to_webhook, url: 'https://x', text: down}"
    (tmp_path / "dags.yml").write_text(
        DAG.format(default=default, task="notifyproj.notify.on_failure")
    )
    [dag_config] = load_project([tmp_path / "dags.yml"], tmp_path, policy=package).dags()
    dag = build_one(dag_config, package)
    task = dag.task_dict["t"]
    [on_retry] = (
        task.on_retry_callback
        if isinstance(task.on_retry_callback, list)
        else [task.on_retry_callback]
    )
    assert on_retry.__name__ == "on_failure"
    [on_failure] = (
        task.on_failure_callback
        if isinstance(task.on_failure_callback, list)
        else [task.on_failure_callback]
    )
    assert on_failure.keywords == {"url": "https://x", "text": "down"}
