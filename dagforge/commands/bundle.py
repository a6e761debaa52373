"""``dagforge bundle``: write the MWAA deployment tree (dags/, requirements/, startup/,
manifest)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dagforge.mwaa.bundle import MWAA_AIRFLOW, BundleOptions, build_bundle

DESCRIPTION = (
    "Copy the loader, configs, schemas and only the modules the DAGs import into OUT/dags, write "
    "OUT/requirements/requirements.txt and OUT/startup/startup.sh, then import OUT/dags alone "
    "with real Airflow and record the DAG count and parse time in OUT/manifest.json."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project-dir", type=Path, default=Path.cwd(), help="repository root (default: .)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("build/mwaa"), help="output folder (default: %(default)s)"
    )
    parser.add_argument(
        "--airflow-version",
        default=MWAA_AIRFLOW,
        help="MWAA Airflow version (default: %(default)s)",
    )
    parser.add_argument(
        "--no-measure", action="store_true", help="skip the Airflow import and parse timing"
    )
    parser.add_argument(
        "--allow-errors",
        action="store_true",
        help="ship configs that have errors (they become error DAGs on MWAA) instead of refusing",
    )


def run(args: argparse.Namespace) -> int:
    options = BundleOptions(
        args.project_dir,
        args.out,
        args.airflow_version,
        measure=not args.no_measure,
        allow_errors=args.allow_errors,
    )
    manifest = build_bundle(options)
    parsed = (
        f"{manifest.dag_count} DAGs, parsed in {manifest.parse_seconds:.2f} s (MWAA limit "
        f"{manifest.dagbag_import_timeout} s)"
        if manifest.parse_seconds is not None
        else "not measured"
    )
    print(
        f"wrote {args.out}/ for MWAA {manifest.airflow_version} (Python "
        f"{manifest.python_version}): {len(manifest.files)} files; {parsed}",
        file=sys.stderr,
    )
    return 0
