"""Components as process groups: a kill takes the children too, a restart appends to the log."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from dagforge.mwaa.components import Component, Processes

# A parent that starts a child and prints both PIDs, then waits: a component with a pool.
FAMILY = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    "print('family', child.pid, flush=True)\n"
    "time.sleep(60)\n"
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead too
        return stat.read().split()[2] != "Z"


def _child_pid(group: Processes, name: str) -> int:
    deadline = time.monotonic() + 20
    while "family" not in group.log_text(name):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return int(group.log_text(name).split("family", 1)[1].split()[0])


def _group(tmp_path: Path) -> Processes:
    return Processes(tmp_path, {"DAGFORGE_TEST_MARK": "1"}, tmp_path)


def test_kill_takes_the_whole_process_group(tmp_path: Path) -> None:
    group = _group(tmp_path)
    proc = group.start(Component("family", (sys.executable, "-c", FAMILY)))
    child = _child_pid(group, "family")
    group.kill("family")
    assert proc.poll() == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while _alive(child):
        assert time.monotonic() < deadline, "the child outlived its component"
        time.sleep(0.1)


def test_restart_gets_a_new_pid_the_same_command_and_keeps_the_log(tmp_path: Path) -> None:
    group = _group(tmp_path)
    first = group.start(Component("family", (sys.executable, "-c", FAMILY), {"A": "1"}))
    _child_pid(group, "family")
    group.stop("family", grace=5)
    assert group.exited() == ["family"]
    second = group.restart("family", {"B": "2"})
    try:
        assert second.pid != first.pid and group.pids() == {"family": second.pid}
        assert group.specs["family"].env == {"A": "1", "B": "2"}
        deadline = time.monotonic() + 20
        while group.log_text("family").count("family") < 2:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        group.kill("family")
