"""Subcommands of the ``dagforge`` CLI, one module each, found automatically.

A command module defines ``register(subparsers)`` and an ``ORDER`` number (help order, small first),
so adding a command is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def _discover() -> tuple[ModuleType, ...]:
    modules = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
    ]
    return tuple(
        sorted(
            (m for m in modules if hasattr(m, "register")),
            key=lambda m: (getattr(m, "ORDER", 50), m.__name__),
        )
    )


COMMANDS = _discover()
