"""Values that are not what they look like, in a file as written (once per place, however many
DAGs a template makes of it): an unquoted date in a free value is a ``date`` object for
dag-factory, and ``__and__``/``__or__`` among a ``__type__`` object's arguments reach the class as
a raw mapping (dag-factory builds objects before it folds conditions)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dagforge.language.keys import DATE_KEYS
from dagforge.load import Document, JsonPath, Timestamp
from dagforge.problems import Problem

_DATE_PLACES = frozenset(DATE_KEYS)


def check_values(doc: Document) -> list[Problem]:
    return [*_free_dates(doc, (), doc.data), *_conditions_in_objects(doc, (), doc.data)]


def _free_dates(doc: Document, path: JsonPath, value: Any) -> Iterator[Problem]:
    """Unquoted dates anywhere but in a date key: dag-factory passes a ``date`` object there."""
    if isinstance(value, Timestamp) and (not path or path[-1] not in _DATE_PLACES):
        yield doc.problem(
            path,
            code="yaml-date",
            message=f"{value} is read as a date (YAML), not as text: dag-factory passes a "
            "datetime.date here",
            hint=f'quote it if you mean text: "{value}"',
        )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _free_dates(doc, (*path, key), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _free_dates(doc, (*path, index), item)


def _conditions_in_objects(doc: Document, path: JsonPath, value: Any) -> Iterator[Problem]:
    if isinstance(value, Mapping):
        typed = "__type__" in value
        for key, item in value.items():
            items = item if key == "__args__" and isinstance(item, list) else [item]
            for index, part in enumerate(items):
                where = (*path, key, index) if key == "__args__" else (*path, key)
                if typed and isinstance(part, Mapping) and {"__and__", "__or__"} & set(part):
                    yield doc.problem(
                        where,
                        code="invalid-value",
                        message=f"dag-factory 1.1 builds {value['__type__']} before it combines "
                        "__and__/__or__, so the class gets the raw mapping and fails",
                        hint="pass one object here (e.g. one airflow.sdk.Asset), or the "
                        "condition outside the object",
                    )
            yield from _conditions_in_objects(doc, (*path, key), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _conditions_in_objects(doc, (*path, index), item)
