"""A local S3 for demos and tests: moto in server mode on a loopback port, reached like real S3.

Code under test reaches it exactly as it reaches S3 on MWAA: through Airflow's ``aws_default``
connection. Only the connection differs (an ``endpoint_url`` override and dummy keys).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from dagforge.errors import EnvironmentSetupError

LOOPBACK = "127.0.0.1"
DEFAULT_REGION = "us-east-1"


def free_port(host: str = LOOPBACK) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class LocalS3:
    endpoint_url: str
    region: str = DEFAULT_REGION
    pid: int = 0  # the server's process (0 when it is not ours, e.g. a proxy's address)

    def connection_env(self, conn_id: str = "aws_default") -> dict[str, str]:
        """Environment that defines Airflow connection ``conn_id`` pointing at this server."""
        conn = {
            "conn_type": "aws",
            "login": "testing",
            "password": "testing",
            "extra": {"endpoint_url": self.endpoint_url, "region_name": self.region},
        }
        return {
            f"AIRFLOW_CONN_{conn_id.upper()}": json.dumps(conn),
            # boto3 outside Airflow (tests, the demo's read-back) uses the same dummy credentials.
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": self.region,
        }


@contextmanager
def moto_server(host: str = LOOPBACK, port: int = 0, timeout: float = 30.0) -> Iterator[LocalS3]:
    """Run a moto server on ``host:port`` (a free port when 0) for the duration of the block."""
    if not host.startswith("127.") and host not in ("localhost", "::1"):
        raise EnvironmentSetupError(
            f"refusing to start the local S3 on {host}: use a loopback address"
        )
    port = port or free_port(host)
    # s3serve exits when its standard input closes, i.e. when this process ends however it ends.
    command = [sys.executable, "-m", "dagforge.demo.s3serve", host, str(port)]
    # moto logs every request to stderr: a pipe nobody drains fills up after ~1,000 requests and
    # blocks the server, so its log goes to a temporary file instead.
    url = f"http://{host}:{port}"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            _wait_until_up(proc, url, timeout, log)
            yield LocalS3(url, pid=proc.pid)
        finally:
            if proc.stdin:
                proc.stdin.close()
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_up(proc: subprocess.Popen[bytes], url: str, timeout: float, log: IO[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            err = log.read().decode(errors="replace")
            raise EnvironmentSetupError(
                f"the local S3 (moto server) exited at start: {err.strip()[-500:]}"
            )
        try:
            with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise EnvironmentSetupError(
        f"the local S3 (moto server) did not answer on {url} within {timeout:.0f} s"
    )
