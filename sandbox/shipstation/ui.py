"""The sandbox's web page, clearly marked "not the real ShipStation".

Pick an account (kept in a cookie), set up a custom store, "Refresh stores", see the orders with
quantities shipped and left per line, "Create label" (whole order or chosen quantities) and
"Void", and read the last refresh result with its errors shown plainly.
"""

from __future__ import annotations

import html
from typing import Any

from sandbox.common.pages import flash_redirect, layout, take_flash
from sandbox.common.web import HttpError, Request, Response, html_response
from sandbox.shipstation.facts import ACCOUNTS, V1_ROOT, V2_ROOT
from sandbox.shipstation.labels import find_label, void_label
from sandbox.shipstation.refresh import (
    create_label,
    custom_stores,
    order_view,
    refresh_account,
)
from sandbox.shipstation.state import Fault, ShipStationState

ACCOUNT_COOKIE = "shipstation_sandbox_account"
FLASH_COOKIE = "shipstation_sandbox_flash"
e = html.escape


def _field(fields: dict[str, list[str]], name: str, default: str = "") -> str:
    return (fields.get(name) or [default])[0].strip()


class ShipStationUI:
    """Handles every non-API, non-control path of the emulator."""

    def __init__(self, state: ShipStationState) -> None:
        self.state = state

    def handle(self, request: Request, path: str) -> Response:
        account_id = request.cookies().get(ACCOUNT_COOKIE, "1")
        account_id = account_id if account_id in ACCOUNTS else "1"
        if path == "/" and request.method == "GET":
            flash, headers = take_flash(request, FLASH_COOKIE)
            error = flash.startswith("!")
            page = self.page(request, account_id, flash.lstrip("!"), error)
            return html_response(200, page, headers)
        if request.method != "POST":
            return html_response(404, self.frame(request, "<p>Not found.</p>"))
        fields, _files = request.form()
        actions = {
            "/account": self.pick_account,
            "/refresh": self.refresh,
            "/label": self.label,
            "/void": self.void,
            "/custom_store": self.custom_store,
            "/faults": self.faults,
        }
        action = actions.get(path)
        if action is None:
            return html_response(404, self.frame(request, "<p>Not found.</p>"))
        try:
            return action(request, account_id, fields)
        except HttpError as exc:
            return self.redirect(request, "!" + exc.message)

    def redirect(self, request: Request, flash: str, headers: list | None = None) -> Response:
        return flash_redirect(request, FLASH_COOKIE, flash, headers or [])

    # actions ----------------------------------------------------------------------------

    def pick_account(self, request: Request, _account: str, fields: dict) -> Response:
        account_id = _field(fields, "account", "1")
        if account_id not in ACCOUNTS:
            return self.redirect(request, "!Unknown account.")
        cookie = request.cookie_header(ACCOUNT_COOKIE, account_id)
        return self.redirect(request, f"Now showing {ACCOUNTS[account_id]['name']}.", [cookie])

    def refresh(self, request: Request, account_id: str, _fields: dict) -> Response:
        result = refresh_account(self.state, account_id)
        text = f"Refresh: {result['imported']} order(s) imported."
        if result["errors"]:
            return self.redirect(request, f"!{text} Errors: " + " | ".join(result["errors"]))
        return self.redirect(request, text)

    def label(self, request: Request, account_id: str, fields: dict) -> Response:
        lines = {
            name[len("qty:") :]: int(values[0] or 0)
            for name, values in fields.items()
            if name.startswith("qty:") and values and values[0].strip().isdigit()
        }
        options: dict[str, Any] = {
            "order_id": _field(fields, "order_id"),
            "lines": None if _field(fields, "scope") == "all" else lines,
            "tracking_number": _field(fields, "tracking_number") or None,
            "carrier": _field(fields, "carrier") or None,
        }
        answer = create_label(self.state, account_id, options, options)
        shipment = answer["shipment"]
        text = f"Label {shipment['shipmentId']} created, tracking {shipment['trackingNumber']}."
        notice = answer.get("notice")
        if notice is None:
            return self.redirect(request, text)
        if notice["ok"]:
            return self.redirect(request, f"{text} Ship notice answered HTTP {notice['status']}.")
        return self.redirect(request, f"!{text} Ship notice failed: {notice['error']}.")

    def void(self, request: Request, account_id: str, fields: dict) -> Response:
        with self.state.write(account_id) as tx:
            label = find_label(tx.account, _field(fields, "label_id"))
            if label is None:
                raise HttpError(404, "No such label.")
            void_label(tx, label)
        return self.redirect(request, f"Label {label['shipmentId']} voided.")

    def custom_store(self, request: Request, account_id: str, fields: dict) -> Response:
        with self.state.write(account_id) as tx:
            wanted = _field(fields, "store_id")
            store = next(
                (s for s in custom_stores(tx.account) if str(s["storeId"]) == wanted), None
            )
            if store is None:
                raise HttpError(404, "No such custom store.")
            url = _field(fields, "url")
            if not url.startswith(("http://", "https://")):
                raise HttpError(400, "The store URL must start with http:// or https://.")
            store["custom"].update(
                url=url, username=_field(fields, "username"), password=_field(fields, "password")
            )
            store["integrationUrl"] = url
        return self.redirect(request, f"Custom store {store['storeName']} saved.")

    def faults(self, request: Request, account_id: str, fields: dict) -> Response:
        api = _field(fields, "api", "v2")
        try:
            status, count = int(_field(fields, "status", "500")), int(_field(fields, "count", "1"))
        except ValueError:
            return self.redirect(request, "!Status and count must be numbers.")
        if api not in ("v1", "v2") or not 400 <= status <= 599 or not 0 <= count <= 100:
            return self.redirect(request, "!Fault: API v1/v2, status 400-599, count 0-100.")
        self.state.set_fault(account_id, api, Fault(status, count))
        return self.redirect(request, f"Next {count} {api} call(s) will answer {status}.")

    # page -------------------------------------------------------------------------------

    def frame(self, request: Request, body: str, flash: str = "", error: bool = False) -> str:
        base = e(request.base_url)
        banner = (
            "<b>ShipStation sandbox — not the real ShipStation</b>\n&nbsp;offline emulator for "
            f'Hakobu demos and tests. API V1: <code style="color:#222">{base}{V1_ROOT}/</code> '
            f'· API V2: <code style="color:#222">{base}{V2_ROOT}/</code>'
        )
        return layout("ShipStation sandbox", banner, body, flash, error)

    def page(self, request: Request, account_id: str, flash: str, error: bool) -> str:
        root = e(request.script_name)
        account = self.state.snapshot(account_id)
        creds = ACCOUNTS[account_id]
        pickers = "".join(
            f'<button name="account" value="{a}"{" disabled" if a == account_id else ""}>'
            f"{e(ACCOUNTS[a]['name'])}</button> "
            for a in ACCOUNTS
        )
        faults = self.state.pending_faults(account_id)
        fault_note = " ".join(f"{api}: next {f.count} → {f.status}." for api, f in faults.items())
        body = f"""<form class="inline" method="post" action="{root}/account">Account: {pickers}</form>
<p>V1 key <code>{e(creds["v1_key"])}</code> secret <code>{e(creds["v1_secret"])}</code>
· V2 <code>API-Key: {e(creds["v2_key"])}</code></p>
<section><h2>Custom stores</h2>{self.store_rows(root, account)}
<form method="post" action="{root}/refresh"><button>Refresh stores</button>
<small>Calls each store's URL with <code>action=export</code> for every page; runs by itself
every few minutes under <code>python -m sandbox</code>.</small></form></section>
<section><h2>Last refresh</h2>{last_refresh(account)}</section>
<section><h2>Orders</h2>{self.order_rows(root, account)}</section>
<section><h2>Stores and warehouses</h2>{stores_table(account)}</section>
<section><h2>Fault injection (sandbox only)</h2>
<form method="post" action="{root}/faults">Next
<input name="count" type="number" min="0" max="100" value="1" style="width:4em">
<select name="api"><option>v2</option><option>v1</option></select> call(s) answer
<select name="status"><option>500</option><option>503</option><option>429</option>
<option>401</option></select> <button>Inject</button> {e(fault_note)}</form></section>"""
        return self.frame(request, body, flash, error)

    def store_rows(self, root: str, account: dict[str, Any]) -> str:
        rows = []
        for store in custom_stores(account):
            custom = store["custom"]
            rows.append(
                f"<tr><td>{e(store['storeName'])}<br><small>storeId {store['storeId']} · V2 "
                f'se-{store["storeId"]}</small></td><td><form method="post" '
                f'action="{root}/custom_store"><input type="hidden" name="store_id" '
                f'value="{store["storeId"]}"><input name="url" size="45" placeholder="https://…" '
                f'value="{e(custom["url"] or "")}"> <input name="username" placeholder="username" '
                f'value="{e(custom["username"])}"> <input name="password" type="password" '
                f'placeholder="password" value="{e(custom["password"])}"> <button>Save</button>'
                f"</form></td><td>{e(custom['auth'])}</td>"
                f"<td>{e(custom['last_refresh_utc'] or 'never')}</td></tr>"
            )
        head = "<tr><th>Store</th><th>URL, username, password</th><th>Auth</th>"
        return f"<table>{head}<th>Last refresh (UTC)</th></tr>{''.join(rows)}</table>"

    def order_rows(self, root: str, account: dict[str, Any]) -> str:
        orders = [o for o in account["orders"] if o["active"]]
        if not orders:
            return "<p>No orders yet: refresh a custom store, or create some through the API.</p>"
        rows = []
        for order in reversed(orders):
            view = order_view(account, order)
            status = e(view["orderStatus"])
            if view["store_status"]:
                status += f"<br><small>store: {e(view['store_status'])}</small>"
            items = "<br>".join(
                f"{e(i['key'])} · {e(i['sku'] or '')} {e(i['name'] or '')} — "
                + ("adjustment" if i["adjustment"] else f"{i['shipped']} shipped, {i['left']} left")
                + (
                    f' <input name="qty:{e(i["key"])}" type="number" min="0" max="{i["left"]}" '
                    f'value="{i["left"]}" style="width:4em" form="label-{view["orderId"]}">'
                    if i["left"]
                    else ""
                )
                for i in view["items"]
            )
            labels = "<br>".join(label_line(root, lb) for lb in view["labels"])
            can_ship = any(i["left"] for i in view["items"]) and view["orderStatus"] != "cancelled"
            form = (
                f'<form id="label-{view["orderId"]}" method="post" action="{root}/label">'
                f'<input type="hidden" name="order_id" value="{view["orderId"]}">'
                '<input name="tracking_number" placeholder="tracking (auto)" size="14"> '
                '<button name="scope" value="lines">Create label (quantities)</button> '
                '<button name="scope" value="all">Create label (whole order)</button></form>'
                if can_ship
                else ""
            )
            rows.append(
                f"<tr><td>{e(view['store_name'] or '')}<br><small>{e(view['source'])}</small></td>"
                f"<td>{e(view['orderNumber'])}<br><small>orderId {view['orderId']}</small></td>"
                f"<td>{status}</td><td>{items}</td><td>{form}{labels}</td></tr>"
            )
        head = "<tr><th>Store</th><th>Number</th><th>Status</th><th>Items</th><th>Labels</th></tr>"
        return f"<table>{head}{''.join(rows)}</table>"


def label_line(root: str, label: dict[str, Any]) -> str:
    """One label of an order: tracking, lines, notice status and a Void button."""
    lines = ", ".join(f"{e(k)}×{q}" for k, q in label["items"].items())
    notice = "" if label["notice_status"] is None else f" · notice HTTP {label['notice_status']}"
    void = (
        f'<form class="inline" method="post" action="{root}/void"><input type="hidden" '
        f'name="label_id" value="{label["shipmentId"]}"><button>Void</button></form>'
        if not label["voided"]
        else " <b>voided</b>"
    )
    return (
        f'<a href="{root}/labels/{label["shipmentId"]}.pdf">{e(label["trackingNumber"])}</a> '
        f"({lines}){notice} {void}"
    )


def last_refresh(account: dict[str, Any]) -> str:
    """The last refresh result, errors in red."""
    result = account.get("last_refresh")
    if not result:
        return "<p>No refresh yet.</p>"
    errors = "".join(f'<p class="flash err">{e(msg)}</p>' for msg in result["errors"])
    warnings = "".join(f"<li>{e(msg)}</li>" for msg in result["warnings"])
    stores = "".join(
        f"<li>{e(s['name'])}: window {e(s['start_date'])} → {e(s['end_date'])} UTC, calls "
        + ", ".join(f"page {c['page']} → {c['status'] or 'no answer'}" for c in s["calls"])
        + "</li>"
        for s in result["stores"]
    )
    return (
        f"<p>{e(result['finished_utc'] or '')}: {result['imported']} imported "
        f"({result['created']} new, {result['updated']} updated).</p>{errors}"
        f"<ul>{stores}</ul>" + (f"<p>Warnings:</p><ul>{warnings}</ul>" if warnings else "")
    )


def stores_table(account: dict[str, Any]) -> str:
    """Every store and warehouse of the account with its id."""
    stores = "".join(
        f"<tr><td>{s['storeId']}</td><td>{e(s['storeName'])}</td><td>{e(s['marketplaceName'])}"
        "</td></tr>"
        for s in account["stores"]
    )
    warehouses = "".join(
        f"<tr><td>{w['warehouseId']}</td><td>{e(w['warehouseName'])}</td>"
        f"<td>{'default' if w['isDefault'] else ''}</td></tr>"
        for w in account["warehouses"]
    )
    return (
        "<table><tr><th>storeId</th><th>Store</th><th>Marketplace</th></tr>"
        f"{stores}</table><table><tr><th>warehouseId</th><th>Warehouse</th><th></th></tr>"
        f"{warehouses}</table>"
    )
