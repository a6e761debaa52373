"""The local runner as the operating commands see it: its REST API client, its InvokeRestApi
endpoint (one more component), the ``local`` Variables profile applied on start, and
``runner.json`` in its home saying how to reach it all."""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagforge.api import sync
from dagforge.api.client import AirflowClient
from dagforge.api.local import LocalTransport
from dagforge.demo.seed import LOCAL_PROFILE
from dagforge.errors import ApiError
from dagforge.mwaa.invoke_api import SETTINGS_ENV, botocore_env
from dagforge.project import load_variables_file
from dagforge.settings import RUNNER_FILE, variables_path

INVOKE_COMPONENT = "invoke-rest-api"


def client(url: str, user: str, password: str) -> AirflowClient:
    return AirflowClient(LocalTransport(url, user, password))


def healthy(url: str) -> bool:
    """Whether the API server answers its (unauthenticated) version endpoint."""
    transport = LocalTransport(url, "", "", timeout=5)
    try:
        return bool(transport.airflow_version())
    except ApiError:
        return False
    finally:
        transport.close()


def listening(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def invoke_command() -> list[str]:
    return [sys.executable, "-m", "dagforge.mwaa.invoke_api"]


def invoke_env(settings: Mapping[str, Any]) -> dict[str, str]:
    """The InvokeRestApi component's settings (in its environment: no password on a command
    line)."""
    return {SETTINGS_ENV: json.dumps(dict(settings))}


def apply_local_profile(project: Path, api: AirflowClient) -> str:
    """Make the runner hold the ``local`` profile of ``variables.yml``; says what it did."""
    path = variables_path(project)
    if not path.is_file():
        return f"no {path}: no Variables set"
    declared = load_variables_file(path)
    changes = sync.pending(sync.plan(declared, LOCAL_PROFILE, api))
    sync.apply(declared, changes, api)
    keys = ", ".join(change.key for change in changes) or "nothing to change"
    return f"Variables: profile {LOCAL_PROFILE} of {path.name} applied ({keys})"


def runner_info(
    *,
    api_url: str,
    invoke_url: str,
    environment: str,
    username: str,
    password: str,
    pids: Mapping[str, int],
    s3_endpoint_url: str,
    data_bucket: str,
) -> dict[str, Any]:
    """What ``runner.json`` holds: how to reach the runner and its local S3, and its components'
    PIDs."""
    return {
        "s3_endpoint_url": s3_endpoint_url,
        "data_bucket": data_bucket,
        "api_url": api_url,
        "invoke_rest_api_url": invoke_url,
        "environment_name": environment,
        "username": username,
        "password": password,
        "botocore_env": botocore_env(invoke_url),
        "pids": dict(pids),
    }


def write_runner_info(home: Path, info: Mapping[str, Any]) -> Path:
    """``<home>/runner.json``, readable by this user only (it holds the login)."""
    path = home / RUNNER_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(info, out, indent=2, sort_keys=True)
        out.write("\n")
    return path


def announce(info: Mapping[str, Any]) -> list[str]:
    """The lines the runner prints on start about its API and InvokeRestApi endpoints."""
    exports = " ".join(f"{k}={v}" for k, v in info["botocore_env"].items())
    return [
        f"REST API: {info['api_url']}/api/v2 (login {info['username']} / {info['password']})",
        f"InvokeRestApi: {info['invoke_rest_api_url']} as MWAA environment "
        f"'{info['environment_name']}'",
        f"unchanged boto3 mwaa code reaches it with: {exports}",
        f"PIDs: {', '.join(f'{name} {pid}' for name, pid in info['pids'].items())}",
    ]
