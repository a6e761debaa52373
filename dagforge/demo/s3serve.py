"""The local S3's own process: moto's server, which exits when the process that started it is gone.

Started by :func:`dagforge.demo.s3local.moto_server` with a pipe on its standard input that only the
starting process holds. When that process ends, however it ends (``kill -9`` of a test run
included), the pipe closes and this server exits instead of living on as an orphan on its port.

Usage: ``python -m dagforge.demo.s3serve HOST PORT``.
"""

from __future__ import annotations

import os
import sys
import threading


def _exit_when_parent_is_gone() -> None:
    while sys.stdin.buffer.read(4096):
        continue  # nothing is ever written; read returns b"" once the other end is closed
    os._exit(0)


def main(argv: list[str]) -> None:
    host, port = argv
    threading.Thread(target=_exit_when_parent_is_gone, daemon=True).start()
    from moto.server import main as serve

    serve(["-H", host, "-p", port])


if __name__ == "__main__":
    main(sys.argv[1:])
