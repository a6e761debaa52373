"""``runner.json`` in the runner's home: what is running, for people, tests and other tools.

One small record, rewritten whenever a component (re)starts. Its keys are a contract: add new
ones, never rename.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dagforge.mwaa.localrunner import Runner

RUNNER_JSON = "runner.json"


def record(runner: Runner) -> dict[str, Any]:
    """The runner as plain data: its topology, and each component with its PID and log file."""
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
    }


def write(runner: Runner) -> Path:
    path = runner.options.home / RUNNER_JSON
    path.write_text(json.dumps(record(runner), indent=2) + "\n")
    return path


def read(home: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((home / RUNNER_JSON).read_text())
    return data
