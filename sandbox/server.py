"""WSGI front door of the sandbox: dispatches by path prefix to one emulator per platform.

Every emulator (``sandbox/shipandco/``, ``sandbox/shipstation/``, ``sandbox/webshipper/``) has
the same shape: a ``PREFIX`` such as ``"/shipandco"`` and a ``create_app(data_dir)`` returning a
WSGI app. The dispatcher moves the prefix into ``SCRIPT_NAME`` so each emulator routes on its own
relative ``PATH_INFO`` and can build absolute URLs (label links) from the request.

:class:`SandboxServer` runs the whole thing on loopback in a daemon thread, for tests::

    with SandboxServer() as sandbox:
        httpx.get(f"{sandbox.url}/shipandco/v1/carriers", headers=...)
"""

from __future__ import annotations

import html
import json
import socketserver
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sandbox import shipandco, shipstation, webshipper

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Emulator modules mounted by the sandbox; add a sibling module here to mount another platform.
EMULATOR_MODULES: tuple[ModuleType, ...] = (shipandco, shipstation, webshipper)


class SandboxApp:
    """Route requests to the emulator whose prefix matches, plus ``/`` (index) and ``/healthz``."""

    def __init__(self, data_dir: Path | str | None = None, *, background: bool = False) -> None:
        self.emulators: dict[str, WSGIApp] = {
            module.PREFIX: module.create_app(data_dir) for module in EMULATOR_MODULES
        }
        if background:
            self.start_background()

    def start_background(self) -> None:
        """Start each emulator's background work (ShipStation's store refresher)."""
        for app in self.emulators.values():
            getattr(app, "start_background", lambda: None)()

    def close(self) -> None:
        """Stop every emulator's background work."""
        for app in self.emulators.values():
            getattr(app, "close", lambda: None)()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        for prefix, app in self.emulators.items():
            if path == prefix or path.startswith(prefix + "/"):
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + prefix
                environ["PATH_INFO"] = path[len(prefix) :] or "/"
                return app(environ, start_response)
        if path == "/healthz":
            body = json.dumps({"status": "ok", "emulators": sorted(self.emulators)}).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        if path == "/":
            links = "".join(
                f'<li><a href="{html.escape(p)}/">{html.escape(p.strip("/"))}</a></li>'
                for p in sorted(self.emulators)
            )
            page = (
                "<!doctype html><meta charset=utf-8><title>Hakobu sandbox</title>"
                "<h1>Hakobu sandbox</h1><p>Offline emulators of shipping platforms "
                f"(not the real services):</p><ul>{links}</ul>"
            )
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [page.encode()]
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [json.dumps({"error": {"code": 404, "message": "Not found"}}).encode()]


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """wsgiref's server, one thread per request, so slow clients never block the test suite."""

    daemon_threads = True
    block_on_close = False


class QuietHandler(WSGIRequestHandler):
    """Request handler that keeps test output clean; the CLI uses the logging variant."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class LoggingHandler(WSGIRequestHandler):
    """Request handler that logs one line per request to stderr (CLI use)."""

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"sandbox {self.address_string()} {format % args}\n")


def build_server(
    host: str,
    port: int,
    data_dir: Path | str | None,
    *,
    quiet: bool = True,
    background: bool = False,
) -> ThreadingWSGIServer:
    """Bind a threaded WSGI server for the sandbox app (port 0 picks a free port).

    ``background`` starts the emulators' own threads (``python -m sandbox`` does; tests not).
    """
    handler = QuietHandler if quiet else LoggingHandler
    app = SandboxApp(data_dir, background=background)
    return make_server(host, port, app, server_class=ThreadingWSGIServer, handler_class=handler)


class SandboxServer:
    """The sandbox on loopback in a daemon thread; a context manager exposing ``.url``."""

    def __init__(
        self,
        data_dir: Path | str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        background: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.data_dir = data_dir
        self.background = background
        self._server: ThreadingWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:54321``."""
        if self._server is None:
            raise RuntimeError("SandboxServer is not running")
        return f"http://{self.host}:{self._server.server_port}"

    @property
    def app(self) -> SandboxApp:
        """The running WSGI app (lets tests reach an emulator's internals if they must)."""
        if self._server is None:
            raise RuntimeError("SandboxServer is not running")
        return self._server.get_app()  # type: ignore[return-value]

    def start(self) -> SandboxServer:
        self._server = build_server(
            self.host, self.port, self.data_dir, quiet=True, background=self.background
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="sandbox-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self.app.close()
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
