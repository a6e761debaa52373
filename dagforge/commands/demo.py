"""``dagforge demo``: the whole path on embedded defaults (what ``make demo`` runs)."""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from datetime import UTC, datetime

from dagforge.commands._options import add_project_dir_and_home
from dagforge.demo import sampledata

DESCRIPTION = (
    "Start a local S3 (moto server on loopback), land sample data where each DAG reads (a DAG "
    "without any is skipped), build every DAG from the configs with real Airflow, run each one "
    "with retries off, print what they produced. Airflow's output goes to HOME/demo.log."
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_project_dir_and_home(parser, "AIRFLOW_HOME for the demo (default: PROJECT/.dagforge/demo)")
    parser.add_argument(
        "--bucket",
        default=None,
        help="bucket in the local S3 (default: the local profile's dagforge_data_bucket in "
        "variables.yml, else dagforge-demo)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address of the local S3")
    parser.add_argument(
        "--port", type=int, default=0, help="port of the local S3 (default: a free one)"
    )
    parser.add_argument(
        "--logical-date", default="2024-03-01", help="logical date of every run (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--days", type=int, default=sampledata.Spec.days, help="days of sample data"
    )


def run(args: argparse.Namespace) -> int:
    # Airflow 3 and dag-factory warn about their own deprecated imports on every run; not ours to
    # fix.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)  # Airflow's DeprecatedImportWarning
    warnings.filterwarnings("ignore", message=".*deprecated.*", category=UserWarning)
    os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    from dagforge.demo.report import check, format_sources_table, format_table
    from dagforge.demo.run import DemoOptions, run_demo
    from dagforge.demo.seed import BUCKET_KEY, local_variables

    started = time.monotonic()
    project = args.project_dir.resolve()
    when = datetime.strptime(args.logical_date, "%Y-%m-%d").replace(tzinfo=UTC)
    options = DemoOptions(
        project,
        args.home or project / ".dagforge" / "demo",
        args.bucket or local_variables(project).get(BUCKET_KEY, "dagforge-demo"),
        args.host,
        args.port,
        when,
        sampledata.Spec(days=args.days),
    )

    def progress(line: str) -> None:
        print(f"demo: [{time.monotonic() - started:5.1f} s] {line}", file=sys.stderr, flush=True)

    result = run_demo(options, progress)
    print("WHO per country (who_split -> who_country_*):")
    print(format_table(result.summaries))
    print("\nIngestion per source (landing -> raw):")
    print(format_sources_table(result.ingested))
    check(result.import_errors, result.runs, result.missing_outputs)
    skipped = f" ({len(result.skipped)} skipped: no sample data)" if result.skipped else ""
    print(
        f"\nall {len(result.runs)} DAGs succeeded{skipped}; {len(result.summaries)} country "
        f"outputs and {len(result.ingested)} ingestion runs read back from s3://{options.bucket}/ "
        f"in {time.monotonic() - started:.0f} s"
    )
    return 0
