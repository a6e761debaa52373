"""Names and places dagforge agrees on everywhere: one definition each, imported by every user.

Paths are resolved from this file, so they hold in the repository and in the MWAA bundle alike
(where ``dagforge/``, ``schemas/`` and ``dagfactory_configs/`` sit side by side in the dags folder).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# ``schemas/`` beside the ``dagforge`` package: the repo root locally, the dags folder on MWAA.
SCHEMAS_DIR = PACKAGE_DIR.parent / "schemas"
SCHEMA_FILE = "dagforge.schema.json"
OPERATORS_FILE = "operators.json"
CATALOG_FILE = "operator-catalog.json"  # every operator of the installed providers

CONFIGS_DIR_NAME = "dagfactory_configs"
# Sample files of sources, one folder per DAG (samples/<dag_id>/<file>): the demo and the local
# runner land them where the DAG reads (dagforge new source keeps the sample it was given there).
SAMPLES_DIR_NAME = "samples"
CONFIG_SUFFIXES = (".yml", ".yaml")
DEFAULTS_NAMES = ("defaults.yml", "defaults.yaml")

# Packages whose functions configs may name as callables (the allow-list's default).
DEFAULT_CALLABLE_PACKAGES = ("callables",)
# What a callables module may declare beside its functions, each a mapping from function name:
# a checker of the task's arguments that validate runs (dagforge.checks.contracts), and where the
# task reads its input, from its rendered arguments (dagforge run --land, the demo's samples).
CALLABLE_ARGUMENT_CHECKS = "ARGUMENT_CHECKS"
CALLABLE_INPUTS = "INPUTS"
# The project's code policy (dagforge/policy.py): a file in the configs folder, and the environment
# variables that replace its entries.
POLICY_FILE = "dagforge.toml"
POLICY_ENV = {
    "callable_packages": "DAGFORGE_CALLABLE_PACKAGES",
    "types": "DAGFORGE_CALLABLE_TYPES",
    "callable_files": "DAGFORGE_CALLABLE_FILES",
}

# Environment variables dagforge reads.
CONFIGS_ENV = "DAGFORGE_CONFIGS_DIR"
CACHE_ENV = "DAGFORGE_CACHE_DIR"
STRICT_ENV = "AIRFLOW__DAGFORGE__STRICT"
RUNNER_HOME_ENV = "DAGFORGE_RUNNER_HOME"
# The S3-events handler (dagforge.events.handler): the MWAA environment it sends asset events to,
# and its routes, JSON {"s3://bucket/prefix/" or "prefix/": "asset URI"}.
EVENTS_ENVIRONMENT_ENV = "DAGFORGE_MWAA_ENV"
EVENTS_ROUTES_ENV = "DAGFORGE_ASSET_ROUTES"

# The local runner's state folder (relative to the project) and the file in it that says how to
# reach it (API URL, login, InvokeRestApi endpoint, PIDs); `--target local` reads it.
LOCAL_RUNNER_HOME = Path(".dagforge") / "local-runner"
RUNNER_FILE = "runner.json"
# Airflow Variables as code: one file beside the configs, with a value per environment profile.
VARIABLES_NAMES = ("variables.yml", "variables.yaml")


def variables_path(project_dir: Path) -> Path:
    """Where a project keeps its ``variables.yml``."""
    return project_dir / CONFIGS_DIR_NAME / VARIABLES_NAMES[0]


# The environment dagforge's DAGs need wherever they run: dag-factory phones home on every DAG run
# unless told not to, and MWAA private networks have no internet. The build stage sets it in its
# own process; the MWAA startup script, the local runner and the parse timer export it.
OFFLINE_ENV = {
    "AIRFLOW__DAG_FACTORY__ENABLE_TELEMETRY": "False",
    "SCARF_NO_ANALYTICS": "true",
    "DO_NOT_TRACK": "true",
}


def disable_telemetry() -> None:
    """Set :data:`OFFLINE_ENV` in this process, keeping values someone set on purpose."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


# Limits on what one config file and one project may hold (docs/security.md). A file or project
# over a limit is a problem at its line; the loader shows it as a broken file instead of blowing
# MWAA's 30 s import timeout and losing every DAG.
MAX_CONFIG_BYTES = 5_000_000
MAX_YAML_DEPTH = 64  # nested mappings and lists
MAX_YAML_NODES = 500_000  # values built, aliases expanded
MAX_DAGS_PER_FILE = 4_000
MAX_DAGS_PER_PROJECT = 4_000  # MWAA's largest environment class (mw1.2xlarge)
