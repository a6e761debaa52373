"""The one interface both transports keep: send one Airflow REST API call, return its answer.

A path is relative to the API root (``/dags/x/dagRuns``), as MWAA's ``InvokeRestApi`` takes it;
the local transport puts ``/api/v2`` (Airflow 3) or ``/api/v1`` (Airflow 2) in front. Airflow's
status codes come back as they are (a Variable create answers 201); only a call that got no
answer from Airflow at all raises (:class:`dagforge.errors.ApiError` and its subclasses).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

QueryValue = str | int | float | bool | Sequence[str]
Query = Mapping[str, QueryValue]


@dataclass(frozen=True)
class Reply:
    """Airflow's answer: its status, the decoded JSON body (``None`` when empty) and its size."""

    status: int
    body: Any
    size: int = 0

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def detail(self) -> str:
        """The API's own explanation: ``detail`` (v1 and v2), else the body as text."""
        if isinstance(self.body, dict) and "detail" in self.body:
            detail = self.body["detail"]
            return detail if isinstance(detail, str) else json.dumps(detail)
        return "" if self.body is None else json.dumps(self.body)[:500]


class Transport(Protocol):
    """How calls reach Airflow: the local API server, or MWAA's InvokeRestApi."""

    @property
    def target(self) -> str:
        """Where calls go, for messages: ``local http://127.0.0.1:8080`` or ``mwaa:ENV``."""
        ...

    @property
    def max_path(self) -> int | None:
        """The longest path the transport carries (MWAA: 64 characters), or ``None``."""
        ...

    def request(
        self, method: str, path: str, *, query: Query | None = None, body: Any = None
    ) -> Reply: ...

    def airflow_version(self) -> str:
        """The Airflow version behind the transport (``3.3.1``, ``2.11.2``)."""
        ...

    def auth_hint(self, status: int) -> str:
        """What to do about a 401 or 403 on this transport (sign-in, Airflow role, IAM action)."""
        ...


def json_size(value: Any) -> int:
    """Bytes ``value`` takes as JSON, as it travels."""
    return 0 if value is None else len(json.dumps(value, separators=(",", ":")).encode())


def query_pairs(query: Query | None) -> list[tuple[str, str]]:
    """``query`` as repeated ``name=value`` pairs (a list value repeats its name)."""
    pairs: list[tuple[str, str]] = []
    for name, value in (query or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs.extend((name, _text(item)) for item in values)
    return pairs


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
