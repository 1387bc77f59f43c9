"""The WSGI app: dispatches to API V1, API V2, the control endpoints, label PDFs and the page."""

from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sandbox.common.pdf import render_label_pdf
from sandbox.common.web import EmulatorApp, HttpError, Request, Response, html_response
from sandbox.shipstation.control import control_error, handle_control
from sandbox.shipstation.facts import ACCOUNTS, REFRESH_SECONDS, V1_ROOT, V2_ROOT
from sandbox.shipstation.gate import run_api
from sandbox.shipstation.labels import label_lines
from sandbox.shipstation.refresh import AutoRefresher
from sandbox.shipstation.state import ShipStationState, demo_store_from_env
from sandbox.shipstation.ui import ShipStationUI
from sandbox.shipstation.v1 import route_v1
from sandbox.shipstation.v2 import route_v2


class ShipStationApp(EmulatorApp):
    """WSGI app emulating ShipStation; its state (``.state``) is shared by every handler."""

    def __init__(
        self,
        data_dir: Path | str | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        refresh_interval: float = REFRESH_SECONDS,
        demo_store: dict[str, Any] | None = None,
    ) -> None:
        self.state = ShipStationState(data_dir, clock=clock, demo_store=demo_store)
        self.ui = ShipStationUI(self.state)
        self.refresher = AutoRefresher(self.state, refresh_interval)

    def error_response(self, exc: HttpError) -> Response:
        return control_error(exc)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        for root, api, route in ((V1_ROOT, "v1", route_v1), (V2_ROOT, "v2", route_v2)):
            if path == root or path.startswith(root + "/"):
                return run_api(self.state, request, api, path[len(root) :] or "/", route)
        if path.startswith("/_"):
            return handle_control(self.state, request, path)
        match = re.fullmatch(r"/labels/(\d+)\.pdf", path)
        if match:
            return self.label_pdf(int(match.group(1)))
        match = re.fullmatch(r"/track/([0-9A-Za-z-]+)", path)
        if match:
            number = html.escape(match.group(1))
            body = f"<p>Tracking <code>{number}</code>: in transit (sandbox, no real parcel).</p>"
            return html_response(200, self.ui.frame(request, body))
        return self.ui.handle(request, path)

    def label_pdf(self, shipment_id: int) -> Response:
        """A fake label; public like the real (unguessable) label links."""
        for account_id in ACCOUNTS:
            account = self.state.snapshot(account_id)
            for label in account["labels"]:
                if label["shipmentId"] != shipment_id:
                    continue
                order = next(o for o in account["orders"] if o["orderId"] == label["orderId"])
                headers = [
                    ("Content-Type", "application/pdf"),
                    ("Content-Disposition", f'inline; filename="label-{shipment_id}.pdf"'),
                ]
                return Response(200, render_label_pdf(label_lines(order, label)), headers)
        raise HttpError(404, "Label not found")

    def start_background(self) -> None:
        self.refresher.start()

    def close(self) -> None:
        self.refresher.stop()


def create_app(data_dir: Path | str | None = None) -> ShipStationApp:
    """Factory used by :mod:`sandbox.server` (every emulator module exposes one); the demo store
    comes from the environment (``facts.DEMO_STORE_ENV``, set by ``make run``)."""
    return ShipStationApp(data_dir, demo_store=demo_store_from_env(os.environ))
