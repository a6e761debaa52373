"""Airflow's refusals turned into errors a person can act on: the status, the API's ``detail``,
and a hint that names what to change (the IAM action or Airflow role, the DAG that is not parsed
yet, the run id that exists)."""

from __future__ import annotations

from collections.abc import Iterable

from dagforge.api.transport import Reply, Transport
from dagforge.errors import (
    ApiAuthError,
    ApiCall,
    ApiConflictError,
    ApiError,
    ApiNotFoundError,
    ApiTooLargeError,
)
from dagforge.language.hints import did_you_mean
from dagforge.mwaa.limits import INVOKE_REST_API_MAX_BYTES

MEGABYTE = 1024 * 1024


def not_found_hint(kind: str, name: str, known: Iterable[str] = ()) -> str:
    """What a 404 means for each kind of thing the client asks for."""
    close = did_you_mean(name, known) if known else ""
    if kind == "dag":
        parsed = (
            "or it is not parsed yet: the DAG processor needs up to 30 s after a deploy; "
            "check the import errors in the UI and `dagforge list`"
        )
        return f"{close} ({parsed})" if close else f"no DAG '{name}' is known, {parsed}"
    if kind == "variable":
        return f"no Variable '{name}'; `dagforge variables list` shows the ones there are"
    if kind == "asset":
        return (
            f"no asset '{name}': an asset exists once a parsed DAG is scheduled on it or "
            "updates it; check the URI against the config's schedule"
        )
    return "check the name; `dagforge runs DAG_ID` lists the runs"


def conflict_hint(kind: str) -> str:
    if kind == "run":
        return "a run with this run id exists: pass another --run-id, or leave it out"
    return "it exists already: update it instead of creating it"


def raise_for(
    transport: Transport,
    reply: Reply,
    method: str,
    path: str,
    *,
    kind: str = "",
    name: str = "",
    known: Iterable[str] = (),
) -> None:
    """Raise the error ``reply`` stands for, or return when it is a success."""
    if reply.ok:
        return
    call, status, detail = ApiCall(transport.target, method, path), reply.status, reply.detail
    if status in (401, 403):
        raise ApiAuthError(call, status=status, detail=detail, hint=transport.auth_hint(status))
    if status == 404:
        hint = not_found_hint(kind, name, known)
        raise ApiNotFoundError(call, status=status, detail=detail, hint=hint)
    if status == 409:
        raise ApiConflictError(call, status=status, detail=detail, hint=conflict_hint(kind))
    if status == 413:
        raise ApiTooLargeError(call, status=status, detail=detail, hint=too_large_hint("request"))
    hint = (
        "the API rejected the request as written"
        if status < 500
        else "Airflow failed; its API server log says why"
    )
    raise ApiError(call, status=status, detail=detail, hint=hint)


def too_large_hint(what: str) -> str:
    limit = f"{INVOKE_REST_API_MAX_BYTES // MEGABYTE} MB"
    if what == "request":
        return (
            f"InvokeRestApi carries at most {limit}: pass large data through S3 and put its "
            "key in the conf"
        )
    return f"InvokeRestApi answers at most {limit}: ask for fewer items (a smaller limit)"


def check_size(transport: Transport, method: str, path: str, size: int, what: str) -> None:
    """Refuse a request or answer over InvokeRestApi's size, on every transport alike, so what
    works locally also works on MWAA."""
    if size > INVOKE_REST_API_MAX_BYTES:
        raise ApiTooLargeError(
            ApiCall(transport.target, method, path),
            status=0,
            detail=f"the {what} is {size / MEGABYTE:.1f} MB",
            hint=too_large_hint(what),
            sent=what != "request",
        )


def path_too_long(transport: Transport, method: str, path: str) -> ApiError:
    return ApiError(
        ApiCall(transport.target, method, path),
        sent=False,
        status=0,
        detail=f"the path has {len(path)} characters; this target takes {transport.max_path}",
        hint="InvokeRestApi takes paths of at most 64 characters: use a shorter dag_id or run id",
    )
