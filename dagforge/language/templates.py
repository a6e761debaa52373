"""What the Jinja templates inside config values read: Airflow Variables, and the context keys
that exist only for runs with a logical date.

Templates are parsed with Jinja's own parser (never rendered), so ``{{ var.value.x }}``,
``var.json.get('x')`` and ``var.value['x']`` are all found, and a name guarded by
``is defined`` or set by ``{% set %}`` is not reported.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

import jinja2
from jinja2 import meta, nodes

# Context keys Airflow 3 leaves undefined when a run has no logical date (runs triggered through
# the API with ``logical_date: null`` and asset-triggered runs), with the expression that works
# for every run: the logical date when there is one, else when the run was due (``run_after``).
_DATE = "(dag_run.logical_date or dag_run.run_after)"
LOGICAL_DATE_KEYS = {
    "ds": f"{_DATE} | ds",
    "ds_nodash": f"{_DATE} | ds_nodash",
    "ts": f"{_DATE} | ts",
    "ts_nodash": f"{_DATE} | ts_nodash",
    "ts_nodash_with_tz": f"{_DATE} | ts_nodash_with_tz",
    "logical_date": _DATE,
    "data_interval_start": "(dag_run.data_interval_start or dag_run.run_after)",
    "data_interval_end": "(dag_run.data_interval_end or dag_run.run_after)",
    "prev_data_interval_start_success": "prev_start_date_success",
    "prev_data_interval_end_success": "prev_end_date_success",
}
_ACCESSORS = ("value", "json")


class _AnyName(dict[str, Any]):
    """Filters and tests by any name: Airflow's (``| ds``) and a DAG's own macros alike."""

    def __contains__(self, name: object) -> bool:
        return True

    def __missing__(self, name: str) -> Any:
        return _same

    def get(self, name: str, default: Any = None) -> Any:
        return self[name]


def _same(value: Any, *args: Any, **kwargs: Any) -> Any:
    return value


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(autoescape=False)  # parse only: nothing is ever rendered
    environment.filters = _AnyName(environment.filters)
    environment.tests = _AnyName(environment.tests)
    return environment


def parse(text: str) -> nodes.Template | None:
    """The template's syntax tree, or ``None`` for plain text and templates Jinja cannot parse
    (Airflow reports those itself when it renders them)."""
    if "{{" not in text and "{%" not in text:
        return None
    try:
        return _environment().parse(text)
    except jinja2.TemplateSyntaxError:
        return None


def variable_reads(tree: nodes.Template) -> list[str]:
    """Keys of the Variables the template reads through ``var.value`` or ``var.json``."""
    found: list[str] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Call)):
        key = _read_key(node)
        if key and key not in found:
            found.append(key)
    return found


def _accessor(node: nodes.Node) -> bool:
    """Whether ``node`` is ``var.value`` or ``var.json``."""
    return (
        isinstance(node, nodes.Getattr)
        and node.attr in _ACCESSORS
        and isinstance(node.node, nodes.Name)
        and node.node.name == "var"
    )


def _read_key(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr) and _accessor(node.node) and node.attr != "get":
        return node.attr
    if isinstance(node, nodes.Getitem) and _accessor(node.node):
        return _constant(node.arg)
    called = node.node if isinstance(node, nodes.Call) else None
    if isinstance(called, nodes.Getattr) and called.attr == "get" and _accessor(called.node):
        return _constant(node.args[0]) if isinstance(node, nodes.Call) and node.args else None
    return None


def _constant(node: nodes.Node) -> str | None:
    return node.value if isinstance(node, nodes.Const) and isinstance(node.value, str) else None


def unguarded_date_keys(tree: nodes.Template) -> list[str]:
    """The logical-date keys the template reads without an ``is defined`` guard."""
    guarded = {
        test.node.name
        for test in tree.find_all(nodes.Test)
        if test.name == "defined" and isinstance(test.node, nodes.Name)
    }
    try:
        read = meta.find_undeclared_variables(tree)
    except jinja2.TemplateError:  # Airflow reports a template it cannot compile when it renders
        return []
    return sorted(name for name in read if name in LOGICAL_DATE_KEYS and name not in guarded)


@lru_cache(maxsize=4096)
def reads_of(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The Variables and the unguarded logical-date keys ``text`` reads, parsed once per distinct
    text: a template's instances repeat the same templated strings thousands of times."""
    tree = parse(text)
    if tree is None:
        return (), ()
    return tuple(variable_reads(tree)), tuple(unguarded_date_keys(tree))
