"""A loopback HTTP server that records the requests it receives, for webhook notifier tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from dagforge.demo.s3local import LOOPBACK
from tests.support.loopback import serving


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Recorder:
    port: int
    requests: list[Received] = field(default_factory=list)
    status: int = 200

    def connection_uri(self) -> str:
        """An Airflow HTTP connection (JSON form) pointing at this server."""
        return json.dumps(
            {"conn_type": "http", "host": LOOPBACK, "port": self.port, "schema": "http"}
        )


@contextmanager
def webhook_server() -> Iterator[Recorder]:
    """A server on a free loopback port, answering every POST with ``Recorder.status``."""
    server = ThreadingHTTPServer((LOOPBACK, 0), BaseHTTPRequestHandler)
    recorder = Recorder(server.server_address[1])

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            recorder.requests.append(Received("POST", self.path, dict(self.headers), body))
            self.send_response(recorder.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server.RequestHandlerClass = Handler
    with serving(server):
        yield recorder
