"""The host name each local Celery worker reports, so a task instance says which worker ran it.

On MWAA every worker is a container with a host name of its own; here the workers share one
machine, so each gets this machine's name prefixed with its component name
(``celery-worker-1.<fqdn>``) through Airflow's ``[core] hostname_callable``.
"""

from __future__ import annotations

import os
import socket

WORKER_NAME_ENV = "DAGFORGE_WORKER_NAME"
HOSTNAME_CALLABLE = f"{__name__}.hostname"


def hostname() -> str:
    """This machine's name, prefixed with the local runner's worker name when one is set."""
    worker = os.environ.get(WORKER_NAME_ENV, "")
    return f"{worker}.{socket.getfqdn()}" if worker else socket.getfqdn()


def worker_of(task_hostname: str) -> str:
    """The component name in a task instance's host name (empty when it has none)."""
    prefix = task_hostname.split(".", 1)[0]
    return prefix if prefix.startswith("celery-worker-") else ""
