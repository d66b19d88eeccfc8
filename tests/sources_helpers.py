"""A real HTTP server on 127.0.0.1 for the source tests (stdlib only, one thread per request).

Each test registers routes: a path and a function that writes the whole response
through the request handler. Every request is logged (path and headers) so tests
can check what the client sent.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

Route = Callable[["Handler"], None]

#: ../shared/fixtures/real beside the repository, when it is present.
REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"
#: Hand-written fixtures of our own.
DATA = Path(__file__).resolve().parent / "data" / "sources"

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def real(relative: str) -> Path:
    """A recorded payload from ../shared/fixtures/real, or skip the test cleanly."""
    path = REAL / relative
    if not path.is_file():
        pytest.skip(f"recorded fixture {relative} is not present (../shared/fixtures/real)")
    return path


def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure httpx talks to 127.0.0.1 directly."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class LocalServer:
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    httpd: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.httpd is not None
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Route) -> str:
        self.routes[path] = handler
        return self.url(path)

    def static(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        def send(handler: Handler) -> None:
            handler.reply(status, body, headers or {})

        return self.route(path, send)

    def hits(self, path: str) -> list[Seen]:
        return [item for item in self.seen if item.path == path]

    def __enter__(self) -> LocalServer:
        owner = self

        class Bound(Handler):
            server_owner = owner

        self.httpd = QuietServer(("127.0.0.1", 0), Bound)
        self.httpd.daemon_threads = True
        thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.httpd is not None
        self.httpd.shutdown()
        self.httpd.server_close()


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a client hanging up on a hostile response is the point of the test


class Handler(BaseHTTPRequestHandler):
    server_owner: LocalServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        return None

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        owner = self.server_owner
        path = self.path.split("?", 1)[0]
        owner.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
        handler = owner.routes.get(path) or owner.routes.get(self.path)
        try:
            if handler is None:
                self.reply(404, b"not here", {})
            else:
                handler(self)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass

    def reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        names = {name.lower() for name in headers}
        for name, value in headers.items():
            self.send_header(name, value)
        if "content-length" not in names and status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


# --- canned hostile responses -------------------------------------------------------------


def endless(handler: Handler, *, total: int = 50_000_000, chunk: int = 65_536) -> None:
    """A 50 MB body (declared only through chunked length, so only streaming can cap it)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/octet-stream")
    handler.send_header("Connection", "close")
    handler.end_headers()
    block = b"x" * chunk
    sent = 0
    while sent < total:
        handler.wfile.write(block)
        sent += chunk


_BOMB: dict[int, bytes] = {}


def gzip_bomb(decoded: int = 60_000_000) -> bytes:
    """gzip of ``decoded`` zero bytes (about 60 KB on the wire for 60 MB)."""
    if decoded not in _BOMB:
        _BOMB[decoded] = gzip.compress(b"\0" * decoded, compresslevel=9)
    return _BOMB[decoded]


def drip(handler: Handler, *, every: float = 0.25, limit: float = 20.0) -> None:
    """Headers at once, then one byte per ``every`` seconds, for at most ``limit`` seconds."""
    handler.send_response(200)
    handler.send_header("Content-Length", "1000000")
    handler.end_headers()
    handler.wfile.flush()
    end = time.monotonic() + limit
    while time.monotonic() < end:
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(every)


def drip_headers(handler: Handler, *, every: float = 0.25, limit: float = 20.0) -> None:
    """The status line and headers themselves, one byte at a time."""
    raw = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"y" * 10_000 + b"\r\n\r\n"
    end = time.monotonic() + limit
    for byte in raw:
        if time.monotonic() > end:
            return
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(every)


def sequence(*steps: Route) -> Route:
    """A route that answers with each step in turn, then repeats the last one."""
    calls = iter(range(1_000_000))

    def send(handler: Handler) -> None:
        index = min(next(calls), len(steps) - 1)
        steps[index](handler)

    return send


def answer(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Route:
    def send(handler: Handler) -> None:
        handler.reply(status, body, headers or {})

    return send


def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """Body of the per-module ``server`` fixture."""
    no_proxy(monkeypatch)
    with LocalServer() as server:
        monkeypatch.setenv("SHOWTRACK_TVMAZE_URL", server.base)
        yield server
