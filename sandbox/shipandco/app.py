"""The WSGI app: dispatches to the API, the control endpoints, labels and the web UI."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from sandbox.common.web import EmulatorApp, HttpError, Request, Response
from sandbox.shipandco.api import handle_api
from sandbox.shipandco.control import handle_control
from sandbox.shipandco.facts import API_ROOTS, DEFAULT_TOKEN, RATE_LIMIT_MAX, RATE_LIMIT_WINDOW
from sandbox.shipandco.labels import label_response
from sandbox.shipandco.state import ShipandcoState
from sandbox.shipandco.ui import ShipandcoUI
from sandbox.shipandco.web import error_response


class ShipandcoApp(EmulatorApp):
    """WSGI app emulating Ship&co; its state (``.state``) is shared by every handler."""

    def __init__(
        self,
        data_dir: Path | str | None = None,
        *,
        default_token: str = DEFAULT_TOKEN,
        rate_limit: int = RATE_LIMIT_MAX,
        rate_window: float = RATE_LIMIT_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = ShipandcoState(
            data_dir,
            default_token=default_token,
            rate_limit=rate_limit,
            rate_window=rate_window,
            clock=clock,
        )
        self.ui = ShipandcoUI(self.state)

    def error_response(self, exc: HttpError) -> Response:
        return error_response(exc)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        for root in API_ROOTS:
            if path == root or path.startswith(root + "/"):
                return handle_api(self.state, request, path[len(root) :] or "/")
        if path.startswith("/_"):
            return handle_control(self.state, request, path)
        match = re.fullmatch(r"/labels/([0-9a-f]{24})\.pdf", path)
        if match:
            return label_response(self.state, match.group(1))
        return self.ui.handle(request, path)


def create_app(data_dir: Path | str | None = None) -> ShipandcoApp:
    """Factory used by :mod:`sandbox.server` (every emulator module exposes one)."""
    return ShipandcoApp(data_dir)
