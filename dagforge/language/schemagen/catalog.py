"""Every operator class the installed Airflow and its providers can import, with its arguments.

Run at dev time with Airflow installed (through :mod:`dagforge.language.schemagen.introspect`).
Validation reads the committed ``schemas/operator-catalog.json`` lazily, only for operators beyond
the common ones the schema spells out, so ``dagforge validate`` still never imports Airflow.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

# Module names whose classes are operators or sensors (what configs put under ``operator:``).
_KINDS = ("operators", "sensors", "transfers")


def operator_modules() -> Iterator[str]:
    """Importable provider modules under ``operators``, ``sensors`` or ``transfers``."""
    import airflow.providers

    for info in pkgutil.walk_packages(airflow.providers.__path__, "airflow.providers."):
        parts = info.name.split(".")
        if any(kind in parts for kind in _KINDS) and "tests" not in parts:
            yield info.name


def operator_classes(base: type) -> dict[str, type]:
    """Public ``BaseOperator`` subclasses defined in the provider modules that import here."""
    found: dict[str, type] = {}
    for name in operator_modules():
        try:
            module = importlib.import_module(name)
        except Exception:  # noqa: S112 - an optional dependency is missing: not installable here
            continue
        for attr, value in vars(module).items():
            public = not attr.startswith("_") and inspect.isclass(value)
            if public and issubclass(value, base) and value.__module__ == name:
                found[f"{name}.{attr}"] = value
    return dict(sorted(found.items()))


def aliases() -> dict[str, str]:
    """Airflow 2 import paths Airflow 3 still resolves (with a deprecation warning) → new path."""
    import airflow.operators
    import airflow.sensors

    found: dict[str, str] = {}
    for package in (airflow.operators, airflow.sensors):
        table = vars(package).get("__deprecated_classes", {})
        for module, names in table.items():
            for name, target in names.items():
                if name[:1].isupper() and ("Operator" in name or "Sensor" in name):
                    found[f"{package.__name__}.{module}.{name}"] = target
    return dict(sorted(found.items()))


def catalog(
    base: type,
    describe: Callable[[type], dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """``{import path: describe(class)}`` for every operator class that imports here."""
    return {path: describe(cls) for path, cls in operator_classes(base).items()}
