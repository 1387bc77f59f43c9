"""The emulator's page: the orders Hakobu sent, dispatch them fully or by lines, and create an
order "in Webshipper" with a new customer and a new SKU (Webshipper → Hakobu)."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import parse_qs

from sandbox.common.pages import flash_redirect, layout, take_flash
from sandbox.common.web import HttpError, Request, Response, html_response
from sandbox.webshipper import orders as model
from sandbox.webshipper.control import new_order_body
from sandbox.webshipper.facts import ACCOUNTS
from sandbox.webshipper.state import WebshipperState

COOKIE = "ws_flash"
e = html.escape


def _orders_table(request: Request, name: str, doc: dict[str, Any]) -> str:
    rates = {r["id"]: r["name"] for r in doc["rates"]}
    channels = {c["id"]: c["label"] for c in doc["channels"]}
    rows = []
    for order in reversed(doc["orders"]):
        a = order["attributes"]
        shipped = model.dispatched_quantities(doc, order["id"])
        open_ = not order.get("deleted") and a["status"] not in ("dispatched", "cancelled")
        lines = "".join(
            f"<li><code>{e(str(line.get('sku') or '—'))}</code> {e(str(line.get('description')))} × {line['quantity']}"
            f" (dispatched {shipped.get(line['id'], 0)})"
            + (
                f' <input name="line_{line["id"]}" type="number" min="0" max="{line["quantity"] - shipped.get(line["id"], 0)}"'
                f' value="0" size="3" aria-label="quantity to dispatch">'
                if open_ and line["quantity"] > shipped.get(line["id"], 0)
                else ""
            )
            + "</li>"
            for line in a["order_lines"]
        )
        address = a.get("delivery_address") or {}
        actions = (
            '<button name="all" value="1">Dispatch all</button> <button>Dispatch entered quantities</button>'
            if open_
            else ""
        )
        status = "deleted" if order.get("deleted") else a["status"]
        rows.append(
            f"<tr><td>{order['id']}</td><td>{e(str(a.get('visible_ref')))}<br><small>ext_ref {e(str(a.get('ext_ref') or '—'))}</small></td>"
            f"<td>{e(status)}</td><td>{e(channels.get(order['channel_id'], '?'))}<br>{e(rates.get(order['rate_id'], '— no rate —'))}</td>"
            f"<td>{e(str(address.get('company_name') or address.get('att_contact') or ''))}, {e(str(address.get('city') or ''))} {e(str(address.get('country_code') or ''))}</td>"
            f'<td><form method="post" action="{request.script_name}/ui/dispatch"><input type="hidden" name="account" value="{e(name)}">'
            f'<input type="hidden" name="order_id" value="{order["id"]}"><ul>{lines}</ul>{actions}</form></td></tr>'
        )
    return (
        "<table><tr><th>id</th><th>visible_ref</th><th>status</th><th>channel / rate</th><th>to</th><th>lines</th></tr>"
        + ("".join(rows) or '<tr><td colspan="6">No orders yet.</td></tr>')
        + "</table>"
    )


def _packed(shipment: dict[str, Any]) -> str:
    return ", ".join(
        f"{e(str(line.get('sku') or '—'))} × {line['quantity']}"
        for package in shipment["attributes"]["packages"]
        for line in package["order_lines"]
    )


def _shipments_table(doc: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{s['id']}</td><td>{s['order_id']}</td><td>{e(s['attributes']['reference'])}</td>"
        f"<td>{e(s['attributes']['carrier_alias'])}</td><td>{', '.join(e(t['number']) for t in s['attributes']['tracking_links'])}</td>"
        f"<td>{_packed(s)}</td></tr>"
        for s in reversed(doc["shipments"])
    )
    return (
        "<table><tr><th>id</th><th>order</th><th>reference</th><th>carrier</th><th>tracking</th><th>lines</th></tr>"
        + (rows or '<tr><td colspan="6">No shipments yet.</td></tr>')
        + "</table>"
    )


def _create_form(request: Request, name: str, doc: dict[str, Any]) -> str:
    channels = "".join(
        f'<option value="{c["id"]}">{e(c["label"])}</option>' for c in doc["channels"]
    )

    def field(key: str, label: str, value: str = "") -> str:
        return f'<label>{label} <input name="{key}" value="{e(value)}"></label> '

    return (
        f'<form method="post" action="{request.script_name}/ui/create"><input type="hidden" name="account" value="{e(name)}">'
        f'<label>Channel <select name="channel_id">{channels}</select></label><br>'
        + field("name", "Contact", "Mette Hansen")
        + field("company", "Company", "Butik Nord")
        + field("email", "Email", "indkob@butiknord.example")
        + "<br>"
        + field("address_1", "Address", "Nørregade 12")
        + field("zip", "Zip", "8000")
        + field("city", "City", "Aarhus C")
        + field("country_code", "Country", "DK")
        + "<br>"
        + field("sku", "SKU", "NEW-SKU-001")
        + field("description", "Name", "Wool blanket")
        + field("quantity", "Qty", "2")
        + field("unit_price", "Price", "399.00")
        + field("weight", "Weight (g)", "900")
        + "<br><button>Create order in Webshipper</button></form>"
    )


class WebshipperUI:
    def __init__(self, state: WebshipperState) -> None:
        self.state = state

    def handle(self, request: Request, path: str) -> Response:
        if path == "/ui/dispatch" and request.method == "POST":
            return self._dispatch(request)
        if path == "/ui/create" and request.method == "POST":
            return self._create(request)
        if path != "/":
            raise HttpError(404, "Not found")
        flash, headers = take_flash(request, COOKIE)
        body = ""
        for name in ACCOUNTS:
            doc = self.state.snapshot(name)
            hooks = ", ".join(e(h["attributes"]["topic"]) for h in doc["webhooks"]) or "none"
            pending = sum(1 for d in doc["deliveries"] if d["status"] == "pending")
            body += (
                f"<section><h2>Account <code>{e(name)}</code> — token <code>{e(doc['token'])}</code></h2>"
                f"<p>Webhooks: {hooks}. Deliveries waiting: {pending}. Plan lacks: {e(', '.join(doc['lacks']) or 'nothing')}.</p>"
                f"<h2>Orders</h2>{_orders_table(request, name, doc)}<h2>Shipments</h2>{_shipments_table(doc)}"
                f"<h2>Create an order (new customer, new SKU)</h2>{_create_form(request, name, doc)}</section>"
            )
        banner = "<b>Webshipper SANDBOX</b> — not the real Webshipper"
        return html_response(200, layout("Webshipper sandbox", banner, body, flash), headers)

    def _fields(self, request: Request) -> dict[str, str]:
        return {
            k: v[0]
            for k, v in parse_qs(
                request.body().decode("utf-8", "replace"), keep_blank_values=True
            ).items()
        }

    def _dispatch(self, request: Request) -> Response:
        fields = self._fields(request)
        lines = None
        if not fields.get("all"):
            lines = {
                int(k[5:]): int(v or 0)
                for k, v in fields.items()
                if k.startswith("line_") and v.strip().isdigit()
            }
        try:
            with self.state.store.write() as data:
                doc = data["accounts"][fields.get("account", "")]
                order = model.find_order(doc, fields.get("order_id", ""))
                shipment = model.dispatch(doc, self.state, order, lines)
        except (HttpError, KeyError) as exc:
            return flash_redirect(request, COOKIE, f"Not dispatched: {exc}")
        number = shipment["attributes"]["tracking_links"][0]["number"]
        return flash_redirect(
            request, COOKIE, f"Shipment {shipment['id']} created, tracking {number}."
        )

    def _create(self, request: Request) -> Response:
        f = self._fields(request)
        try:
            line = {
                "sku": f.get("sku", ""),
                "description": f.get("description", ""),
                "quantity": int(f.get("quantity") or 0),
                "unit_price": float(f.get("unit_price") or 0),
                "weight": float(f.get("weight") or 0),
                "weight_unit": "g",
            }
            with self.state.store.write() as data:
                doc = data["accounts"][f.get("account", "")]
                payload = {"channel_id": f.get("channel_id"), "customer": f, "lines": [line]}
                order = model.create_order(
                    doc, self.state, new_order_body(doc, payload), source="manual"
                )
        except (HttpError, KeyError, ValueError) as exc:
            return flash_redirect(request, COOKIE, f"Not created: {exc}")
        return flash_redirect(
            request, COOKIE, f"Order {order['attributes']['visible_ref']} created."
        )
