"""S3 access for callables: the provider hook with standard retries, and keys that cannot escape a
prefix.

Requests go through the boto3 client the hook builds (``hook.get_conn()``): one plain GET or PUT per
call. The hook's own helpers cost extra round trips (``get_key`` sends a HEAD before the GET), which
matters when a task is a handful of small requests.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

__all__: list[str] = []  # helpers for other callables; nothing here is meant to be named from YAML

DEFAULT_CONN_ID = "aws_default"
RETRY_CONFIG = {"retries": {"mode": "standard", "max_attempts": 5}}
# Matched whole (``fullmatch``) with ASCII classes only: ``$`` would let a trailing newline through
# and ``\d`` would accept any script's digits.
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._=+-]*")
# S3 bucket naming rules (lower case, digits, dots, hyphens; 3-63 characters).
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_DS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_hooks: dict[tuple[str, str | None], S3Hook] = {}


class UnsafeKeyError(ValueError):
    """A key part would leave its prefix (``..``, an absolute key, a URL) or holds odd
    characters."""


class MissingObjectError(FileNotFoundError):
    """An object a callable needs is not there (``s3://bucket/key`` in the message)."""


class CorruptObjectError(ValueError):
    """An object a callable wrote earlier (a marker, an index) is not what it wrote: unreadable
    JSON or a missing field (``s3://bucket/key`` in the message)."""


def hook(aws_conn_id: str = DEFAULT_CONN_ID) -> S3Hook:
    """An ``S3Hook`` for ``aws_conn_id`` with boto3's ``standard`` retry mode.

    One hook (and so one boto3 client, about 0.1 s to build) is kept per connection within a
    process; a connection redefined through ``AIRFLOW_CONN_*`` gets a new one.
    """
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

    cache_key = (aws_conn_id, os.environ.get(f"AIRFLOW_CONN_{aws_conn_id.upper()}"))
    if cache_key not in _hooks:
        _hooks[cache_key] = S3Hook(aws_conn_id=aws_conn_id, config=RETRY_CONFIG)
    return _hooks[cache_key]


def client(s3: S3Hook) -> Any:
    """The boto3 S3 client behind ``s3`` (built once per hook)."""
    return s3.get_conn()


def check_bucket(bucket: str) -> str:
    """``bucket`` if it is a plain bucket name (no ``s3://``, no ``/``, no key)."""
    if not isinstance(bucket, str) or not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise UnsafeKeyError(
            f"unsafe bucket name {bucket!r}: use a plain S3 bucket name such as 'my-data'"
        )
    return bucket


def check_ds(ds: str) -> str:
    """``ds`` if it is a real ``YYYY-MM-DD`` date (it becomes part of S3 keys)."""
    if not isinstance(ds, str) or not _DS.fullmatch(ds):
        raise UnsafeKeyError(f"logical date {ds!r} is not YYYY-MM-DD")
    try:
        date.fromisoformat(ds)
    except ValueError as exc:
        raise UnsafeKeyError(f"logical date {ds!r} is not a date ({exc})") from exc
    return ds


def join_key(prefix: str, *parts: str) -> str:
    """``prefix/part/...``, refusing anything that could leave ``prefix`` or name another bucket:
    a leading ``/``, ``..``, a URL, or characters outside letters, digits and ``._=+-``."""
    if prefix.startswith("/"):
        raise UnsafeKeyError(
            f"unsafe S3 prefix {prefix!r}: keys are relative to the bucket, drop the leading '/'"
        )
    segments = [seg for seg in prefix.rstrip("/").split("/")]
    for part in parts:
        segments.extend(str(part).split("/"))
    for seg in segments:
        if not _SEGMENT.fullmatch(seg) or seg in (".", ".."):
            raise UnsafeKeyError(
                f"unsafe S3 key part {seg!r} in {'/'.join([prefix, *parts])!r}: use letters, "
                "digits and ._=+- only, with no '..' or empty parts"
            )
    return "/".join(segments)


def get(s3: S3Hook, bucket: str, key: str, byte_range: tuple[int, int] | None = None) -> bytes:
    """The object (or bytes ``start..end`` inclusive of it) in one GET; a missing one raises
    :class:`MissingObjectError` with its ``s3://`` address."""
    kwargs: dict[str, Any] = {"Bucket": check_bucket(bucket), "Key": key}
    if byte_range is not None:
        kwargs["Range"] = f"bytes={byte_range[0]}-{byte_range[1]}"
    conn = client(s3)
    try:
        body: bytes = conn.get_object(**kwargs)["Body"].read()
    except conn.exceptions.NoSuchKey as exc:
        raise MissingObjectError(f"s3://{bucket}/{key} does not exist") from exc
    return body


def stream(s3: S3Hook, bucket: str, key: str) -> IO[bytes]:
    """The object's body as a stream, for readers that parse while it downloads (no whole copy in
    memory); a missing object raises :class:`MissingObjectError`."""
    conn = client(s3)
    try:
        body: IO[bytes] = conn.get_object(Bucket=check_bucket(bucket), Key=key)["Body"]
    except conn.exceptions.NoSuchKey as exc:
        raise MissingObjectError(f"s3://{bucket}/{key} does not exist") from exc
    return body


def get_or_none(s3: S3Hook, bucket: str, key: str) -> bytes | None:
    """The object, or ``None`` when it does not exist (one GET, no HEAD first)."""
    try:
        return get(s3, bucket, key)
    except MissingObjectError:
        return None


def get_json(s3: S3Hook, bucket: str, key: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON object at ``key`` with ``required`` fields (see :func:`json_object`); a missing
    object raises :class:`MissingObjectError`."""
    return json_object(get(s3, bucket, key), f"s3://{bucket}/{key}", required)


def json_object(data: bytes, where: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """``data`` as a JSON object with ``required`` fields; anything else raises
    :class:`CorruptObjectError` naming ``where``."""
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptObjectError(f"{where} is not JSON ({exc}); was it changed by hand?") from exc
    missing = [name for name in required if not isinstance(value, dict) or name not in value]
    if not isinstance(value, dict) or missing:
        raise CorruptObjectError(
            f"{where} is not the JSON object this pipeline writes (missing: "
            f"{', '.join(missing) or 'an object'}); was it changed by hand?"
        )
    return value


def put(s3: S3Hook, bucket: str, key: str, data: bytes | IO[bytes]) -> None:
    """Write ``data`` (bytes, or a seekable binary file) to ``key`` in one PUT (S3 makes it visible
    whole or not at all)."""
    client(s3).put_object(Bucket=check_bucket(bucket), Key=key, Body=data)


def delete(s3: S3Hook, bucket: str, *keys: str) -> None:
    """Delete ``keys`` (missing ones are fine) in one request."""
    if keys:
        client(s3).delete_objects(
            Bucket=check_bucket(bucket),
            Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True},
        )
