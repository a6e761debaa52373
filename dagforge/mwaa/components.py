"""The local runner's processes: one per component, each in a process group of its own with its
own log file, started, stopped, killed and restarted by name.

A process group per component is what a container is to MWAA: stopping or killing a component
takes everything it started with it (a Celery worker's pool processes and their tasks, too).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO


@dataclass(frozen=True)
class Component:
    name: str
    command: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)  # on top of the runner's environment


@dataclass
class Processes:
    """The running components of one runner, by name, in start order."""

    logs: Path
    env: dict[str, str]  # the environment every component shares
    cwd: Path
    specs: dict[str, Component] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    started: dict[str, float] = field(default_factory=dict)  # name → time.time() of the start
    offsets: dict[str, int] = field(default_factory=dict)  # name → its log's size at the start
    held: set[str] = field(default_factory=set)  # stopped or killed on purpose: stay down
    lock: threading.RLock = field(default_factory=threading.RLock)

    def start(self, component: Component) -> subprocess.Popen[bytes]:
        """Start ``component``; its output is appended to ``logs/<name>.log``."""
        log: TextIO
        with self.lock, (self.logs / f"{component.name}.log").open("a") as log:
            self.specs[component.name] = component
            self.offsets[component.name] = log.tell()
            proc = subprocess.Popen(
                component.command,
                env={**os.environ, **self.env, **component.env},
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.procs[component.name], self.started[component.name] = proc, time.time()
            self.held.discard(component.name)
        return proc

    def stop(self, name: str, grace: float = 20, sig: signal.Signals = signal.SIGTERM) -> None:
        """Signal ``name``'s process group; SIGKILL what is left after ``grace`` seconds. It stays
        down (no supervisor restarts it) until :meth:`restart`."""
        with self.lock:
            self.held.add(name)
        stop_all({name: self.procs[name]}, grace, sig)

    def kill(self, name: str) -> None:
        """``kill -9`` the component and everything it started, as when a container dies."""
        self.stop(name, grace=0, sig=signal.SIGKILL)

    def restart(self, name: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
        """Start ``name`` again (after a stop or a kill), with ``env`` changes if given."""
        spec = self.specs[name]
        changed = Component(spec.name, spec.command, {**spec.env, **(env or {})})
        return self.start(changed)

    def pids(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in self.procs.items()}

    def exited(self) -> list[str]:
        return [name for name, proc in self.procs.items() if proc.poll() is not None]

    def crashed(self) -> list[str]:
        """Components that exited on their own (not stopped or killed through this object)."""
        with self.lock:
            return [name for name in self.exited() if name not in self.held]

    def hold_all(self) -> None:
        """Mark every component as stopping on purpose (the runner is shutting down)."""
        with self.lock:
            self.held.update(self.procs)

    def log_text(self, name: str, since_start: bool = False) -> str:
        """The component's log; with ``since_start``, only what its latest start wrote."""
        path = self.logs / f"{name}.log"
        if not path.is_file():
            return ""
        with path.open("rb") as log:
            log.seek(self.offsets.get(name, 0) if since_start else 0)
            return log.read().decode(errors="replace")

    def log_tail(self, name: str, lines: int = 40) -> str:
        return "\n".join(self.log_text(name).splitlines()[-lines:])


def stop_all(
    procs: Mapping[str, subprocess.Popen[bytes]],
    grace: float = 20,
    sig: signal.Signals = signal.SIGTERM,
) -> None:
    """Signal each process group, wait up to ``grace`` seconds, then SIGKILL what is left."""
    for proc in procs.values():
        signal_group(proc, sig)
    deadline = time.monotonic() + grace
    for proc in procs.values():
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        signal_group(proc, signal.SIGKILL)  # children of a stopped leader too
        proc.wait()


def signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)
