"""What the loader DAG file calls: find the configs, check them, build the good DAGs."""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from dagforge.build import build_dags
from dagforge.errors import DagforgeError
from dagforge.project import ProjectResult, load_project

log = logging.getLogger("dagforge.loader")
CONFIGS_DIR_NAME = "dagfactory_configs"
CONFIGS_ENV = "DAGFORGE_CONFIGS_DIR"


def find_configs_dir(dags_dir: Path) -> Path:
    """``$DAGFORGE_CONFIGS_DIR``, else ``dagfactory_configs/`` inside the dags folder (MWAA bundle),
    else beside it (this repository's layout)."""
    override = os.environ.get(CONFIGS_ENV)
    candidates = [Path(override)] if override else [dags_dir / CONFIGS_DIR_NAME, dags_dir.parent / CONFIGS_DIR_NAME]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    raise DagforgeError(f"no config folder found: looked for {', '.join(str(c) for c in candidates)}; "
                        f"set {CONFIGS_ENV} to the folder holding your dagforge YAML files")


def load_dags(target: MutableMapping[str, Any], dags_dir: Path) -> ProjectResult:
    """Build every valid DAG under the configs folder into ``target`` (the DAG file's globals)."""
    configs = find_configs_dir(dags_dir)
    project = load_project([configs], root=configs)
    for problem in project.report.sorted():
        log.error("%s", problem.format())
    failed = build_dags(project.dags(), target)
    for dag_id in failed:
        log.error("dagforge: DAG %s passed validation but dag-factory could not build it", dag_id)
    return project
