"""Where the operating commands send their calls: ``local`` (the running local runner) or
``mwaa:ENV_NAME`` (an MWAA environment, region from ``--region`` or the usual AWS settings).

The local runner says how to reach it in ``<its home>/runner.json``; ``local`` reads that file
from ``$DAGFORGE_RUNNER_HOME``, else from ``.dagforge/local-runner`` under the current folder.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dagforge.api.client import AirflowClient
from dagforge.api.local import LocalTransport
from dagforge.api.mwaa import MwaaTransport
from dagforge.errors import TargetError
from dagforge.settings import LOCAL_RUNNER_HOME, RUNNER_FILE, RUNNER_HOME_ENV

LOCAL = "local"
MWAA_PREFIX = "mwaa:"


@dataclass(frozen=True)
class Target:
    """A parsed ``--target``: ``kind`` is ``local`` or ``mwaa``."""

    kind: str
    environment: str = ""
    region: str | None = None
    runner_home: Path | None = None

    @property
    def label(self) -> str:
        return LOCAL if self.kind == LOCAL else f"{MWAA_PREFIX}{self.environment}"


def parse_target(text: str, region: str | None = None, runner_home: Path | None = None) -> Target:
    """``local`` or ``mwaa:ENV_NAME``; anything else is a usage error naming both forms."""
    if text == LOCAL:
        return Target(LOCAL, runner_home=runner_home)
    if text.startswith(MWAA_PREFIX) and len(text) > len(MWAA_PREFIX):
        return Target("mwaa", environment=text[len(MWAA_PREFIX) :], region=region)
    raise TargetError(f"--target {text!r}: use 'local' or 'mwaa:ENV_NAME'")


def runner_file(home: Path | None = None) -> Path:
    """Where the local runner's ``runner.json`` is expected."""
    folder = home or Path(os.environ.get(RUNNER_HOME_ENV) or Path.cwd() / LOCAL_RUNNER_HOME)
    return folder / RUNNER_FILE


def read_runner_info(home: Path | None = None) -> dict[str, Any]:
    """The local runner's ``runner.json``; a usage error says how to start one when absent."""
    path = runner_file(home)
    if not path.is_file():
        raise TargetError(
            f"no local runner: {path} does not exist; start one with `dagforge local-runner` "
            f"(or set {RUNNER_HOME_ENV} to its --home), or use --target mwaa:ENV_NAME"
        )
    info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return info


def connect(target: Target) -> AirflowClient:
    """A client for ``target``."""
    if target.kind == LOCAL:
        info = read_runner_info(target.runner_home)
        return AirflowClient(LocalTransport(info["api_url"], info["username"], info["password"]))
    return AirflowClient(MwaaTransport(target.environment, target.region))
