"""Each local worker reports a host name of its own, as MWAA's worker containers do."""

from __future__ import annotations

import socket

import pytest

from dagforge.mwaa import workerhost


def test_a_worker_prefixes_the_machine_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(workerhost.WORKER_NAME_ENV, "celery-worker-1")
    assert workerhost.hostname() == f"celery-worker-1.{socket.getfqdn()}"
    assert workerhost.worker_of(workerhost.hostname()) == "celery-worker-1"


def test_other_components_keep_the_machine_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(workerhost.WORKER_NAME_ENV, raising=False)
    assert workerhost.hostname() == socket.getfqdn()
    assert workerhost.worker_of("scheduler-host.example") == ""
