"""A loopback HTTP proxy in front of the local S3 that fails chosen requests, for retry and failure
tests.

No mock of boto3: the client talks real HTTP to this proxy, which forwards to the moto server
unless a rule says to answer with an S3 error instead.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from dagforge.demo.s3local import LOOPBACK, LocalS3
from tests.support.loopback import serving

_DROP = {"connection", "transfer-encoding", "keep-alive"}
_CODES = {403: "AccessDenied", 500: "InternalError", 503: "ServiceUnavailable"}


@dataclass
class Fault:
    """Answer ``status`` to requests for which ``matches(method, path)`` holds, ``times`` times (-1:
    always).
    """

    matches: Callable[[str, str], bool]
    status: int = 503
    times: int = 1
    hits: int = 0


@dataclass
class Proxy:
    local: LocalS3
    faults: list[Fault] = field(default_factory=list)
    seen: list[tuple[str, str, int]] = field(
        default_factory=list
    )  # (method, path, status answered)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fault_for(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if (fault.times < 0 or fault.hits < fault.times) and fault.matches(method, path):
                    fault.hits += 1
                    return fault
        return None


def _handler(proxy: Proxy, upstream: str) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            return

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            fault = proxy.fault_for(self.command, self.path)
            if fault is not None:
                code = _CODES.get(fault.status, "InternalError")
                self._answer(
                    fault.status,
                    {"Content-Type": "application/xml"},
                    f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>injected by the "
                    "test proxy</Message></Error>".encode(),
                )
                return
            conn = http.client.HTTPConnection(target.hostname or LOOPBACK, target.port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _DROP}
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            conn.close()
            self._answer(
                response.status,
                {
                    k: v
                    for k, v in response.getheaders()
                    if k.lower() not in _DROP and k.lower() != "content-length"
                },
                data,
            )

        def _answer(self, status: int, headers: dict[str, str], data: bytes) -> None:
            proxy.seen.append((self.command, self.path, status))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any

    return Handler


@contextmanager
def faulty_proxy(local: LocalS3) -> Iterator[Proxy]:
    """A proxy on a free loopback port; ``Proxy.local`` is its address as a ``LocalS3``."""
    server = ThreadingHTTPServer((LOOPBACK, 0), BaseHTTPRequestHandler)
    proxy = Proxy(LocalS3(f"http://{LOOPBACK}:{server.server_address[1]}", local.region))
    server.RequestHandlerClass = _handler(proxy, local.endpoint_url)
    with serving(server):
        yield proxy
