"""Validate-time benchmark: one template file with N instances (default 4,000), checked end to end.

Times ``load_project`` (compose, schema, instance checks, expansion, task graph, callable
signatures, duplicate ids) in-process, best of a few runs, after one warm-up run that imports the
allowed callables modules. Imports are timed separately: they are paid once per process.

Run: ``.venv/bin/python bench/validate.py [--instances 4000] [--repeat 5]``.
Output: ``name: value`` lines, including ``validate_4000_seconds`` (goal: under 1 s).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()
from countries import template_file  # noqa: E402  bench/countries.py, beside this script

from dagforge.project import load_project  # noqa: E402  (timed on purpose)

IMPORT_SECONDS = time.perf_counter() - T0


def write_config(folder: Path, instances: int) -> Path:
    path = folder / "bench.yml"
    path.write_text(template_file([f"C{i:05d}" for i in range(instances)]), encoding="utf-8")
    return path


def time_once(folder: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    result = load_project([folder])
    return time.perf_counter() - start, result.report.dags, len(result.report.problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dagforge-bench-") as tmp:
        folder = Path(tmp)
        config = write_config(folder, args.instances)
        first, dags, problems = time_once(folder)  # imports the allowed callables modules
        runs = [time_once(folder)[0] for _ in range(args.repeat)]
        print(f"dagforge_import_seconds: {IMPORT_SECONDS:.3f}")
        print(f"config_bytes: {config.stat().st_size}")
        print(f"dags: {dags}")
        print(f"problems: {problems}")
        print(f"first_run_seconds_with_callable_imports: {first:.3f}")
        print(f"validate_{args.instances}_seconds: {min(runs):.3f}")
        print(f"validate_{args.instances}_median_seconds: {sorted(runs)[len(runs) // 2]:.3f}")
    return 0 if problems == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
