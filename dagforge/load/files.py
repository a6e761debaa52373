"""Find and read config files the safe way: regular files, inside the project, of bounded size.

A symlink that leads outside the configs folder, a FIFO (reading it would block the loader), a
device such as ``/dev/zero`` (reading it would never end), a file over the size limit, or bytes
that are not UTF-8: each is a problem at the file, never an exception, a hang or 0 DAGs.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from dagforge.problems import Problem
from dagforge.settings import CONFIG_SUFFIXES, DEFAULTS_NAMES, MAX_CONFIG_BYTES, VARIABLES_NAMES

_NOT_CONFIGS = (*DEFAULTS_NAMES, *VARIABLES_NAMES)


def discover(paths: Sequence[Path]) -> list[Path]:
    """Config files named by ``paths`` (files, or folders walked without following symlinked
    folders), sorted; ``defaults.yml`` and ``variables.yml`` are found by their config files."""
    found: set[Path] = set()
    for path in paths:
        for candidate in [path] if not path.is_dir() else _walk(path):
            if candidate.suffix in CONFIG_SUFFIXES and candidate.name not in _NOT_CONFIGS:
                found.add(candidate.absolute())
    return sorted(found)


def _walk(folder: Path) -> Iterator[Path]:
    for parent, _folders, names in os.walk(folder, followlinks=False):
        yield from (Path(parent) / name for name in names)


def refused(path: Path, root: Path, name: str) -> Problem | None:
    """Why ``path`` (shown as ``name``) may not be read as a config, or None when it may."""
    try:
        status = path.lstat()
        if stat.S_ISLNK(status.st_mode):
            target = path.resolve()
            if not target.is_relative_to(root.resolve()):
                return _refusal(name, f"it is a symlink to {target}, outside {root}", _COPY)
            status = target.stat()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        return _refusal(name, f"it cannot be read: {exc}", "")
    if not stat.S_ISREG(status.st_mode):
        return _refusal(name, "it is not a regular file", "configs must be plain YAML files")
    if status.st_size > MAX_CONFIG_BYTES:
        return _refusal(name, f"it has {status.st_size} bytes", _SPLIT)
    return None


_COPY = "copy the file into the configs folder instead of linking to it"
_SPLIT = f"split it: a config file may hold at most {MAX_CONFIG_BYTES} bytes"


def _refusal(name: str, why: str, hint: str) -> Problem:
    return Problem(file=name, code="file-refused", message=f"not read: {why}", hint=hint)


def read_text(path: Path, name: str) -> str | Problem:
    """The file's text, or a problem (never blocking on a FIFO, never reading past the limit)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return Problem(file=name, code="file-unreadable", message=f"cannot read file: {exc}")
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return _refusal(name, "it is not a regular file", "configs must be plain YAML files")
        data = handle.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        return _refusal(name, f"it has more than {MAX_CONFIG_BYTES} bytes", _SPLIT)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Problem(
            file=name,
            line=line,
            column=1,
            code="file-unreadable",
            message=f"byte {exc.start} is not UTF-8 ({data[exc.start : exc.start + 1]!r})",
            hint="save the file as UTF-8",
        )
