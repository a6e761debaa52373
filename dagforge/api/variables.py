"""Airflow Variables through the API: list, get, create, update (with ``update_mask``), delete.

API v1 lists keys without values (Airflow 2 keeps values to single reads), so a value is always
read with ``GET /variables/{key}``; a create answers 201 on v2 and 200 on v1; v1 refuses a null
description and updates what the body holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal
from urllib.parse import quote

from dagforge.api.models import Variable
from dagforge.errors import ApiNotFoundError

if TYPE_CHECKING:
    from dagforge.api.client import AirflowClient

Change = Literal["created", "updated", "unchanged"]


class VariablesApi:
    """The Variables of the Airflow behind ``client``."""

    def __init__(self, client: AirflowClient) -> None:
        self.client = client

    def all(self) -> list[Variable]:
        """Every Variable (values only on API v2)."""
        items = self.client.listed("/variables", "variables", "key")
        return [Variable.from_api(item) for item in items]

    def all_keys(self) -> list[str]:
        return [variable.key for variable in self.all()]

    def get(self, key: str) -> Variable:
        reply = self.client.call("GET", _path(key), kind="variable", name=key)
        return Variable.from_api(reply.body)

    def find(self, key: str) -> Variable | None:
        """The Variable ``key``, or ``None`` when there is none."""
        try:
            return self.get(key)
        except ApiNotFoundError:
            return None

    def create(self, key: str, value: str, description: str | None = None) -> Variable:
        body = _body(key, value, description)
        reply = self.client.call("POST", "/variables", body=body, kind="variable", name=key)
        return Variable.from_api(reply.body)

    def update(self, key: str, value: str, description: str | None = None) -> Variable:
        # v2 updates the fields its update_mask names; v1 the fields the body holds (its mask
        # would have to name the value 'val', as its schema calls it)
        fields = ["value"] if description is None else ["value", "description"]
        query = {"update_mask": fields} if self.client.major >= 3 else None
        reply = self.client.call(
            "PATCH",
            _path(key),
            query=query,
            body=_body(key, value, description),
            kind="variable",
            name=key,
        )
        return Variable.from_api(reply.body)

    def set(self, key: str, value: str, description: str | None = None) -> Change:
        """Create ``key`` or update it; nothing is sent when it already holds ``value``."""
        current = self.find(key)
        if current is None:
            self.create(key, value, description)
            return "created"
        same_text = description is None or current.description == description
        if current.value == value and same_text:
            return "unchanged"
        self.update(key, value, description)
        return "updated"

    def delete(self, key: str) -> None:
        self.client.call("DELETE", _path(key), kind="variable", name=key)


def _body(key: str, value: str, description: str | None) -> dict[str, str]:
    """A Variable as both API versions take it (v1 refuses a null description)."""
    body = {"key": key, "value": value}
    return body if description is None else {**body, "description": description}


def _path(key: str) -> str:
    return f"/variables/{quote(key, safe='')}"
