"""``dagforge compare [PATH ...]``: build each config file with plain dag-factory 1.1 and with
dagforge, and say, file by file, whether both build the same DAGs or both refuse the file.

Point it at an existing dag-factory repository to see what moving to dagforge changes: nothing,
or the line of each config dag-factory builds and dagforge refuses (and why). Files written in
dagforge's own forms (templates, durations such as ``5m``) have no plain dag-factory counterpart:
templates are skipped, and other such files show as ``accepted``. It imports Airflow.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

from dagforge.commands._options import add_paths, existing_paths
from dagforge.load.files import discover

DESCRIPTION = (
    "Build each config file with plain dag-factory 1.1 and with dagforge and compare: 'same' "
    "(both build identical DAGs) and 'refused' (neither builds it) are fine; 'differs', "
    "'rejected' (dagforge refuses what dag-factory builds) and 'accepted' (dagforge accepts what "
    "dag-factory cannot build) exit 1. Imports Airflow."
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)


def run(args: argparse.Namespace) -> int:
    with warnings.catch_warnings():  # Airflow's and dag-factory's import-time deprecations
        warnings.simplefilter("ignore")
        return _compare(args)


def _compare(args: argparse.Namespace) -> int:
    from dagforge.tools.compare import compare_file  # imports Airflow: only when asked

    failed = 0
    files = discover(existing_paths(args))
    for path in files:
        started = time.perf_counter()
        result = compare_file(path, args.root)
        sys.stderr.write(f"compared {path.name} in {time.perf_counter() - started:.1f} s\n")
        why = result.dagfactory_error or ", ".join(result.dag_ids)
        sys.stdout.write(f"{result.verdict:<9} {path}  {why}\n")
        errors = [p for p in result.problems if p.severity == "error"]
        details = result.differences if result.verdict == "differs" else errors
        if not result.ok:
            failed += 1
            sys.stdout.write("".join(f"    {line}\n" for line in map(str, details[:20])))
    sys.stdout.write(f"{len(files) - failed} of {len(files)} file(s) agree\n")
    return 1 if failed else 0
