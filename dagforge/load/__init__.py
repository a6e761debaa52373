"""Load YAML safely, once, and remember where every key and value came from.

The document is composed with PyYAML's C composer (safe: no python tags are ever constructed),
then turned into plain data by hand so that positions, duplicate keys, unsafe tags and YAML 1.1
boolean traps (``NO`` read as ``false``) are recorded instead of lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from dagforge import secrets
from dagforge.codes import Severity
from dagforge.load import files
from dagforge.load.limits import TooComplex, deepest_line, too_complex
from dagforge.problems import Problem
from dagforge.settings import MAX_YAML_DEPTH, MAX_YAML_NODES

try:  # the C composer is several times faster; fall back when libyaml is absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

JsonPath = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_SAFE_TAGS = _SCALAR_TAGS | {f"{_TAG}map", f"{_TAG}seq"}
_MERGE_TAG = f"{_TAG}merge"
_BOOL_WORDS = {"true", "false"}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class Mark:
    line: int
    column: int


@dataclass
class Document:
    """One loaded file: plain data plus the position of every key and value, by JSON path."""

    file: str
    data: Any = None
    values: dict[JsonPath, Mark] = field(default_factory=dict)
    keys: dict[JsonPath, Mark] = field(default_factory=dict)
    bool_traps: dict[JsonPath, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def mark(self, path: JsonPath, *, key: bool = False) -> Mark:
        """Where ``path`` stands; the key's position if ``key``, else the nearest known ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end]) or self.keys.get(path[:end])
            if found:
                return found
        return Mark(1, 1)

    def problem(
        self,
        path: JsonPath,
        *,
        code: str,
        message: str,
        hint: str = "",
        key: bool = False,
        severity: Severity | Literal[""] = "",
    ) -> Problem:
        """A problem at ``path`` (the key's position if ``key``, else its value's). Secrets at or
        under ``path`` (values of password-like keys, URI passwords) are never quoted."""
        where = self.mark(path, key=key)
        hidden = secrets.secrets_in(value_at(self.data, path), any(map(secrets.sensitive, path)))
        return Problem(
            file=self.file,
            line=where.line,
            column=where.column,
            path=format_path(path),
            code=code,
            message=secrets.hide(message, hidden),
            hint=secrets.hide(hint, hidden),
            severity=severity,
        )


def value_at(data: Any, path: JsonPath) -> Any:
    """The value at ``path`` inside plain data, or None when the path does not lead anywhere."""
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def format_path(path: JsonPath) -> str:
    """``("a", 0, "b")`` → ``$.a[0].b``."""
    parts = ["$"]
    for item in path:
        parts.append(f"[{item}]" if isinstance(item, int) else f".{item}")
    return "".join(parts)


def load_file(path: Path, display: str | None = None, root: Path | None = None) -> Document:
    """Load one YAML file from disk; a file that may not or cannot be read becomes a problem.

    With ``root``, a symlink must lead to a file inside it (see :mod:`dagforge.files`).
    """
    name = display or str(path)
    refusal = files.refused(path, root, name) if root is not None else None
    text = refusal or files.read_text(path, name)
    if isinstance(text, Problem):
        return Document(name, problems=[text])
    return load_text(text, name)


def load_text(text: str, file: str) -> Document:
    """Compose ``text`` and build a :class:`Document`; syntax errors become problems."""
    doc = Document(file)
    too_deep = deepest_line(text)
    if too_deep:  # checked before composing: libyaml recurses in C and crashes on deep input
        doc.problems.append(too_complex(file, too_deep, f"nesting deeper than {MAX_YAML_DEPTH}"))
        return doc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        doc.problems.append(_syntax_problem(file, text, exc))
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(
            Problem(file=file, line=1, column=1, code="yaml-syntax", message=str(exc).strip())
        )
        return doc
    try:
        doc.data = _Builder(doc).build(node, ()) if node is not None else {}
    except TooComplex as exc:
        doc.data = None
        doc.problems.append(too_complex(file, exc.line, exc.why))
    return doc


def _syntax_problem(file: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = " ".join(part for part in (exc.context, exc.problem) if part)
    source_lines = text.splitlines()
    at_line = source_lines[line - 1] if 0 < line <= len(source_lines) else ""
    if (
        "\t" in at_line[: len(at_line) - len(at_line.lstrip())]
        or "\t" in at_line[column - 1 : column]
    ):
        return Problem(
            file=file,
            line=line,
            column=column,
            code="yaml-tab",
            message="a tab character is used for indentation",
            hint="YAML allows spaces only: replace the tab with spaces",
        )
    return Problem(
        file=file,
        line=line,
        column=column,
        code="yaml-syntax",
        message=f"YAML syntax error: {message}",
        hint="fix the YAML at this line (indentation, a missing ':' or an unclosed quote)",
    )


class _Builder:
    """Turns composed nodes into dicts, lists and scalars while filling the document's indexes."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.built = 0

    def build(self, node: yaml.Node, path: JsonPath) -> Any:
        self.built += 1
        if self.built > MAX_YAML_NODES or len(path) > MAX_YAML_DEPTH:
            limit = f"{MAX_YAML_NODES} values" if self.built > MAX_YAML_NODES else "the nesting"
            raise TooComplex(node.start_mark.line + 1, f"more than {limit} once aliases expand")
        self.doc.values.setdefault(path, Mark(node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _SAFE_TAGS:
            self.doc.problems.append(
                self.doc.problem(
                    path,
                    code="unsafe-tag",
                    message=f"YAML tag '{node.tag}' is not allowed: dagforge never constructs "
                    "tagged objects",
                    hint="remove the tag; use a plain value (or an allow-listed __type__ such as "
                    "datetime.timedelta)",
                )
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: JsonPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self._merge(result, value_node, path)
                continue
            key = (
                str(key_node.value)
                if isinstance(key_node, yaml.ScalarNode)
                else str(key_node.start_mark)
            )
            child = (*path, key)
            key_mark = Mark(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                self.doc.problems.append(
                    Problem(
                        file=self.doc.file,
                        line=key_mark.line,
                        column=key_mark.column,
                        path=format_path(child),
                        code="duplicate-key",
                        message=f"key '{key}' appears twice in the same mapping; YAML keeps only "
                        "the last one",
                        hint="remove one of them (the first is at line "
                        f"{self.doc.keys[child].line})",
                    )
                )
            self.doc.keys[child] = key_mark
            self.doc.values.pop(child, None)
            result[key] = self.build(value_node, child)
        return result

    def _merge(self, result: dict[str, Any], value_node: yaml.Node, path: JsonPath) -> None:
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            merged = self.build(source, path)
            if isinstance(merged, dict):
                for key, value in merged.items():
                    result.setdefault(key, value)

    def _scalar(self, node: yaml.Node, path: JsonPath) -> Any:
        tag = node.tag
        if tag == f"{_TAG}timestamp" or tag == f"{_TAG}str":
            return str(
                node.value
            )  # dates stay text here; the schema checks them, build converts them
        if tag == f"{_TAG}bool" and str(node.value).lower() not in _BOOL_WORDS:
            self.doc.bool_traps[path] = str(node.value)
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
