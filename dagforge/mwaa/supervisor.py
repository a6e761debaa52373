"""Restart a component that exits on its own, as MWAA's container service restarts a container
(``restart: always`` in the MWAA images' docker-compose file).

Airflow's scheduler, DAG processor and triggerer exit when their metadata database goes away (a
Postgres restart); on MWAA they come back as new containers, and here the supervisor starts them
again. A component stopped or killed through the runner on purpose stays down until restarted.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from dagforge.demo.seed import Progress
from dagforge.mwaa import runnerstate

if TYPE_CHECKING:
    from dagforge.mwaa.localrunner import Runner

BACKOFF = 5.0  # seconds at least between two starts of one component


class Supervisor:
    def __init__(self, runner: Runner, progress: Progress, interval: float = 1.0) -> None:
        self.runner, self.progress, self.interval = runner, progress, interval
        self.restarts: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Supervisor:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self.runner.group.hold_all()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            group = self.runner.group
            for name in group.crashed():
                if time.time() - group.started[name] < BACKOFF or self._stop.is_set():
                    continue
                code = group.procs[name].returncode
                pid = group.restart(name).pid
                self.restarts[name] += 1
                runnerstate.write(self.runner)
                self.progress(f"{name} exited (code {code}); restarted it: pid {pid}")


@contextmanager
def supervised(runner: Runner, progress: Progress) -> Iterator[Supervisor]:
    """Supervise ``runner``'s components for the duration of the block."""
    supervisor = Supervisor(runner, progress).start()
    try:
        yield supervisor
    finally:
        supervisor.stop()
