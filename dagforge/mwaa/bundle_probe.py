"""Run by :func:`dagforge.mwaa.bundle.probe` by file path, in a fresh interpreter: import a bundle's
dags folder alone with Airflow's DagBag, as MWAA does.

``python bundle_probe.py DAGS_FOLDER RESULT_JSON``. Only the dags folder may provide ``dagforge``
and ``callables``: the editable install of this repository and this file's own folder are taken
off the import path first, so a bundle that is missing a module fails here as it would on MWAA.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path


def isolate(dags: str) -> None:
    """The dags folder first on ``sys.path``; no editable install, no working directory."""
    here = str(Path(__file__).resolve().parent)
    sys.meta_path[:] = [
        f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")
    ]
    sys.path[:] = [dags] + [p for p in sys.path if p not in ("", ".", here)]


def probe(dags: str) -> dict[str, object]:
    import airflow

    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow 2.x
        from airflow.models.dagbag import DagBag  # type: ignore[no-redef]
    started = time.perf_counter()
    bag = DagBag(dag_folder=dags)
    seconds = time.perf_counter() - started
    import callables  # noqa: F401  as a task would, to see where it comes from

    return {
        "dag_ids": sorted(bag.dags),
        "seconds": seconds,
        "module_files": {name: sys.modules[name].__file__ for name in ("dagforge", "callables")},
        "measured_on": f"Airflow {airflow.__version__}, Python {platform.python_version()}",
        "import_errors": {str(k): str(v) for k, v in bag.import_errors.items()},
    }


if __name__ == "__main__":
    isolate(sys.argv[1])
    Path(sys.argv[2]).write_text(json.dumps(probe(sys.argv[1])))
