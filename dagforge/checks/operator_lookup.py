"""Which operator class a task's ``operator:`` names, and what it takes: any class the installed
Airflow and providers import (the catalog, read from Airflow at dev time), or one of an allowed
package (imported and read here, which imports Airflow)."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from functools import cache

from dagforge.checks.resolve import resolve
from dagforge.language.dagfactory import CALLBACKS, FILE_SUFFIX, NAME_SUFFIX
from dagforge.language.hints import close_matches
from dagforge.language.removed import REMOVED_OPERATORS
from dagforge.language.schema import catalog, operator_aliases, registry
from dagforge.policy import Policy


@dataclass(frozen=True)
class Operator:
    """An operator class as a config sees it: its own arguments and the required ones."""

    path: str
    args: frozenset[str] = frozenset()
    required: tuple[str, ...] = ()
    python: bool = False
    common: bool = False
    problem: tuple[str, str, str] = field(default=("", "", ""))  # code, message, hint


@cache
def lookup(path: str, policy: Policy) -> Operator:
    """The operator ``path`` names (an Airflow 2 path: the class it resolves to)."""
    target = operator_aliases().get(path, path)
    spec = registry()["operators"].get(target)
    common = spec is not None
    spec = spec if spec is not None else catalog().get(target)
    if spec is not None:
        args = frozenset(spec["args"])
        return Operator(path, args, tuple(spec["required"]), bool(spec.get("python")), common)
    if policy.allows_callable(path):
        return _custom(path, policy)
    return Operator(path, problem=_unknown(path, policy))


def _unknown(path: str, policy: Policy) -> tuple[str, str, str]:
    if path in REMOVED_OPERATORS:
        return (
            "unknown-operator",
            f"operator '{path}' was removed in Airflow 3",
            (f"use {REMOVED_OPERATORS[path]}"),
        )
    if not path.startswith("airflow."):
        return (
            "callable-not-allowed",
            f"operator '{path}' is outside the allowed packages",
            (f"add its package to {policy.setting('callable_packages')}"),
        )
    parts = path.split(".")
    provider = _provider(parts)
    known = list(catalog())
    if provider and not any(p.startswith(f"airflow.providers.{provider}.") for p in known):
        package = "apache-airflow-providers-" + provider.replace(".", "-")
        message = f"operator '{path}' comes from {package}, which is not installed"
        return (
            "unknown-operator",
            message,
            (
                f"add {package} to the requirements if MWAA ships it (MWAA 3.3.1 ships amazon, "
                "http, common-sql, postgres, smtp, ...; not cncf-kubernetes), then run `python -m "
                "dagforge.language.schemagen.introspect`"
            ),
        )
    name = parts[-1]
    same = [p for p in known if p.rsplit(".", 1)[-1] == name]
    close = same[:1] or close_matches(path, known, n=1)
    hint = (
        f"did you mean '{close[0]}'?"
        if close
        else (
            "its provider is not installed: add it to requirements (if MWAA ships it) and run "
            "`python -m dagforge.language.schemagen.introspect`"
        )
    )
    return (
        "unknown-operator",
        (f"operator '{path}' cannot be imported from the installed Airflow and providers"),
        hint,
    )


def _provider(parts: list[str]) -> str:
    """``cncf.kubernetes`` of ``airflow.providers.cncf.kubernetes.operators.pod.X``."""
    if parts[:2] != ["airflow", "providers"]:
        return ""
    kinds = [i for i, part in enumerate(parts) if part in ("operators", "sensors", "transfers")]
    return ".".join(parts[2 : kinds[0]]) if kinds else ""


@cache
def _custom(path: str, policy: Policy) -> Operator:
    found = resolve(path, policy, "operator")
    if not found.ok:
        return Operator(path, problem=(found.code, found.message, found.hint))
    from airflow.sdk import BaseOperator  # an operator of the project's own: only here

    from dagforge.language.schemagen.introspect import describe

    if not (inspect.isclass(found.target) and issubclass(found.target, BaseOperator)):
        why = f"'{path}' is not an operator class"
        return Operator(path, problem=("unknown-operator", why, "it must subclass BaseOperator"))
    spec = describe(found.target)
    python = bool(spec.get("python"))
    return Operator(path, frozenset(spec["args"]), tuple(spec["required"]), python)


@cache
def base_args() -> frozenset[str]:
    pairs = {f"{c}{s}" for c in CALLBACKS for s in (NAME_SUFFIX, FILE_SUFFIX)}
    return frozenset({*registry()["base"], *pairs})
