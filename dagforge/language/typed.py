"""What dag-factory's YAML loader does to a file's data after parsing it, for the build stage.

dag-factory builds ``{__type__: module.Class, ...}`` objects (``cast_with_type``) and then folds
``{__and__: [...]}``, ``{__or__: [...]}`` and ``{__join__: [...]}`` (``_flatten_logical_
expressions``), but only when it reads YAML files itself, never for a config dict. dagforge hands
``DagBuilder`` config dicts, so it does both here, in the same order and with the same results,
except that only ``__type__`` classes the project's policy allows are ever imported.

Validation only compares names against the policy (through the schema) and never calls
:func:`construct`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import reduce
from typing import Any

from dagforge.errors import UnsafeTypeError
from dagforge.load import Timestamp

TYPED_LIST = "builtins.list"  # dag-factory's {__type__: builtins.list, items: [...]}


def construct(value: Any, allows: Callable[[str], bool]) -> Any:
    """dag-factory's ``cast_with_type`` then ``_flatten_logical_expressions`` over ``value``."""
    return flatten(cast(value, allows))


def _each(value: Any, convert: Callable[[Any], Any]) -> Any:
    """``value`` with ``convert`` applied to its items, copied only where something changed (a
    loader builds thousands of configs: most of a config needs nothing)."""
    changed: Any = None
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        new = convert(item)
        if new is not item:
            if changed is None:
                changed = dict(value) if isinstance(value, dict) else list(value)
            changed[key] = new
    return value if changed is None else changed


def cast(value: Any, allows: Callable[[str], bool]) -> Any:
    """Every ``__type__`` mapping built (when ``allows`` its class), every YAML date a date."""
    if isinstance(value, Timestamp):
        return value.value()
    if isinstance(value, list):
        return _each(value, lambda item: cast(item, allows))
    if not isinstance(value, dict):
        return value
    if "__type__" not in value and "__args__" not in value:
        return _each(value, lambda item: cast(item, allows))
    if value.get("__type__") == TYPED_LIST and "items" in value:
        return [cast(item, allows) for item in value["items"]]
    fields = {k: cast(v, allows) for k, v in value.items() if k not in ("__type__", "__args__")}
    args = cast(value["__args__"], allows) if value.get("__args__") is not None else []
    if "__type__" not in value:
        return fields
    target = str(value["__type__"])
    if not allows(target):
        raise UnsafeTypeError(target)
    module, _, name = target.rpartition(".")
    return getattr(importlib.import_module(module), name)(*args, **fields)


def flatten(value: Any) -> Any:
    """``{__and__: [a, b]}`` → ``a & b`` (text ``(a & b)`` when the items cannot be combined),
    ``{__or__: ...}`` likewise, ``{__join__: [a, b]}`` → the text ``ab``."""
    if isinstance(value, list):
        return _each(value, flatten)
    if not isinstance(value, dict):
        return value
    for key, symbol in (("__and__", "&"), ("__or__", "|")):
        if key in value:
            items = [flatten(item) for item in value[key]]
            try:
                return reduce(_operation(symbol), items)
            except TypeError:
                return f"({f' {symbol} '.join(str(item) for item in items)})"
    if "__join__" in value:
        return "".join(str(flatten(item)) for item in value["__join__"])
    return _each(value, flatten)


def _operation(symbol: str) -> Callable[[Any, Any], Any]:
    return (lambda a, b: a & b) if symbol == "&" else (lambda a, b: a | b)


_TIMESTAMP_KEY = "__dagforge_timestamp__"


def has_timestamps(value: Any) -> bool:
    """Whether ``value`` holds a :class:`Timestamp` anywhere (a cache records it, so reading
    back a config without dates costs no walk)."""
    if isinstance(value, Timestamp):
        return True
    if isinstance(value, dict):
        return any(has_timestamps(item) for item in value.values())
    if isinstance(value, list):
        return any(has_timestamps(item) for item in value)
    return False


def to_json_data(value: Any) -> Any:
    """``value`` for a JSON cache: a :class:`Timestamp` is kept apart from plain text."""
    if isinstance(value, Timestamp):
        return {_TIMESTAMP_KEY: str(value)}
    if isinstance(value, dict):
        return {key: to_json_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json_data(item) for item in value]
    return value


def from_json_data(value: Any) -> Any:
    """The inverse of :func:`to_json_data`."""
    if isinstance(value, dict):
        if len(value) == 1 and _TIMESTAMP_KEY in value:
            return Timestamp(value[_TIMESTAMP_KEY])
        return {key: from_json_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_json_data(item) for item in value]
    return value
