"""S3 access for callables: the provider hook with standard retries, and keys that cannot escape a prefix."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

DEFAULT_CONN_ID = "aws_default"
RETRY_CONFIG = {"retries": {"mode": "standard", "max_attempts": 5}}
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._=+-]*$")


class UnsafeKeyError(ValueError):
    """A key part would leave its prefix (``..``, an absolute key, a URL) or holds odd characters."""


def hook(aws_conn_id: str = DEFAULT_CONN_ID) -> S3Hook:
    """An ``S3Hook`` for ``aws_conn_id`` with boto3's ``standard`` retry mode."""
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

    return S3Hook(aws_conn_id=aws_conn_id, config=RETRY_CONFIG)


def join_key(prefix: str, *parts: str) -> str:
    """``prefix/part/...``, refusing anything that could leave ``prefix`` or name another bucket:
    a leading ``/``, ``..``, a URL, or characters outside letters, digits and ``._=+-``."""
    if prefix.startswith("/"):
        raise UnsafeKeyError(f"unsafe S3 prefix {prefix!r}: keys are relative to the bucket, drop the leading '/'")
    segments = [seg for seg in prefix.rstrip("/").split("/")]
    for part in parts:
        segments.extend(str(part).split("/"))
    for seg in segments:
        if not _SEGMENT.match(seg) or seg in (".", ".."):
            raise UnsafeKeyError(f"unsafe S3 key part {seg!r} in {'/'.join([prefix, *parts])!r}: "
                                 "use letters, digits and ._=+- only, with no '..' or empty parts")
    return "/".join(segments)


def read_bytes(s3: S3Hook, bucket: str, key: str) -> bytes:
    """The whole object; a missing object raises with its ``s3://`` address."""
    obj = s3.get_key(key, bucket_name=bucket)
    body: bytes = obj.get()["Body"].read()
    return body


def write_bytes(s3: S3Hook, bucket: str, key: str, data: bytes) -> None:
    s3.load_bytes(data, key=key, bucket_name=bucket, replace=True)
