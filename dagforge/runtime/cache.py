"""A private folder of JSON entries, each bound to the key it was computed for.

Whoever can write this folder (on MWAA: any task, since every component runs as one OS user) must
not be able to add code or DAGs through it, so:

- entries are JSON (never pickle), named by the SHA-256 of their key, and hold that hash inside:
  an entry copied under another name, or left from other configs, is never read;
- a folder that is a symlink, is not a folder, is owned by another user or can be written by
  others is not used at all; an entry that is a symlink or not a regular file is ignored;
- what callers build from an entry is checked again before use (:mod:`dagforge.runtime.vet`),
  and a failing entry is replaced;
- old entries are evicted (the newest :data:`KEEP` stay).

Caching is best effort: an unusable folder only costs speed.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

from dagforge.settings import CACHE_ENV

KEEP = 8
MAX_ENTRY_BYTES = 200_000_000
_FORMAT = "dagforge-cache-2"


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"dagforge-cache-{os.getuid()}"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def trusted(path: Path, kind: int) -> bool:
    """``path`` is of ``kind`` (not a symlink), owned by this user, writable by nobody else."""
    try:
        status = path.lstat()
    except OSError:
        return False
    return (
        stat.S_IFMT(status.st_mode) == kind
        and status.st_uid == os.getuid()
        and not status.st_mode & 0o022
    )


Rows = dict[str, Any]


def read(key: str, row: str | None = None) -> tuple[Any, Rows] | None:
    """The value and the rows stored for exactly this key, or None. With ``row``, only that row
    is decoded (rows are one JSON text per line, so finding one costs a scan, not a parse)."""
    text = _entry_text(key)
    if text is None:
        return None
    head, _, body = text.partition("\n")
    try:
        data = json.loads(head)
        bound = isinstance(data, dict) and data.get("format") == _FORMAT
        if not bound or data.get("key") != digest(key):
            return None
        return data.get("value"), _rows(body, row)
    except ValueError:
        return None


def _entry_text(key: str) -> str | None:
    folder = cache_dir()
    entry = folder / f"{digest(key)}.jsonl"
    if not trusted(folder, stat.S_IFDIR) or not trusted(entry, stat.S_IFREG):
        return None
    try:
        if entry.stat().st_size > MAX_ENTRY_BYTES:
            return None
        return entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _rows(body: str, row: str | None) -> Rows:
    if row is None:
        pairs = (line.partition("\t") for line in body.splitlines())
        return {json.loads(name): json.loads(text) for name, _, text in pairs}
    prefix = f"{json.dumps(row)}\t"
    found = 0 if body.startswith(prefix) else body.find(f"\n{prefix}") + 1
    if found == 0 and not body.startswith(prefix):
        return {}
    end = body.find("\n", found)
    return {row: json.loads(body[found + len(prefix) : end if end >= 0 else None])}


def write(key: str, value: Any, rows: Rows | None = None) -> None:
    """Store ``value`` and ``rows`` for ``key`` atomically, then evict old entries; silently
    skipped when the folder cannot be made or is not trusted."""
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not trusted(folder, stat.S_IFDIR):
            return
        descriptor, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            head = {"format": _FORMAT, "key": digest(key), "value": value}
            handle.write(json.dumps(head, separators=(",", ":")) + "\n")
            for name, item in (rows or {}).items():
                handle.write(f"{json.dumps(name)}\t{json.dumps(item, separators=(',', ':'))}\n")
        os.replace(temporary, folder / f"{digest(key)}.jsonl")
    except (OSError, TypeError, ValueError):
        return
    evict(folder)


def evict(folder: Path, keep: int = KEEP) -> None:
    """Remove all but the ``keep`` newest entries (and temporary files nobody finished)."""
    with suppress(OSError):
        entries = [p for p in folder.iterdir() if p.suffix in (".jsonl", ".tmp")]
        entries.sort(key=lambda p: p.lstat().st_mtime, reverse=True)
        for old in entries[keep:]:
            old.unlink(missing_ok=True)
