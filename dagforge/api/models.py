"""What the client returns: small records read from API v2 (Airflow 3) or v1 (Airflow 2) answers.

Each ``from_api`` reads the fields both versions share and the one or two that differ (v1 names
the asset a dataset), so callers never look at raw JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

FINISHED = ("success", "failed")


@dataclass(frozen=True)
class DagRun:
    dag_id: str
    run_id: str
    state: str
    logical_date: str | None = None
    run_after: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    run_type: str = ""
    conf: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> DagRun:
        return cls(
            dag_id=str(data["dag_id"]),
            run_id=str(data["dag_run_id"]),
            state=str(data.get("state") or ""),
            logical_date=data.get("logical_date") or data.get("execution_date"),
            run_after=data.get("run_after") or data.get("logical_date"),
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            run_type=str(data.get("run_type") or ""),
            conf=dict(data.get("conf") or {}),
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TaskState:
    task_id: str
    state: str
    try_number: int = 0
    map_index: int = -1

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> TaskState:
        return cls(
            task_id=str(data["task_id"]),
            state=str(data.get("state") or "none"),
            try_number=int(data.get("try_number") or 0),
            map_index=int(data.get("map_index", -1)),
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Variable:
    key: str
    value: str | None  # None: a v1 list, which leaves values out
    description: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Variable:
        value = data.get("value")
        return cls(str(data["key"]), None if value is None else str(value), data.get("description"))

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AssetEvent:
    id: int
    uri: str
    extra: dict[str, Any]
    timestamp: str
    created_runs: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: dict[str, Any], uri: str) -> AssetEvent:
        runs = data.get("created_dagruns") or []
        return cls(
            id=int(data["id"]),
            uri=str(data.get("uri") or data.get("dataset_uri") or uri),
            extra=dict(data.get("extra") or {}),
            timestamp=str(data.get("timestamp") or ""),
            created_runs=tuple(str(r.get("run_id") or r.get("dag_run_id")) for r in runs),
        )

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "created_runs": list(self.created_runs)}
