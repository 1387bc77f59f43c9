"""Control endpoints of the emulator (for tests and the page) and the webhook deliverer.

POST /_reset                                   every account back to its first state
GET  /_orders?account=                         the account's orders (deleted ones marked)
GET  /_deliveries?account=&status=pending      queued webhook deliveries (url, headers, body)
POST /_deliver {account}                       post the pending deliveries now
POST /_dispatch {account, order_id, lines?}    ship an order (lines: {line id: quantity})
POST /_create_order {account, channel_id?, customer{…}, lines[{sku, description, quantity,
     unit_price, weight}]}                     an order made in Webshipper (source manual)
POST /_drop_webhooks {account, count}          lose the next `count` deliveries
POST /_subscription {account, lacks: [...]}    features the plan lacks ("webhooks", "orders")
POST /_faults {account, status, count}         the next `count` API calls answer `status`
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

from sandbox.common.web import HttpError, Request, Response, json_response
from sandbox.webshipper import orders as model
from sandbox.webshipper.state import WebshipperState


def _account(data: dict[str, Any], name: Any) -> dict[str, Any]:
    doc = data["accounts"].get(str(name or "hakobu-demo"))
    if doc is None:
        raise HttpError(404, "Unknown account")
    return doc


def new_order_body(doc: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """The JSON:API body of an order typed into Webshipper (the page's form, `/_create_order`)."""
    channel_id = int(payload.get("channel_id") or doc["channels"][0]["id"])
    rates = [r for r in doc["rates"] if r["order_channel_id"] == channel_id]
    customer = payload.get("customer") or {}
    return {
        "attributes": {
            "visible_ref": payload.get("visible_ref") or None,
            "currency": payload.get("currency") or "DKK",
            "delivery_address": {
                "att_contact": customer.get("name") or "",
                "company_name": customer.get("company") or "",
                "address_1": customer.get("address_1") or "",
                "zip": customer.get("zip") or "",
                "city": customer.get("city") or "",
                "country_code": customer.get("country_code") or "DK",
                "email": customer.get("email") or "",
                "phone": customer.get("phone") or "",
            },
            "order_lines": payload.get("lines") or [],
        },
        "relationships": {
            "order_channel": {"data": {"type": "order_channels", "id": str(channel_id)}},
            "shipping_rate": {
                "data": {"type": "shipping_rates", "id": str(rates[0]["id"])} if rates else None
            },
        },
    }


def deliver_pending(state: WebshipperState, account: str | None = None) -> int:
    """POST every pending delivery (outside the lock); returns how many were tried."""
    with state.store.read() as data:
        queued = [
            (name, dict(d))
            for name, doc in data["accounts"].items()
            if account in (None, name)
            for d in doc["deliveries"]
            if d["status"] == "pending"
        ]
    for name, delivery in queued:
        # Only http(s) URLs are accepted when a webhook is created (api.py).
        request = urllib.request.Request(  # noqa: S310
            delivery["url"],
            data=delivery["body"].encode(),
            headers=delivery["headers"],
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                status = answer.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (urllib.error.URLError, OSError):
            status = 0
        with state.store.write() as data:
            for row in data["accounts"][name]["deliveries"]:
                if row["id"] == delivery["id"]:
                    row["status"] = "delivered" if 200 <= status < 300 else "failed"
                    row["answer"] = status
    return len(queued)


def handle_control(state: WebshipperState, request: Request, path: str) -> Response:
    if path == "/_reset":
        request.require("POST")
        state.reset()
        return json_response(200, {"reset": True})
    if request.method == "GET":
        with state.store.read() as data:
            doc = _account(data, request.query.get("account"))
            if path == "/_orders":
                return json_response(
                    200,
                    [
                        model.order_resource(o) | {"deleted": bool(o.get("deleted"))}
                        for o in doc["orders"]
                    ],
                )
            if path == "/_deliveries":
                wanted = request.query.get("status")
                return json_response(
                    200, [d for d in doc["deliveries"] if wanted in (None, d["status"])]
                )
            if path == "/_shipments":
                return json_response(200, [model.shipment_resource(s) for s in doc["shipments"]])
        raise HttpError(404, "Not found")
    payload = request.json()
    if path == "/_deliver":
        return json_response(
            200, {"tried": deliver_pending(state, str(payload.get("account") or "hakobu-demo"))}
        )
    with state.store.write() as data:
        doc = _account(data, payload.get("account"))
        if path == "/_dispatch":
            order = model.find_order(doc, payload.get("order_id"))
            lines = payload.get("lines")
            chosen = {int(k): int(v) for k, v in lines.items()} if isinstance(lines, dict) else None
            return json_response(
                200, model.shipment_resource(model.dispatch(doc, state, order, chosen))
            )
        if path == "/_create_order":
            order = model.create_order(doc, state, new_order_body(doc, payload), source="manual")
            return json_response(201, model.order_resource(order))
        if path == "/_drop_webhooks":
            doc["drop_webhooks"] = int(payload.get("count") or 1)
            return json_response(200, {"drop_webhooks": doc["drop_webhooks"]})
        if path == "/_subscription":
            doc["lacks"] = [str(f) for f in payload.get("lacks") or []]
            return json_response(200, {"lacks": doc["lacks"]})
        if path == "/_faults":
            doc["faults"] = [int(payload.get("status") or 500)] * int(payload.get("count") or 1)
            return json_response(200, {"faults": doc["faults"]})
    raise HttpError(404, "Not found")


class Deliverer:
    """Posts queued webhook deliveries every second (only under `python -m sandbox`)."""

    def __init__(self, state: WebshipperState, interval: float = 1.0) -> None:
        self.state = state
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="webshipper-webhooks", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                deliver_pending(self.state)
            except Exception as exc:  # a sandbox bug must not stop the loop
                print(f"sandbox webshipper: delivery failed: {exc!r}")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
