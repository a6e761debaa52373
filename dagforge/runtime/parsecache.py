"""A content-addressed cache of loaded config data for task runs, in a private folder, as JSON.

A worker running one task re-parses the loader in a new process; composing a 4,000-instance file
costs more than everything else the task-run parse does. The cache key is the file's SHA-256, so a
changed file can never hit a stale entry. Entries are JSON (never pickle: nothing in the cache can
run code). Caching is best-effort: an unwritable folder only costs speed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from dagforge.settings import CACHE_ENV


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    return (
        Path(configured)
        if configured
        else Path(tempfile.gettempdir()) / f"dagforge-cache-{os.getuid()}"
    )


def _entry(text: str) -> Path:
    return cache_dir() / f"{hashlib.sha256(text.encode('utf-8')).hexdigest()}.json"


def _trusted(folder: Path) -> bool:
    """Only a folder this user owns and nobody else can write to (a shared /tmp could hold a planted
    one).
    """
    try:
        status = folder.stat()
    except OSError:
        return False
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def get(text: str) -> Any | None:
    """The data stored for exactly this file content, or None."""
    entry = _entry(text)
    if not _trusted(entry.parent):
        return None
    try:
        return json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def put(text: str, data: Any) -> None:
    """Store ``data`` for this file content (atomically; silently skipped if the folder is
    unwritable).
    """
    entry = _entry(text)
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(entry.parent):
            return
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.replace(tmp, entry)
    except (OSError, TypeError, ValueError):
        return
