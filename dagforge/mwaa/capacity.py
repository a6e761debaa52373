"""Will the project fit its MWAA environment? DAG count per class, loader parse time per timeout."""

from __future__ import annotations

import tempfile
from pathlib import Path

from dagforge.codes import Severity
from dagforge.errors import UsageError
from dagforge.mwaa.limits import DAGBAG_IMPORT_TIMEOUT, ENV_CLASS_CAPACITY
from dagforge.mwaa.parsetime import ParseTiming, quiet_env, time_dag_file
from dagforge.problems import Problem
from dagforge.settings import CACHE_ENV, CONFIGS_ENV

WARN_SHARE = 0.5  # warn once the loader uses half of the import timeout


def capacity_problems(dag_count: int, env_class: str, where: str) -> list[Problem]:
    """A warning when ``dag_count`` exceeds what ``env_class`` is sized for."""
    if env_class not in ENV_CLASS_CAPACITY:
        raise UsageError(
            f"unknown MWAA environment class {env_class!r}; choose one of "
            f"{', '.join(ENV_CLASS_CAPACITY)}"
        )
    limit = ENV_CLASS_CAPACITY[env_class]
    if dag_count <= limit:
        return []
    bigger = next((name for name, cap in ENV_CLASS_CAPACITY.items() if cap >= dag_count), None)
    hint = f"use {bigger} or larger" if bigger else "split the project across environments"
    return [
        Problem(
            file=where,
            code="env-class-capacity",
            message=f"{dag_count} DAGs exceed the {limit} an {env_class} environment is sized for",
            hint=hint,
            severity="warning",
        )
    ]


def parse_time_problems(timing: ParseTiming, where: str) -> list[Problem]:
    """The loader's measured import time against MWAA's 30 s import timeout (always reported)."""
    share = timing.seconds / DAGBAG_IMPORT_TIMEOUT
    message = (
        f"the loader built {timing.dags} DAGs in {timing.seconds:.2f} s: {share:.0%} of MWAA's "
        f"{DAGBAG_IMPORT_TIMEOUT:.0f} s DAG import timeout"
    )
    if share >= 1:
        return [
            Problem(
                file=where,
                code="parse-timeout",
                message=message,
                hint="every DAG of the loader file would be lost: split the configs across "
                "loader files",
            )
        ]
    severity: Severity = "warning" if share >= WARN_SHARE else "info"
    hint = (
        "split the configs across several loader files before it reaches 30 s"
        if severity == "warning"
        else ""
    )
    return [Problem(file=where, code="parse-time", message=message, hint=hint, severity=severity)]


def measure_loader(loader_file: Path, configs: Path | None = None) -> ParseTiming:
    """Import the loader DAG file with real Airflow in a fresh process and time it, on
    ``configs`` when given (else on the configs the loader finds beside it)."""
    with tempfile.TemporaryDirectory(prefix="dagforge-parse-") as home:
        chosen = {CONFIGS_ENV: str(configs.resolve())} if configs is not None else {}
        cache = {CACHE_ENV: str(Path(home) / "cache")}  # a first parse: nothing cached
        return time_dag_file(loader_file, quiet_env(Path(home), {**chosen, **cache}))
