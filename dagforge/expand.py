"""Expand templates × instances into plain dag-factory DAG configs, merging the defaults layers.

Layers, weakest first: project ``defaults.yml`` files (outermost folder first) → the file's
``default:`` block → the template's ``dag:`` body → the instance's ``dag:`` overrides (or, for a
plain entry, the entry itself). Dicts merge deeply; lists and scalars are replaced.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dagforge.language.keys import SECTIONS
from dagforge.load import Document, JsonPath
from dagforge.problems import Problem

_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([a-z]+))?\}(?!\})")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


_FILTERS: dict[str, Callable[[str], str]] = {"lower": str.lower, "upper": str.upper, "slug": _slug}


@dataclass(frozen=True)
class Origin:
    """Where a DAG comes from: its file, its entry (or instance) path, and its template's path."""

    file: str
    path: JsonPath
    line: int
    template_path: JsonPath | None = None
    template_line: int | None = None

    def describe(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where} (template at line {self.template_line})" if self.template_line else where


@dataclass(frozen=True)
class ExpandedDag:
    dag_id: str
    config: dict[str, Any]
    origin: Origin


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into a copy of ``base``: dicts recursively, everything else replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def merge_layers(layers: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for layer in layers:
        result = deep_merge(result, layer)
    return result


def expand_document(
    doc: Document, project_defaults: Sequence[Mapping[str, Any]]
) -> tuple[list[ExpandedDag], list[Problem]]:
    """All DAGs one loaded file describes, plus the problems met while expanding it."""
    data = _dict(doc.data)
    base = [*project_defaults, _dict(data.get("default"))]
    dags: list[ExpandedDag] = []
    problems: list[Problem] = []
    for dag_id, entry in data.items():
        if dag_id not in SECTIONS and isinstance(entry, dict):
            origin = Origin(doc.file, (dag_id,), doc.mark((dag_id,), key=True).line)
            dags.append(ExpandedDag(dag_id, merge_layers([*base, entry]), origin))
    for name, template in _dict(data.get("templates")).items():
        if isinstance(template, dict):
            found, errors = _expand_template(doc, ("templates", name), template, base)
            dags.extend(found)
            problems.extend(errors)
    return dags, problems


def dag_ids(loaded: Any) -> list[str]:
    """The dag_ids a file's loaded data defines, as :func:`expand_document` names them, without
    merging or checking anything (cheap: used to confirm a cached decision against the files)."""
    data = _dict(loaded)
    ids = [key for key, entry in data.items() if key not in SECTIONS and isinstance(entry, dict)]
    for template in _dict(data.get("templates")).values():
        ids += _template_ids(_dict(template))
    return ids


def _template_ids(template: dict[str, Any]) -> list[str]:
    pattern = template.get("dag_id")
    if not isinstance(pattern, str):
        return []
    ids = []
    for instance in (i for i in _list(template.get("instances")) if isinstance(i, dict)):
        missing: list[str] = []
        dag_id = str(
            substitute(pattern, {k: v for k, v in instance.items() if k != "dag"}, missing)
        )
        ids += [] if missing else [dag_id]
    return ids


def _expand_template(
    doc: Document, tpath: JsonPath, template: dict[str, Any], base: Sequence[Mapping[str, Any]]
) -> tuple[list[ExpandedDag], list[Problem]]:
    dags: list[ExpandedDag] = []
    problems: list[Problem] = []
    body, declared = _dict(template.get("dag")), _dict(template.get("parameters"))
    for index, instance in enumerate(_list(template.get("instances"))):
        if not isinstance(instance, dict):
            continue
        ipath = (*tpath, "instances", index)
        values = {k: v for k, v in instance.items() if k != "dag"}
        overrides = _dict(instance.get("dag"))
        missing: list[str] = []
        config = substitute(merge_layers([*base, body, overrides]), values, missing)
        pattern = template.get("dag_id")
        # A dag_id is text even when it is one placeholder filled with a number.
        dag_id = str(substitute(pattern, values, missing)) if isinstance(pattern, str) else None
        problems.extend(_missing_problems(doc, ipath, tpath, missing, declared))
        if not missing and dag_id is not None:
            origin = Origin(
                doc.file, ipath, doc.mark(ipath).line, tpath, doc.mark(tpath, key=True).line
            )
            dags.append(ExpandedDag(dag_id, config, origin))
    return dags, problems


def _missing_problems(
    doc: Document, ipath: JsonPath, tpath: JsonPath, missing: list[str], declared: Mapping[str, Any]
) -> Iterator[Problem]:
    template_line = doc.mark(tpath, key=True).line
    for name in sorted(set(missing)):
        hint = (
            f"add '{name}: ...' to this instance"
            if name in declared
            else f"declare '{name}' under the template's parameters (line {template_line}) and "
            "set it here"
        )
        yield doc.problem(
            ipath,
            code="placeholder-missing",
            message=f"placeholder '{{{name}}}' used by the template at line {template_line} has "
            "no value in this instance",
            hint=hint,
        )


def substitute(value: Any, values: Mapping[str, Any], missing: list[str]) -> Any:
    """Fill ``{name}`` / ``{name|lower}`` placeholders in every string; Jinja ``{{ }}`` is left
    alone.
    """
    if isinstance(value, str):
        return _substitute_text(value, values, missing)
    if isinstance(value, dict):
        return {key: substitute(item, values, missing) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, values, missing) for item in value]
    return value


def _substitute_text(text: str, values: Mapping[str, Any], missing: list[str]) -> Any:
    if "{" not in text:
        return text
    whole = _PLACEHOLDER.fullmatch(text)
    if whole and not whole.group(2) and whole.group(1) in values:
        return values[whole.group(1)]  # a lone placeholder keeps the instance value's type

    def replace(match: re.Match[str]) -> str:
        name, flt = match.group(1), match.group(2)
        if name not in values:
            missing.append(name)
            return match.group(0)
        text_value = str(values[name])
        return _FILTERS[flt](text_value) if flt in _FILTERS else text_value

    return _PLACEHOLDER.sub(replace, text)


def placeholders_in(value: Any) -> set[str]:
    """Every placeholder name used anywhere in ``value``."""
    if isinstance(value, str):
        return {m.group(1) for m in _PLACEHOLDER.finditer(value)}
    if isinstance(value, dict):
        return set().union(*(placeholders_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(placeholders_in(v) for v in value)) if value else set()
    return set()
