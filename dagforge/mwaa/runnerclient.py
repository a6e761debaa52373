"""The local runner's own calls to its API server: component health, the execution API's warm-up,
and raw REST paths for the batches the benchmark and the fault tests drive.

Kept apart from :mod:`dagforge.api` on purpose: it answers while the runner is still coming up
(health without a login, no version probe), and reports a refusal as a
:class:`~dagforge.errors.LocalRunnerError` the batch code retries on.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from dagforge.errors import LocalRunnerError


class ApiClient:
    """The Airflow 3 REST API (/api/v2) with a JWT from the simple auth manager's /auth/token."""

    def __init__(self, url: str, user: str, password: str) -> None:
        self.url, self.user, self.password = url, user, password
        self._token: str | None = None

    def healthy(self) -> bool:
        return self.health() is not None

    def health(self) -> dict[str, Any] | None:
        """``/api/v2/monitor/health`` (the metadata DB and each heartbeat), or None if no answer."""
        try:
            found = self._request("GET", "/api/v2/monitor/health", auth=False)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, LocalRunnerError):
            return None
        return found if isinstance(found, dict) else None

    def execution_ready(self) -> bool:
        """Whether the execution API (the one tasks call) answers. Airflow builds it on its first
        request, seconds of CPU that block the server: better at start than in the first task."""
        try:
            return self._request("GET", "/execution/health", auth=False, timeout=60) is not None
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, LocalRunnerError):
            return False

    def token(self) -> str:
        if self._token is None:
            body = {"username": self.user, "password": self.password}
            self._token = str(
                self._request("POST", "/auth/token", body, auth=False)["access_token"]
            )
        return self._token

    def get(self, path: str) -> Any:
        return self._request("GET", f"/api/v2{path}")

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._request("POST", f"/api/v2{path}", body)

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self._request("PATCH", f"/api/v2{path}", body)

    def _request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        auth: bool = True,
        timeout: float = 30,
    ) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:500]
            raise LocalRunnerError(f"{method} {path} answered {exc.code}: {detail}") from exc
