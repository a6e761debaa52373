"""Expand templates × instances into plain dag-factory DAG configs, merging the defaults layers.

The layers merge exactly as dag-factory 1.1's code merges them (``_DagFactory.build_dags`` and
``DagBuilder.get_dag_params``), so dagforge and dag-factory build the same DAG from the same files:

- the DAG itself (a plain entry, or a template's ``dag:`` body deep-merged with the instance's
  ``dag:`` overrides) wins;
- then ``defaults.yml``'s DAG-level keys (nearest file wins; ``tags`` of all of them are joined),
  which replace a key of the file's ``default:`` block whole: dag-factory's docs say the
  ``default:`` block wins, its code does not (dagforge warns where the two disagree);
- then the file's ``default:`` block, merged into the DAG's mappings key by key;
- ``default_args``: the DAG's, then the ``default:`` block's, then ``defaults.yml``'s (nearest
  first), as the docs say. Lists and scalars are replaced, never merged.
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


def _defaults_below(config: Mapping[str, Any], default: Mapping[str, Any]) -> dict[str, Any]:
    """dag-factory's ``merge_configs(config, default)`` without mutating either: ``config``
    wins, mappings present in both merge key by key, and ``config``'s key order comes first."""
    result = dict(config)
    for key, value in default.items():
        if key not in result:
            result[key] = value
        elif isinstance(result[key], Mapping) and isinstance(value, Mapping):
            result[key] = _defaults_below(result[key], value)
    return result


@dataclass(frozen=True)
class Defaults:
    """The defaults one file's DAGs get: its ``default:`` block (with ``defaults.yml``'s
    default_args below its own) and ``defaults.yml``'s DAG-level keys."""

    block: dict[str, Any]
    dag_level: dict[str, Any]

    @classmethod
    def of(cls, layers: Sequence[Mapping[str, Any]], block: Mapping[str, Any]) -> Defaults:
        """``layers``: the defaults.yml files, farthest first; ``block``: the default: block."""
        default_args: dict[str, Any] = {}
        dag_level: dict[str, Any] = {}
        for layer in [*layers]:
            default_args.update(_dict(layer.get("default_args")))
            for key, value in layer.items():
                if key == "tags":
                    value = sorted(set(_list(dag_level.get("tags")) + _list(value)), key=str)
                if key != "default_args":
                    dag_level[key] = value
        default_args.update(_dict(block.get("default_args")))
        merged = {**block, "default_args": default_args} if default_args else dict(block)
        return cls(merged, dag_level)

    def apply(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        own = {**self.dag_level, **entry}
        if own.get("task_groups") == {}:  # dag-factory's doc_md dump deletes an empty one before
            del own["task_groups"]  # it merges: the default block's groups (a list too) apply
        return _defaults_below(own, self.block)


def expand_document(
    doc: Document, project_defaults: Sequence[Mapping[str, Any]]
) -> tuple[list[ExpandedDag], list[Problem]]:
    """All DAGs one loaded file describes, plus the problems met while expanding it."""
    data = _dict(doc.data)
    defaults = Defaults.of(project_defaults, _dict(data.get("default")))
    dags: list[ExpandedDag] = []
    problems: list[Problem] = []
    for dag_id, entry in data.items():
        if dag_id not in SECTIONS and isinstance(entry, dict):
            origin = Origin(doc.file, (dag_id,), doc.mark((dag_id,), key=True).line)
            dags.append(ExpandedDag(dag_id, defaults.apply(entry), origin))
    for name, template in _dict(data.get("templates")).items():
        if isinstance(template, dict):
            found, errors = _expand_template(doc, ("templates", name), template, defaults)
            dags.extend(found)
            problems.extend(errors)
    return dags, [*problems, *_precedence_problems(doc, defaults, dags)]


def _precedence_problems(
    doc: Document, defaults: Defaults, dags: Sequence[ExpandedDag]
) -> Iterator[Problem]:
    """A DAG key of the default: block that defaults.yml overrides in some DAG: dag-factory's
    code and its docs (the block wins) would build that DAG differently."""
    block = _dict(_dict(doc.data).get("default"))
    shared = [key for key in block if key != "default_args" and key in defaults.dag_level]
    if not shared:
        return
    documented = merge_layers([defaults.dag_level, block])
    owns = list(_own_configs(_dict(doc.data)))
    for key in shared:
        built = [defaults.apply(own).get(key) for own in owns]
        as_documented = [merge_layers([documented, own]).get(key) for own in owns]
        if built != as_documented:
            yield doc.problem(
                ("default", key),
                code="defaults-precedence",
                message=f"'{key}' here is overridden by defaults.yml "
                f"({defaults.dag_level[key]!r}): dag-factory 1.1 applies defaults.yml's DAG-level "
                "keys over the default: block, although its docs say the block wins",
                hint=f"set '{key}' in one of the two places, or in each DAG",
                key=True,
            )


def _own_configs(data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Each DAG's own keys: a plain entry, or a template body with an instance's overrides."""
    for dag_id, entry in data.items():
        if dag_id not in SECTIONS and isinstance(entry, dict):
            yield entry
    for template in _dict(data.get("templates")).values():
        if isinstance(template, dict):
            for instance in _list(template.get("instances")):
                overrides = _dict(instance.get("dag")) if isinstance(instance, dict) else {}
                yield deep_merge(_dict(template.get("dag")), overrides)


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
    doc: Document, tpath: JsonPath, template: dict[str, Any], defaults: Defaults
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
        config = substitute(defaults.apply(deep_merge(body, overrides)), values, missing)
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
