"""``runner.json`` in the runner's home: what is running, for people, tests and other tools.

One small record, rewritten whenever a component (re)starts. Its keys are a contract: add new
ones, never rename.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dagforge.mwaa.runner_api import connection_info
from dagforge.settings import RUNNER_FILE

if TYPE_CHECKING:
    from dagforge.mwaa.localrunner import Runner


def record(runner: Runner) -> dict[str, Any]:
    """The runner as plain data: its topology, each component with its PID and log file (and in
    ``pids``, name → PID alone), and how to reach its APIs (the login too: the file is the user's
    alone)."""
    logs = runner.group.logs
    components: dict[str, dict[str, Any]] = {
        "local-s3": {"pid": runner.s3.pid, "url": runner.s3.endpoint_url}
    }
    for name, pid in runner.group.pids().items():
        components[name] = {"pid": pid, "log": str(logs / f"{name}.log")}
    return {
        "topology": runner.options.topology,
        "env_class": runner.options.env_class,
        "dags_folder": str(runner.dags),
        "components": components,
        "pids": {name: entry["pid"] for name, entry in components.items()},
        **(connection_info(runner) if runner.invoke_port else {}),
    }


def write(runner: Runner) -> Path:
    """Write ``runner.json``, readable by this user only (it holds the login)."""
    path = runner.options.home / RUNNER_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(json.dumps(record(runner), indent=2, sort_keys=True) + "\n")
    os.chmod(path, 0o600)  # an older file keeps its mode through O_TRUNC
    return path


def read(home: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((home / RUNNER_FILE).read_text())
    return data
