"""The local S3 (moto server): loopback only, and it never outlives the process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dagforge.demo.s3local import moto_server
from dagforge.errors import EnvironmentSetupError
from tests.conftest import REPO

PARENT = """
import sys, time
from dagforge.demo.s3local import moto_server
with moto_server() as s3:
    print(s3.pid, flush=True)
    time.sleep(300)
"""


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" not in status.read_text()  # a zombie has exited already
    except FileNotFoundError:
        return False


def test_the_server_dies_with_the_process_that_started_it() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        server = int(parent.stdout.readline())  # type: ignore[union-attr]
        assert _alive(server)
        os.kill(parent.pid, signal.SIGKILL)  # no cleanup code runs in the parent
        parent.wait()
        deadline = time.monotonic() + 15
        while _alive(server) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(server), "the local S3 outlived the process that started it"
    finally:
        parent.kill()
        parent.wait()


def test_the_server_stops_with_its_block() -> None:
    with moto_server() as s3:
        assert _alive(s3.pid)
    assert not _alive(s3.pid)


def test_only_loopback_is_allowed() -> None:
    with (
        pytest.raises(EnvironmentSetupError, match="use a loopback address"),
        moto_server("0.0.0.0"),
    ):
        pass
