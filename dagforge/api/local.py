"""The local transport: an Airflow API server reached over HTTP with httpx.

Airflow 3 serves ``/api/v2`` behind a JWT from ``POST /auth/token``; Airflow 2 serves ``/api/v1``
with basic auth (``auth_backends = airflow.api.auth.backend.basic_auth``). Which one answers is
found once, from the unauthenticated ``/version`` endpoint of each.
"""

from __future__ import annotations

from typing import Any

import httpx

from dagforge.api.transport import Query, Reply, query_pairs
from dagforge.errors import ApiAuthError, ApiCall, ApiError, ApiTimeoutError

DEFAULT_TIMEOUT = 30.0  # seconds; MWAA's own cut is shorter (dagforge.mwaa.limits)
PREFIXES = {3: "/api/v2", 2: "/api/v1"}


class LocalTransport:
    """Calls to the Airflow API server at ``url`` as ``username``."""

    max_path: int | None = None

    def __init__(
        self, url: str, username: str, password: str, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.url, self.username, self.password = url.rstrip("/"), username, password
        self._http = httpx.Client(base_url=self.url, timeout=timeout)
        self._version: str | None = None
        self._token: str | None = None

    @property
    def target(self) -> str:
        return f"local {self.url}"

    def close(self) -> None:
        self._http.close()

    def airflow_version(self) -> str:
        if self._version is None:
            self._version = self._find_version()
        return self._version

    def _find_version(self) -> str:
        for major in sorted(PREFIXES, reverse=True):
            reply = self._send("GET", f"{PREFIXES[major]}/version", auth=False)
            if reply.ok and isinstance(reply.body, dict):
                return str(reply.body["version"])
        raise ApiError(
            ApiCall(self.target, "GET", "/api/v2/version"),
            status=reply.status,
            detail="neither /api/v2/version nor /api/v1/version answered",
            hint="is this the Airflow API server (api-server on Airflow 3, webserver on 2)?",
        )

    @property
    def major(self) -> int:
        return int(self.airflow_version().split(".", 1)[0])

    def request(
        self, method: str, path: str, *, query: Query | None = None, body: Any = None
    ) -> Reply:
        full = PREFIXES[min(self.major, 3)] + path
        reply = self._send(method, full, query=query, body=body)
        if reply.status == 401 and self.major >= 3 and self._token is not None:
            self._token = None  # expired: sign in again, once
            reply = self._send(method, full, query=query, body=body)
        return reply

    def auth_hint(self, status: int) -> str:
        login = (
            f"check the user '{self.username}' and its password (the local runner writes them to "
            "runner.json in its home)"
        )
        if status == 401:
            return f"sign-in was refused: {login}"
        if self.major < 3:  # Airflow 2 answers 403 for a wrong login too
            return (
                f"Airflow 2 answers 403 for a wrong login and a missing role alike: {login}, "
                "then give the user the Op or Admin role"
            )
        return (
            f"'{self.username}' lacks the Airflow permission for this call: give the user the "
            "Admin role in the auth manager (simple auth manager: SIMPLE_AUTH_MANAGER_USERS)"
        )

    def _send(
        self,
        method: str,
        path: str,
        *,
        query: Query | None = None,
        body: Any = None,
        auth: bool = True,
    ) -> Reply:
        try:
            response = self._http.request(
                method,
                path,
                params=query_pairs(query),  # type: ignore[arg-type]  # str pairs fit
                json=body,
                headers=self._headers() if auth else {},
                auth=(self.username, self.password) if auth and self.major < 3 else None,
            )
        except httpx.TimeoutException as exc:
            raise self._no_answer(ApiTimeoutError, method, path, f"timed out ({exc})") from exc
        except httpx.TransportError as exc:
            raise self._no_answer(ApiError, method, path, f"cannot connect ({exc})") from exc
        content = response.content
        return Reply(response.status_code, _decode(response), len(content))

    def _headers(self) -> dict[str, str]:
        if self.major < 3:
            return {}
        if self._token is None:
            self._token = self._sign_in()
        return {"Authorization": f"Bearer {self._token}"}

    def _sign_in(self) -> str:
        body = {"username": self.username, "password": self.password}
        reply = self._send("POST", "/auth/token", body=body, auth=False)
        if not reply.ok or not isinstance(reply.body, dict):
            raise ApiAuthError(
                ApiCall(self.target, "POST", "/auth/token"),
                status=reply.status,
                detail=reply.detail,
                hint=self.auth_hint(401),
            )
        return str(reply.body["access_token"])

    def _no_answer(self, kind: type[ApiError], method: str, path: str, detail: str) -> ApiError:
        hint = (
            "the call took too long: try again, or ask for less"
            if kind is ApiTimeoutError
            else "is the local runner running? start it with `dagforge local-runner`"
        )
        return kind(ApiCall(self.target, method, path), status=0, detail=detail, hint=hint)


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return {"detail": response.text[:500]}
