"""Run by :mod:`dagforge.mwaa.parsetime` in a fresh interpreter: import one DAG file once, timed.

``python -m dagforge.mwaa.timed_import DAG_FILE time|memory`` prints one JSON line with the
seconds the import took (or its peak traced memory) and how many DAGs it defined. Airflow,
dag-factory and the loader are imported first, as they are in a warm DAG processor.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
import tracemalloc


def _warm_imports() -> None:
    import airflow  # noqa: F401
    import dagfactory  # noqa: F401

    import dagforge.build  # noqa: F401
    import dagforge.runtime.loader  # noqa: F401


def main(path: str, mode: str) -> dict[str, float | int]:
    _warm_imports()
    spec = importlib.util.spec_from_file_location("dagforge_timed_dag_file", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    if mode == "memory":
        tracemalloc.start()
    started = time.perf_counter()
    spec.loader.exec_module(module)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if mode == "memory" else 0
    dags = {v.dag_id for v in vars(module).values() if type(v).__name__ == "DAG"}
    return {"seconds": elapsed, "peak_bytes": peak, "dags": len(dags)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
