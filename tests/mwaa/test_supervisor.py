"""The supervisor restarts what exits on its own and leaves alone what was stopped on purpose."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dagforge.demo.s3local import LocalS3
from dagforge.mwaa import runnerstate, supervisor
from dagforge.mwaa.components import Component, Processes
from dagforge.mwaa.localrunner import Runner, RunnerOptions
from tests.conftest import REPO

CRASH = (sys.executable, "-c", "import time; time.sleep(0.3); raise SystemExit(3)")
SLEEP = (sys.executable, "-c", "import time; time.sleep(60)")


def _runner(tmp_path: Path) -> Runner:
    group = Processes(tmp_path, {}, tmp_path)
    options = RunnerOptions(REPO, tmp_path)
    return Runner(options, "http://127.0.0.1:1", tmp_path, {}, LocalS3("http://127.0.0.1:2"), group)


def _until(check: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_a_crashed_component_is_restarted_and_runner_json_follows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(supervisor, "BACKOFF", 0.5)
    runner, lines = _runner(tmp_path), list[str]()
    first = runner.group.start(Component("flaky", CRASH)).pid
    with supervisor.supervised(runner, lines.append) as watching:
        _until(lambda: watching.restarts["flaky"] >= 1)
    assert lines[0].startswith("flaky exited (code 3); restarted it: pid ")
    assert runnerstate.read(tmp_path)["components"]["flaky"]["pid"] != first


def test_a_component_stopped_on_purpose_stays_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(supervisor, "BACKOFF", 0.0)
    runner = _runner(tmp_path)
    runner.group.start(Component("worker", SLEEP))
    with supervisor.supervised(runner, print) as watching:
        runner.group.kill("worker")
        time.sleep(2)
        assert watching.restarts == {} and runner.group.exited() == ["worker"]
