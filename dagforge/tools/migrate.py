"""Rewrite dag-factory 0.x YAML into current config, line by line, keeping comments and layout.

The file is composed once (positions of every key); each removed key becomes one edit at its own
line: a rename, a value converted (``retry_delay_sec: 300`` → ``retry_delay: 5m``), a line deleted,
or, when the layout is too unusual to edit safely, a note left for a person.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagforge.errors import ConfigError
from dagforge.language.dagfactory import (
    DECORATOR_ALIASES,
    FILE_PAIRS_DAG,
    FILE_PAIRS_TASK,
    FILE_SUFFIX,
    NAME_SUFFIX,
)
from dagforge.language.keys import DURATION_KEYS
from dagforge.language.removed import (
    REMOVED,
    REMOVED_OPERATORS,
    SECONDS_SUFFIX,
    callable_path,
    removed_key,
)
from dagforge.language.schema import operator_aliases
from dagforge.language.values import format_duration
from dagforge.load import Document, JsonPath, load_text, value_at
from dagforge.settings import SCHEMA_FILE, SCHEMAS_DIR

SCHEMA_LINE = "# yaml-language-server: $schema="
PAIRS = frozenset({*FILE_PAIRS_TASK, *FILE_PAIRS_DAG})


@dataclass(frozen=True)
class Edit:
    line: int  # 1-based
    column: int
    old: str  # the text replaced, from the key to the end of its value on that line
    new: str | None  # None deletes the lines old covers
    last_line: int
    note: str


@dataclass
class Migration:
    text: str
    changes: list[str] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)


def migrate_text(
    text: str, file: str, *, package: str = "callables", schema_ref: str | None = None
) -> Migration:
    """The migrated text of one 0.x file and what changed; raises ``ConfigError`` on unparsable
    YAML.
    """
    doc = load_text(text, file)
    if any(p.code.startswith("yaml-") for p in doc.problems):
        raise ConfigError([p for p in doc.problems if p.code.startswith("yaml-")])
    lines = text.splitlines(keepends=True)
    result = Migration("")
    for edit in sorted(
        _edits(doc, lines, package, result.manual), key=lambda e: (e.line, e.column), reverse=True
    ):
        _apply(lines, edit)
        result.changes.insert(0, f"line {edit.line}: {edit.note}")
    if schema_ref and not text.startswith(SCHEMA_LINE):
        lines.insert(0, f"{SCHEMA_LINE}{schema_ref}\n")
        result.changes.insert(0, "line 1: added the schema line for editors")
    result.text = "".join(lines)
    return result


def _edits(doc: Document, lines: list[str], package: str, manual: list[str]) -> Iterator[Edit]:
    yield from _operator_edits(doc, lines)
    for path, mark in doc.keys.items():
        parent = value_at(doc.data, path[:-1])
        key = path[-1]
        if not isinstance(key, str) or not isinstance(parent, dict):
            continue
        if removed_key(key, parent.get(key), parent) is None and _pair(key, parent) is None:
            continue
        edit = _edit_for(doc, lines, path, parent, package)
        if edit is None:
            why = removed_key(key, parent[key], parent) or ("a file-based callable",)
            manual.append(f"line {mark.line}: '{key}' needs a manual change ({why[0]})")
        elif edit.new is not None or edit.old:
            yield edit


def _pair(key: str, parent: Mapping[str, Any]) -> str | None:
    """The callable key of a dag-factory ``<key>_name``/``<key>_file`` pair ``key`` belongs to."""
    for suffix in (NAME_SUFFIX, FILE_SUFFIX):
        base = key.removesuffix(suffix)
        if (
            base != key
            and base in PAIRS
            and {f"{base}{NAME_SUFFIX}", f"{base}{FILE_SUFFIX}"} <= set(parent)
        ):
            return base
    return None


def operator_renames() -> dict[str, str]:
    """Airflow 2 operator and decorator paths → their Airflow 3 home."""
    return {**operator_aliases(), **REMOVED_OPERATORS, **DECORATOR_ALIASES}


def _operator_edits(doc: Document, lines: list[str]) -> Iterator[Edit]:
    for path, mark in doc.values.items():
        named = path and path[-1] in ("operator", "decorator")
        value = value_at(doc.data, path) if named else None
        if isinstance(value, str) and value in operator_renames():
            start = mark.column - 1
            quoted = lines[mark.line - 1][start] in "'\""
            new = operator_renames()[value]
            yield Edit(
                mark.line,
                mark.column + int(quoted),
                value,
                new,
                mark.line,
                f"{path[-1]} {value} → {new}",
            )


def _span(doc: Document, path: JsonPath) -> int:
    """The last line the key at ``path`` and its value take up."""
    return max(
        mark.line
        for index in (doc.values, doc.keys)
        for p, mark in index.items()
        if p[: len(path)] == path
    )


def _edit_for(
    doc: Document, lines: list[str], path: JsonPath, parent: Mapping[str, Any], package: str
) -> Edit | None:
    key = str(path[-1])
    value = parent[key]
    mark = doc.keys[path]
    last = _span(doc, path)
    text = lines[mark.line - 1]
    pattern = rf"{re.escape(key)}[ \t]*:[ \t]*(?P<value>[^#,}}\n]*?)(?=[ \t]*(?:#|,|}}|\r?\n|$))"
    match = re.compile(pattern).match(text, mark.column - 1)
    if match is None:
        return None
    old = match.group(0)
    entry = REMOVED.get(key)
    if entry is not None and entry.rename:
        return Edit(mark.line, mark.column, key, entry.rename, mark.line, f"{key} → {entry.rename}")
    base = _pair(key, parent)
    if base is not None and key.endswith(NAME_SUFFIX):
        note = f"{key} folded into {base}"
        return _delete(lines, mark.line, mark.column, last, old, note)
    if base is not None:
        target = callable_path(parent, base)
        if target is None or last != mark.line:
            return None
        new = f"{base}: " + target.replace("callables.", f"{package}.", 1)
        return Edit(mark.line, mark.column, old, new, last, f"{old} → {new}")
    seconds = isinstance(value, int) and not isinstance(value, bool) and SECONDS_SUFFIX.search(key)
    new_key = SECONDS_SUFFIX.sub("", key)
    if seconds and new_key in DURATION_KEYS and last == mark.line:
        new = f"{new_key}: {format_duration(value)}"
        return Edit(mark.line, mark.column, old, new, last, f"{old} → {new}")
    if seconds and new_key in REMOVED and REMOVED[new_key].drop:  # sla_secs: SLAs are gone
        note = f"removed {old.strip()} ({REMOVED[new_key].drop})"
        return _delete(lines, mark.line, mark.column, last, old, note)
    if seconds:
        return None  # no Airflow 3 key takes it: a person decides
    if entry is not None and entry.drop:
        return _delete(
            lines, mark.line, mark.column, last, old, f"removed {old.strip()} ({entry.why})"
        )
    return None


def _delete(
    lines: list[str], line: int, column: int, last: int, old: str, note: str
) -> Edit | None:
    """Delete whole lines only when the key starts its line (block style); flow mappings are left to
    people.
    """
    return (
        Edit(line, column, old, None, last, note)
        if not lines[line - 1][: column - 1].strip()
        else None
    )


def _apply(lines: list[str], edit: Edit) -> None:
    if edit.new is None:
        del lines[edit.line - 1 : edit.last_line]
        return
    text = lines[edit.line - 1]
    start = edit.column - 1
    lines[edit.line - 1] = text[:start] + edit.new + text[start + len(edit.old) :]


def schema_ref_for(path: Path) -> str:
    """The schema's path relative to the config file, as editors resolve it."""
    return os.path.relpath(SCHEMAS_DIR / SCHEMA_FILE, path.resolve().parent).replace(os.sep, "/")
