"""Which config features work on which Airflow version: one table, checked against real Airflow.

``validate`` (or ``load_project`` callers) pass the expanded DAGs and a target version to
:func:`check_version` and get problems for features that cannot work there, instead of a DAG that
fails at parse or run time after an upgrade or downgrade. ``tests/test_compat.py`` proves each row
against the Airflow installed in the venv it runs in (``make test-compat AIRFLOW=...`` runs it on
other versions), so the table cannot drift silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from dagforge.codes import Severity
from dagforge.expand import ExpandedDag
from dagforge.language.removed import REMOVED
from dagforge.language.walk import strings_in, tasks_of
from dagforge.problems import Problem

Version = tuple[int, ...]
Where = Literal["dag_key", "task_key", "import"]


@dataclass(frozen=True)
class Feature:
    """A config feature that only works from ``since`` and/or before ``until`` (exclusive)."""

    name: str
    where: Where  # a DAG-level key, a task-level key, or an import path prefix in any string
    since: Version = (0,)
    until: Version | None = None
    hint: str = ""
    package_until: Version | None = (
        None  # before this version it also needs an extra package (a warning)
    )


FEATURES: tuple[Feature, ...] = (
    Feature(
        "fail_fast",
        "dag_key",
        since=(3, 0),
        hint="remove it, or stop the run with a failing task's trigger rule",
    ),
    Feature("disable_bundle_versioning", "dag_key", since=(3, 0), hint="remove it on Airflow 2"),
    *(
        Feature(
            key,
            "dag_key",
            until=(3, 0),
            hint=f"use '{r.rename}'" if r.rename else f"remove it: {r.drop}",
        )
        for key, r in REMOVED.items()
        if r.airflow2 and r.level == "dag"
    ),
    Feature(
        "airflow.sdk.",
        "import",
        since=(3, 0),
        hint="on Airflow 2 import from airflow.models / airflow.datasets",
    ),
    Feature(
        "airflow.timetables.assets.",
        "import",
        since=(3, 0),
        hint="on Airflow 2 use a Dataset schedule",
    ),
    Feature(
        "airflow.datasets.",
        "import",
        until=(3, 0),
        hint="Datasets became Assets: use airflow.sdk.Asset",
    ),
    Feature(
        "airflow.providers.standard.",
        "import",
        since=(2, 10),
        package_until=(3, 0),
        hint="on Airflow 2 this needs apache-airflow-providers-standard in requirements.txt (the "
        "MWAA 2.11.2 image does not ship it); Airflow 3 has it built in",
    ),
)


def parse_version(text: str) -> Version:
    """``"2.11.2"`` → ``(2, 11, 2)``; pre-release and local suffixes are ignored."""
    parts: list[int] = []
    for part in text.split("+")[0].split("."):
        digits = re.match(r"\d+", part)
        if not digits:
            break
        parts.append(int(digits.group()))
        if digits.end() < len(part):  # "1rc1": the release stops here
            break
    return tuple(parts) or (0,)


def supported(feature: Feature, version: Version) -> bool:
    """Whether ``feature`` can work at all on ``version`` (extra packages aside)."""
    return version >= feature.since and (feature.until is None or version < feature.until)


def _show(version: Version) -> str:
    return ".".join(map(str, version))


def features_used(config: dict[str, Any]) -> set[str]:
    """Names of the table's features that one expanded DAG config uses."""
    task_keys = {key for _, _, task in tasks_of(config) for key in task}
    strings = list(strings_in(config))
    used = set()
    for feature in FEATURES:
        if (
            (feature.where == "dag_key" and feature.name in config)
            or (feature.where == "task_key" and feature.name in task_keys)
            or (feature.where == "import" and any(s.startswith(feature.name) for s in strings))
        ):
            used.add(feature.name)
    return used


def check_version(dags: Iterable[ExpandedDag], airflow_version: str) -> list[Problem]:
    """An error for every DAG using a feature that cannot work on ``airflow_version``, and one
    warning per feature that needs an extra package there (at its first DAG: the fix is
    project-wide)."""
    version = parse_version(airflow_version)
    problems: list[Problem] = []
    needing_package: dict[str, list[ExpandedDag]] = {}
    for dag in dags:
        for feature in FEATURES:
            severity = verdict(feature, version)
            if severity and feature.name in features_used(dag.config):
                if severity == "error":
                    problems.append(_problem(dag, feature, airflow_version, severity))
                else:
                    needing_package.setdefault(feature.name, []).append(dag)
    for feature in FEATURES:
        users = needing_package.get(feature.name, [])
        if users:
            problems.append(_problem(users[0], feature, airflow_version, "warning", len(users)))
    return problems


def verdict(feature: Feature, version: Version) -> Severity | None:
    """``"error"`` when the feature cannot work on ``version``, ``"warning"`` when it needs a
    package.
    """
    if not supported(feature, version):
        return "error"
    if feature.package_until and version < feature.package_until:
        return "warning"
    return None


def _problem(
    dag: ExpandedDag,
    feature: Feature,
    airflow_version: str,
    severity: Severity,
    users: int = 1,
) -> Problem:
    limits = [
        f"Airflow >= {_show(feature.since)}" if feature.since > (0,) else "",
        f"Airflow < {_show(feature.until)}" if feature.until else "",
    ]
    needs = " and ".join(limit for limit in limits if limit)
    what = f"'{feature.name}'" + (" imports" if feature.where == "import" else "")
    message = (
        f"DAG '{dag.dag_id}' uses {what}, which needs {needs}; the target is Airflow "
        f"{airflow_version}"
        if severity == "error"
        else f"{users} DAG(s), first '{dag.dag_id}', use {what}: on Airflow {airflow_version} "
        "that needs an extra package"
    )
    return Problem(
        file=dag.origin.file,
        line=dag.origin.line,
        column=1,
        path=f"$.{dag.dag_id}",
        code="airflow-version",
        message=message,
        hint=feature.hint,
        severity=severity,
    )
