"""The Airflow REST API client: one set of calls over either transport, on API v2 or v1.

Where the versions differ the client decides: a trigger without a logical date sends
``logical_date: null`` on v2 (what Airflow 3 API and asset-triggered runs get) and leaves it out
on v1 (Airflow 2 then takes the current time); asset events go to ``/assets/events`` with the
asset's id looked up by URI on v2, to ``/datasets/events`` with ``dataset_uri`` on v1. Paths stay
within what MWAA's InvokeRestApi carries: task states come from the batch endpoint, and a run id
the client makes up is short.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from dagforge.api.failures import check_size, not_found_hint, path_too_long, raise_for
from dagforge.api.models import AssetEvent, DagRun, TaskState
from dagforge.api.transport import Query, QueryValue, Reply, Transport, json_size
from dagforge.api.variables import VariablesApi
from dagforge.errors import (
    ApiCall,
    ApiError,
    ApiNotFoundError,
    ApiTimeoutError,
    DagPausedError,
    TriggeredRunFailedError,
)

PAGE = 100  # items per list call: small answers, well under InvokeRestApi's 6 MB
Progress = Callable[[str], None]


def segment(name: str) -> str:
    """One path segment (a dag_id, run id or key), quoted as URLs need."""
    return quote(name, safe="")


def new_run_id(now: datetime | None = None) -> str:
    """A short, unique run id (``api__20240305T120000.123456``)."""
    return "api__" + (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%f")


class AirflowClient:
    """Runs, DAGs, Variables and asset events through ``transport``."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.variables = VariablesApi(self)
        self._asset_ids: dict[str, int] = {}

    @property
    def target(self) -> str:
        return self.transport.target

    @property
    def major(self) -> int:
        """3 for API v2 (Airflow 3), 2 for API v1 (Airflow 2)."""
        return int(self.transport.airflow_version().split(".", 1)[0])

    def call(
        self,
        method: str,
        path: str,
        *,
        query: Query | None = None,
        body: Any = None,
        kind: str = "",
        name: str = "",
    ) -> Reply:
        """One call; a refusal raises with a hint, a success returns Airflow's answer."""
        if self.transport.max_path is not None and len(path) > self.transport.max_path:
            raise path_too_long(self.transport, method, path)
        check_size(self.transport, method, path, json_size(body), "request")
        reply = self.transport.request(method, path, query=query, body=body)
        check_size(self.transport, method, path, reply.size, "answer")
        known = self._known_dag_ids() if reply.status == 404 and kind == "dag" else ()
        raise_for(self.transport, reply, method, path, kind=kind, name=name, known=known)
        return reply

    def listed(self, path: str, key: str, order_by: str) -> list[dict[str, Any]]:
        """Every item of a list endpoint, page by page (Airflow caps a page at 100 items)."""
        items: list[dict[str, Any]] = []
        while True:
            query: dict[str, QueryValue] = {
                "limit": PAGE,
                "offset": len(items),
                "order_by": order_by,
            }
            body: dict[str, Any] = self.call("GET", path, query=query).body
            items.extend(body[key])
            if len(body[key]) < PAGE or len(items) >= int(body.get("total_entries") or 0):
                return items

    def _known_dag_ids(self) -> list[str]:
        """The dag_ids to suggest for one not found; none when they cannot be listed either."""
        try:
            return self.dag_ids()
        except ApiError:
            return []

    def dag_ids(self) -> list[str]:
        """The dag_ids Airflow knows (parsed)."""
        return [str(dag["dag_id"]) for dag in self.listed("/dags", "dags", "dag_id")]

    def dag(self, dag_id: str) -> dict[str, Any]:
        path = f"/dags/{segment(dag_id)}"
        body: dict[str, Any] = self.call("GET", path, kind="dag", name=dag_id).body
        return body

    def unpause(self, dag_id: str) -> None:
        path = f"/dags/{segment(dag_id)}"
        query = {"update_mask": ["is_paused"]}
        self.call("PATCH", path, query=query, body={"is_paused": False}, kind="dag", name=dag_id)

    def trigger(
        self,
        dag_id: str,
        *,
        conf: dict[str, Any] | None = None,
        logical_date: datetime | None = None,
        run_id: str | None = None,
        unpause: bool = False,
    ) -> DagRun:
        """A new run of ``dag_id``. A paused DAG is refused unless ``unpause`` (its run would
        wait queued until someone unpauses it)."""
        info = self.dag(dag_id)
        if info.get("is_paused"):
            if not unpause:
                raise DagPausedError(dag_id, self.target)
            self.unpause(dag_id)
        body: dict[str, Any] = {"dag_run_id": run_id or new_run_id(), "conf": conf or {}}
        if logical_date is not None or self.major >= 3:
            body["logical_date"] = logical_date.isoformat() if logical_date else None
        path = f"/dags/{segment(dag_id)}/dagRuns"
        return DagRun.from_api(self.call("POST", path, body=body, kind="run").body)

    def run(self, dag_id: str, run_id: str) -> DagRun:
        path = f"/dags/{segment(dag_id)}/dagRuns/{segment(run_id)}"
        fits = self.transport.max_path is None or len(path) <= self.transport.max_path
        if fits or self.major < 3:
            return DagRun.from_api(self.call("GET", path, kind="run", name=run_id).body)
        listed = self.call(
            "GET",
            f"/dags/{segment(dag_id)}/dagRuns",
            query={"run_id_pattern": run_id, "limit": PAGE},
            kind="dag",
            name=dag_id,
        )
        found = [r for r in listed.body["dag_runs"] if r["dag_run_id"] == run_id]
        if not found:
            raise ApiNotFoundError(
                ApiCall(self.target, "GET", path),
                status=404,
                detail=f"no run '{run_id}' of {dag_id}",
                hint="`dagforge runs DAG_ID` lists the runs",
            )
        return DagRun.from_api(found[0])

    def runs(self, dag_id: str, limit: int = 25) -> list[DagRun]:
        """The newest runs of ``dag_id``, newest first."""
        order = "-run_after" if self.major >= 3 else "-execution_date"
        reply = self.call(
            "GET",
            f"/dags/{segment(dag_id)}/dagRuns",
            query={"limit": min(limit, PAGE), "order_by": order},
            kind="dag",
            name=dag_id,
        )
        return [DagRun.from_api(run) for run in reply.body["dag_runs"]]

    def task_states(self, dag_id: str, run_id: str) -> list[TaskState]:
        body = {"dag_ids": [dag_id], "dag_run_ids": [run_id], "page_limit": PAGE}
        reply = self.call("POST", "/dags/~/dagRuns/~/taskInstances/list", body=body)
        states = [TaskState.from_api(ti) for ti in reply.body["task_instances"]]
        return sorted(states, key=lambda t: (t.task_id, t.map_index))

    def wait(
        self,
        dag_id: str,
        run_id: str,
        *,
        timeout: float = 600,
        poll: float = 2.0,
        progress: Progress | None = None,
    ) -> DagRun:
        """Poll until the run finishes; raise :class:`TriggeredRunFailedError` unless a success."""
        deadline, last = time.monotonic() + timeout, ""
        while True:
            run = self.run(dag_id, run_id)
            if progress and run.state != last:
                progress(f"{dag_id} {run_id}: {run.state}")
            last = run.state
            if run.finished:
                break
            if time.monotonic() > deadline:
                raise ApiTimeoutError(
                    ApiCall(self.target, "GET", f"/dags/{dag_id}/dagRuns/{run_id}"),
                    status=0,
                    detail=f"the run is still {run.state} after {timeout:.0f} s",
                    hint="wait longer (--timeout), or look at the run in the Airflow UI",
                )
            time.sleep(poll)
        if run.state != "success":
            failed = [t.task_id for t in self.task_states(dag_id, run_id) if t.state == "failed"]
            raise TriggeredRunFailedError(dag_id, run_id, run.state, failed)
        return run

    def asset_event(self, uri: str, extra: dict[str, Any] | None = None) -> AssetEvent:
        """Record an event on the asset ``uri``: DAGs scheduled on it run."""
        body: dict[str, Any] = {"extra": extra or {}}
        if self.major < 3:  # API v1 names the dataset by URI; v2 the asset by its id
            path, body["dataset_uri"] = "/datasets/events", uri
        else:
            path, body["asset_id"] = "/assets/events", self.asset_id(uri)
        reply = self.call("POST", path, body=body, kind="asset", name=uri)
        return AssetEvent.from_api(reply.body, uri)

    def asset_id(self, uri: str) -> int:
        """The id Airflow 3 gave the asset with exactly this URI (looked up once per client)."""
        if uri in self._asset_ids:
            return self._asset_ids[uri]
        listed = self.call("GET", "/assets", query={"uri_pattern": uri, "limit": PAGE})
        for asset in listed.body["assets"]:
            if asset["uri"] == uri:
                self._asset_ids[uri] = int(asset["id"])
                return self._asset_ids[uri]
        raise ApiNotFoundError(
            ApiCall(self.target, "GET", "/assets"),
            status=404,
            detail=f"no asset with URI '{uri}'",
            hint=not_found_hint("asset", uri),
        )
