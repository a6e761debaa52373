"""The process environment dagforge's DAGs need wherever they run: offline, no telemetry.

dag-factory phones home on every DAG run unless told not to, and MWAA private networks have no
internet. The loader sets these for its own process; the MWAA startup script, the local runner
and the parse timer export the same values to every component they start.
"""

from __future__ import annotations

import os

OFFLINE_ENV = {
    "AIRFLOW__DAG_FACTORY__ENABLE_TELEMETRY": "False",
    "SCARF_NO_ANALYTICS": "true",
    "DO_NOT_TRACK": "true",
}


def disable_telemetry() -> None:
    """Set :data:`OFFLINE_ENV` in this process, keeping values someone set on purpose."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
