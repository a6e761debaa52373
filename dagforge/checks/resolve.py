"""Find the code a config names, the way dag-factory would import it, but only inside the policy.

A dotted path (``callables.who.process_country``) must lie in one of the policy's callable
packages; a ``<key>_file`` in one of its callable folders. Only then is the module imported (or
the file executed, as dag-factory would), and the name must be listed in the module's ``__all__``:
an imported helper (``datetime`` in a module that does ``from datetime import datetime``) or a
dunder is never something a config may name.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from dagforge.language.hints import did_you_mean
from dagforge.language.removed import callable_path
from dagforge.policy import Policy


@dataclass(frozen=True)
class Resolved:
    """The object a config names, or why it cannot be used (a problem's code, message, hint)."""

    target: Any = None
    code: str = ""
    message: str = ""
    hint: str = ""

    @property
    def ok(self) -> bool:
        return not self.code


def resolve(dotted: str, policy: Policy, what: str = "callable") -> Resolved:
    """The object at ``dotted`` (``package.module.name``), imported only inside the policy."""
    if not policy.allows_callable(dotted):
        return Resolved(
            code="callable-not-allowed",
            message=f"{what} '{dotted}' is outside the allowed packages "
            f"({', '.join(policy.callable_packages)}), so it is never imported",
            hint=f"move it into one of them, or add its package to "
            f"{policy.setting('callable_packages')}",
        )
    return _resolve_allowed(dotted, what)


@cache
def _resolve_allowed(dotted: str, what: str) -> Resolved:
    module_name, _, name = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        return Resolved(
            code="callable-not-found",
            message=f"module '{module_name}' of {what} '{dotted}' does not exist",
            hint=f"no module named '{exc.name}'",
        )
    except Exception as exc:  # the user's module fails on import: a config problem to show
        return _import_failed(module_name, exc)
    return exported(module, name, f"module '{module_name}'", what)


def _import_failed(module: str, exc: Exception) -> Resolved:
    return Resolved(
        code="callable-import-failed",
        message=f"importing '{module}' failed: {type(exc).__name__}: {exc}",
        hint="fix that module; validate imports allowed modules only",
    )


def exported(module: ModuleType, name: str, where: str, what: str) -> Resolved:
    """``module.name`` when the module lists it in ``__all__`` (and it is no dunder)."""
    listed = getattr(module, "__all__", None)
    names = [str(n) for n in listed] if isinstance(listed, list | tuple) else []
    if name.startswith("__") or name not in names:
        found = hasattr(module, name) and not name.startswith("__")
        return Resolved(
            code="callable-not-found",
            message=f"{where} does not export '{name}'"
            + (" in __all__ (it is only a name the module uses)" if found else ""),
            hint=f"add '{name}' to __all__ of {where}"
            if found
            else did_you_mean(name, names) or f"{where} exports: {', '.join(names) or 'nothing'}",
        )
    return Resolved(target=getattr(module, name, None))


def resolve_file(name: str, file: str, policy: Policy, key: str) -> Resolved:
    """``name`` from the Python file ``file``, as dag-factory's ``<key>_name``/``<key>_file``."""
    if not os.path.isabs(file):
        return Resolved(
            code="invalid-path",
            message=f"{key}_file '{file}' is not an absolute path: dag-factory 1.1 refuses it",
            hint="write an absolute path, e.g. starting with $AIRFLOW_HOME/dags/",
        )
    if not policy.allows_file(file):
        target = callable_path({"python_callable_file": file, "python_callable_name": name})
        return Resolved(
            code="callable-not-allowed",
            message=f"{key}_file '{file}' is outside the folders allowed for callable files, so "
            "it is never run",
            hint=f"move '{name}' into the callables package and write `{key}: {target}` "
            f"(dagforge migrate does it), or add its folder to "
            f"{policy.setting('callable_files')}",
        )
    return _resolve_file(name, str(Path(file).resolve()), key)


@cache
def _resolve_file(name: str, file: str, key: str) -> Resolved:
    if not Path(file).is_file():
        return Resolved(
            code="invalid-path",
            message=f"{key}_file '{file}' does not exist: dag-factory 1.1 cannot build this DAG",
            hint="check the path (and the environment variables in it)",
        )
    spec = importlib.util.spec_from_file_location(Path(file).stem, file)
    if spec is None or spec.loader is None:
        return _import_failed(file, ImportError("not a Python file"))
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the user's file fails: a config problem to show
        return _import_failed(file, exc)
    return exported(module, name, f"file '{file}'", f"{key}_name")
