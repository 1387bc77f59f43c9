"""Offline emulator of Webshipper's JSON:API v2, its webhooks, and a page to play Webshipper.

Facts come from /work/shared/reference/webshipper.md; assumptions live in
:mod:`sandbox.webshipper.facts`. Mounted under ``/webshipper``; the API of account ``<account>``
is ``/webshipper/<account>/v2/`` (Hakobu's ``WEBSHIPPER_API_URL`` is
``…/webshipper/{account}/v2/``). Modules: ``facts``, ``state`` (store, signed deliveries),
``orders`` (validation, dispatching), ``api`` (JSON:API), ``control`` (test knobs, deliverer),
``ui`` (the page).

Accounts: ``hakobu-demo`` (token ``sandbox-ws-token``; channels "Hakobu API" with three rates and
"Webshop" with two) and ``second-demo`` (token ``sandbox-ws-token-2``).
"""

from __future__ import annotations

import re
from pathlib import Path

from sandbox.common.web import EmulatorApp, HttpError, Request, Response
from sandbox.webshipper.api import WebshipperApi, error_body
from sandbox.webshipper.control import Deliverer, handle_control
from sandbox.webshipper.facts import ACCOUNTS
from sandbox.webshipper.state import WebshipperState
from sandbox.webshipper.ui import WebshipperUI

PREFIX = "/webshipper"
API_PATH = "{account}/v2/"

__all__ = ["ACCOUNTS", "API_PATH", "PREFIX", "create_app"]


class WebshipperApp(EmulatorApp):
    def __init__(self, data_dir: Path | str | None = None) -> None:
        self.state = WebshipperState(data_dir)
        self.api = WebshipperApi(self.state)
        self.ui = WebshipperUI(self.state)
        self.deliverer = Deliverer(self.state)

    def error_response(self, exc: HttpError) -> Response:
        return error_body(exc)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        match = re.fullmatch(r"/([a-z0-9-]+)/v2(/.*)?", path)
        if match:
            return self.api.handle(request, match.group(1), match.group(2) or "/")
        if path.startswith("/_"):
            return handle_control(self.state, request, path)
        return self.ui.handle(request, path)

    def start_background(self) -> None:
        self.deliverer.start()

    def close(self) -> None:
        self.deliverer.stop()


def create_app(data_dir: Path | str | None = None) -> WebshipperApp:
    return WebshipperApp(data_dir)
