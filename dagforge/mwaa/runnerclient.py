"""The local runner's own calls to its API server: component health, the execution API's warm-up,
and raw REST paths for the batches the benchmark and the fault tests drive.

It rides on :mod:`dagforge.api`'s local transport (httpx, the sign-in and its renewal) and differs
from :class:`~dagforge.api.client.AirflowClient` in two ways the runner needs: the health probes
answer ``None``/``False`` while the server is still coming up, and a refusal or a lost connection
is a :class:`~dagforge.errors.LocalRunnerError`, which the batch code retries on.
"""

from __future__ import annotations

from typing import Any

import httpx

from dagforge.api.local import LocalTransport
from dagforge.errors import ApiError, LocalRunnerError

HEALTH_TIMEOUT = 30.0  # seconds
EXECUTION_WARMUP_TIMEOUT = 60.0  # the execution API is built on its first request: seconds of CPU


class ApiClient:
    """The Airflow 3 REST API (``/api/v2``) of a local runner, as its Admin user, over the
    runner's transport; health probes (no login) over a connection pool of their own."""

    def __init__(self, url: str, transport: LocalTransport) -> None:
        self._transport = transport  # shared with the runner's AirflowClient, which closes it
        self._probes = httpx.Client(base_url=url)

    def close(self) -> None:
        self._probes.close()

    def health(self) -> dict[str, Any] | None:
        """``/api/v2/monitor/health`` (the metadata DB and each heartbeat), or None if no answer."""
        found = self._probe("/api/v2/monitor/health", HEALTH_TIMEOUT)
        return found if isinstance(found, dict) else None

    def execution_ready(self) -> bool:
        """Whether the execution API (the one tasks call) answers. Airflow builds it on its first
        request, seconds of CPU that block the server: better at start than in the first task."""
        return self._probe("/execution/health", EXECUTION_WARMUP_TIMEOUT) is not None

    def get(self, path: str) -> Any:
        return self._call("GET", path)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._call("POST", path, body)

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self._call("PATCH", path, body)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            reply = self._transport.request(method, path, body=body)
        except ApiError as exc:
            raise LocalRunnerError(str(exc)) from exc
        if not reply.ok:
            raise LocalRunnerError(f"{method} {path} answered {reply.status}: {reply.detail[:500]}")
        return reply.body

    def _probe(self, path: str, timeout: float) -> Any:
        """An unauthenticated GET: its JSON, or None while the server does not answer it."""
        try:
            response = self._probes.get(path, timeout=timeout)
            return response.json() if response.is_success and response.content else None
        except (httpx.HTTPError, ValueError):  # no answer yet, or not JSON (not the API server)
            return None
