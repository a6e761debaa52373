"""Find the one config behind a dag_id without building, or even checking, all the others.

When a worker runs a task, Airflow's parsing context names the DAG; the loader then needs only that
DAG. Files that cannot hold it are skipped on a text test; the file that can is composed once, and
only its ``default:`` block, the matching entry or template, and the one matching instance are
checked and expanded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagforge.envvars import expand_env
from dagforge.expand import ExpandedDag, expand_document, substitute
from dagforge.language.keys import SECTIONS
from dagforge.language.typed import from_json_data, to_json_data
from dagforge.load import Document, load_text
from dagforge.policy import Policy, load_policy
from dagforge.problems import Problem
from dagforge.project import DefaultsCache, discover, display_name
from dagforge.runtime import parsecache
from dagforge.validate import check_file


@dataclass
class Located:
    dag: ExpandedDag | None
    problems: list[Problem] = field(default_factory=list)


def find_dag(configs: Path, dag_id: str) -> Located | None:
    """The expanded DAG ``dag_id`` (with the problems of its slice of config), or None if no file
    has it.
    """
    defaults = DefaultsCache(configs)
    policy = load_policy(configs)  # the same policy validate and the full load apply
    for path in discover([configs]):
        text = path.read_text(encoding="utf-8")
        if dag_id not in text and "templates:" not in text:
            continue
        doc = _load_cached(text, display_name(path))
        reduced = _slice(doc.data, dag_id)
        reduced = from_json_data(reduced) if doc.encoded else reduced
        if reduced is not None:
            layers = defaults.layers(path)
            located = _expand_slice(
                doc, reduced, dag_id, [d.data for d in layers if isinstance(d.data, dict)], policy
            )
            located.problems.extend(p for layer in layers for p in layer.problems)
            return located
    return None


def _load_cached(text: str, file: str) -> Document:
    """The file's data from the parse cache (no positions: a problem sends the loader to a full
    load). The key is the text with its ``$VARS`` expanded: the data depends on them.
    """
    key = expand_env(text).text
    cached = parsecache.get(key)
    if cached is not None:  # dates come back as {"__dagforge_timestamp__": ...}: decoded per slice
        doc = Document(file, cached)
        doc.encoded = True
        return doc
    doc = load_text(text, file)
    if not any(p.severity == "error" for p in doc.problems):
        parsecache.put(key, to_json_data(doc.data))
    return doc


def _slice(data: Any, dag_id: str) -> dict[str, Any] | None:
    """The part of a file's data that defines ``dag_id``: the default block plus one entry or
    instance.
    """
    if not isinstance(data, dict):
        return None
    head = {"default": data["default"]} if "default" in data else {}
    if isinstance(data.get(dag_id), dict) and dag_id not in SECTIONS:
        return {**head, dag_id: data[dag_id]}
    templates = data.get("templates")
    for name, template in templates.items() if isinstance(templates, dict) else ():
        instance = _matching_instance(template, dag_id)
        if instance is not None:
            return {**head, "templates": {name: {**template, "instances": [instance]}}}
    return None


def _matching_instance(template: Any, dag_id: str) -> dict[str, Any] | None:
    if not isinstance(template, dict) or not isinstance(template.get("instances"), list):
        return None
    pattern = template.get("dag_id", "")
    for instance in template["instances"]:
        if isinstance(instance, dict) and substitute(pattern, instance, []) == dag_id:
            return instance
    return None


def _expand_slice(
    doc: Document,
    reduced: dict[str, Any],
    dag_id: str,
    defaults: Sequence[dict[str, Any]],
    policy: Policy,
) -> Located:
    sliced = Document(doc.file, reduced, doc.values, doc.keys, doc.bool_traps, list(doc.problems))
    dags, expand_problems = expand_document(sliced, defaults)
    problems = [*check_file(sliced, dags, policy), *expand_problems]
    match = next((d for d in dags if d.dag_id == dag_id), None)
    return Located(match, problems)
