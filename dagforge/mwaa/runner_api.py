"""The local runner as the operating commands see it: its REST API client, its InvokeRestApi
endpoint (one more component), the ``local`` Variables profile applied on start, and what
``runner.json`` in its home says about how to reach it all."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dagforge.api import sync
from dagforge.api.client import AirflowClient
from dagforge.demo.s3local import free_port
from dagforge.demo.seed import BUCKET_KEY, LOCAL_PROFILE, Progress
from dagforge.mwaa import bringup
from dagforge.mwaa.components import Component
from dagforge.mwaa.invoke_api import SETTINGS_ENV, botocore_env
from dagforge.project import load_variables_file
from dagforge.settings import variables_path

if TYPE_CHECKING:
    from dagforge.mwaa.localrunner import Runner

INVOKE_COMPONENT = "invoke-rest-api"


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


def apply_local_profile(project: Path, api: AirflowClient, bucket: str) -> str:
    """Make the runner hold the ``local`` profile of ``variables.yml``, with ``bucket`` (the
    runner's ``--bucket``) as the data bucket; says what it did."""
    path = variables_path(project)
    if not path.is_file():
        return f"no {path}: no Variables set"
    declared = load_variables_file(path)
    changes = sync.pending(sync.plan(declared, LOCAL_PROFILE, api))
    sync.apply(declared, changes, api)
    keys = [change.key for change in changes]
    # --bucket wins over the profile (which may not declare the bucket at all)
    if api.variables.set(BUCKET_KEY, bucket) != "unchanged":
        keys.append(f"{BUCKET_KEY}={bucket}")
    said = ", ".join(keys) or "nothing to change"
    return f"Variables: profile {LOCAL_PROFILE} of {path.name} applied ({said})"


def start_invoke_api(runner: Runner, progress: Progress, timeout: float = 30) -> None:
    """Start MWAA's InvokeRestApi endpoint (forwarding to the runner's API server as its Admin
    user), then apply the ``local`` Variables profile through the API."""
    options = runner.options
    runner.invoke_port = options.invoke_port or free_port(options.host)
    settings = {
        "host": options.host,
        "port": runner.invoke_port,
        "environment": options.environment_name,
        "api_url": runner.url,
        "username": options.user,
        "password": options.password,
    }
    proc = runner.group.start(
        Component(INVOKE_COMPONENT, tuple(invoke_command()), invoke_env(settings))
    )
    bringup.wait_for(
        lambda: listening(options.host, runner.invoke_port), runner, INVOKE_COMPONENT, timeout
    )
    progress(f"{INVOKE_COMPONENT} up: pid {proc.pid}, {runner.invoke_url}")
    progress(apply_local_profile(options.project_dir, runner.client(), options.bucket))


def connection_info(runner: Runner) -> dict[str, Any]:
    """How to reach the runner, for ``runner.json``: its REST API and login, the InvokeRestApi
    endpoint with the botocore settings that point unchanged boto3 code at it, the local S3."""
    options = runner.options
    return {
        "s3_endpoint_url": runner.s3.endpoint_url,
        "data_bucket": options.bucket,
        "api_url": runner.url,
        "invoke_rest_api_url": runner.invoke_url,
        "environment_name": options.environment_name,
        "username": options.user,
        "password": options.password,
        "botocore_env": botocore_env(runner.invoke_url),
    }


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
