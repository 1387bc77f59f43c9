"""The sandbox's small web UI, clearly marked "not the real Ship&co".

Log in with an access token (kept in a cookie), import the order CSV, print labels (app-made
shipments, so hidden from ``scope=api``), void shipments, regenerate the token, inject faults.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from sandbox.common.pages import flash_redirect, layout, take_flash
from sandbox.common.web import HttpError, Request, Response, html_response
from sandbox.shipandco.csv_orders import ImportIssue, parse_orders_csv
from sandbox.shipandco.facts import API_ROOTS, CARRIERS, LABEL_CARRIERS
from sandbox.shipandco.state import Fault, ShipandcoState

TOKEN_COOKIE = "shipandco_sandbox_token"
FLASH_COOKIE = "shipandco_sandbox_flash"
ORDER_STATE_LABELS = {
    "unfulfilled": "Unfulfilled",
    "label_printed": "Label printed",
    "cancelled": "Cancelled",
}
e = html.escape


class ShipandcoUI:
    """Handles every non-API, non-control path of the emulator."""

    def __init__(self, state: ShipandcoState) -> None:
        self.state = state

    def handle(self, request: Request, path: str) -> Response:
        cookies = request.cookies()
        token = cookies.get(TOKEN_COOKIE, "")
        account_id = self.state.account_id_for(token)
        if path == "/" and request.method == "GET":
            flash, headers = take_flash(request, FLASH_COOKIE)
            if account_id is None:
                if token and not flash:
                    flash = "That access token is no longer valid (regenerated?). Log in again."
                return html_response(200, self.login_page(request, flash), headers)
            return html_response(200, self.orders_page(request, account_id, flash), headers)
        if request.method != "POST":
            return html_response(404, self.layout(request, "<p>Not found.</p>"))
        if path == "/login":
            return self.login(request)
        if path == "/logout":
            clear = request.cookie_header(TOKEN_COOKIE, "", clear=True)
            return self.redirect(request, "Logged out.", [clear])
        if account_id is None:
            return self.redirect(request, "Log in with an access token first.")
        if path == "/import":
            return self.import_csv(request, account_id)
        if path == "/print":
            return self.print_labels(request, account_id)
        if path == "/token/regenerate":
            new_token = self.state.regenerate_token(account_id)
            return self.redirect(
                request,
                f"New access token: {new_token} — the previous token no longer works.",
                [request.cookie_header(TOKEN_COOKIE, new_token)],
            )
        if path == "/faults":
            return self.faults(request, account_id)
        match = re.fullmatch(r"/shipments/([0-9a-f]{24})/cancel", path)
        if match:
            try:
                self.state.void_shipment(account_id, match.group(1))
            except HttpError as exc:
                return self.redirect(request, exc.message)
            return self.redirect(request, "Shipment voided.")
        return html_response(404, self.layout(request, "<p>Not found.</p>"))

    # actions ----------------------------------------------------------------------------

    def redirect(
        self, request: Request, flash: str, headers: Sequence[tuple[str, str]] = ()
    ) -> Response:
        return flash_redirect(request, FLASH_COOKIE, flash, headers)

    def login(self, request: Request) -> Response:
        fields, _files = request.form()
        token = (fields.get("token") or [""])[0].strip()
        if self.state.account_id_for(token) is None:
            page = self.login_page(request, "Invalid access token.", error=True)
            return html_response(401, page)
        return self.redirect(request, "Logged in.", [request.cookie_header(TOKEN_COOKIE, token)])

    def faults(self, request: Request, account_id: str) -> Response:
        fields, _files = request.form()
        try:
            status = int((fields.get("status") or ["500"])[0])
            count = int((fields.get("count") or ["1"])[0])
        except ValueError:
            return self.redirect(request, "Fault status and count must be numbers.")
        if not 400 <= status <= 599 or not 0 <= count <= 100:
            return self.redirect(request, "Fault status must be 400-599, count 0-100.")
        html_page = (fields.get("html") or [""])[0] == "on"
        self.state.set_fault(account_id, Fault(status, count, html=html_page))
        kind = " (proxy HTML page)" if html_page else ""
        return self.redirect(request, f"Next {count} API call(s) will answer {status}{kind}.")

    def import_csv(self, request: Request, account_id: str) -> Response:
        _fields, files = request.form()
        upload = files.get("file")
        if upload is None or not upload[1]:
            return self.redirect(request, "Choose a CSV file to import.")
        result = parse_orders_csv(upload[1])
        if result.errors:
            page = self.orders_page(
                request,
                account_id,
                f"Nothing was imported from {upload[0]}: fix the problems below and retry.",
                issues=result.errors + result.warnings,
                error=True,
            )
            return html_response(400, page)
        summary = self.state.import_orders(account_id, result.orders)
        encoding = "Shift_JIS" if result.encoding == "cp932" else "UTF-8"
        message = (
            f"Imported {upload[0]} ({encoding}): {summary['created']} new order(s), "
            f"{summary['updated']} updated."
        )
        if summary["skipped"]:
            message += f" Not changed (label already printed): {', '.join(summary['skipped'])}."
        if result.warnings:
            message += " Warnings: " + "; ".join(
                f"row {w.row} {w.column}: {w.message}" for w in result.warnings[:10]
            )
        return self.redirect(request, message)

    def print_labels(self, request: Request, account_id: str) -> Response:
        fields, _files = request.form()
        carrier = (fields.get("carrier") or ["yamato"])[0]
        try:
            parcels = int((fields.get("parcels") or ["1"])[0])
        except ValueError:
            parcels = 0
        if carrier not in LABEL_CARRIERS or not 1 <= parcels <= 3:
            return self.redirect(request, "Choose a carrier and 1 to 3 parcels.")
        scope = (fields.get("scope") or ["selected"])[0]
        order_ids = None if scope == "all" else fields.get("order", [])
        if order_ids == []:
            return self.redirect(request, "Select at least one order.")
        test = (fields.get("test") or [""])[0] == "on"
        created = self.state.print_labels(account_id, order_ids, carrier, parcels, test=test)
        if not created:
            return self.redirect(request, "No printable orders selected.")
        refs = ", ".join(s["setup"]["ref_number"] for s in created)
        kind = " test" if test else ""
        return self.redirect(request, f"Printed {len(created)}{kind} label(s): {refs}.")

    # pages ------------------------------------------------------------------------------

    def layout(self, request: Request, body: str, flash: str = "", error: bool = False) -> str:
        api_base = f"{request.base_url}{API_ROOTS[0]}/"
        banner = (
            "<b>Ship&amp;co sandbox — not the real Ship&amp;co</b>\n&nbsp;offline emulator for "
            f'Hakobu demos and tests. API base:\n<code style="color:#222">{e(api_base)}</code>'
        )
        return layout("Ship&co sandbox", banner, body, flash, error)

    def login_page(self, request: Request, flash: str = "", error: bool = False) -> str:
        root = e(request.script_name)
        rows = "".join(
            f"<tr><td>{e(a['name'])}</td><td><code>{e(a['token'])}</code></td><td>"
            f'<form class="inline" method="post" action="{root}/login">'
            f'<input type="hidden" name="token" value="{e(a["token"])}">'
            f"<button>Log in</button></form></td></tr>"
            for a in self.state.accounts()
        )
        body = f"""<h2>Log in with an access token</h2>
<form method="post" action="{root}/login">
<input name="token" size="50" placeholder="x-access-token"> <button>Log in</button></form>
<h2>Sandbox accounts</h2><p>Each account sees only its own orders and shipments.</p>
<table><tr><th>Account</th><th>Current access token</th><th></th></tr>{rows}</table>"""
        return self.layout(request, body, flash, error)

    def orders_page(
        self,
        request: Request,
        account_id: str,
        flash: str = "",
        *,
        issues: Sequence[ImportIssue] = (),
        error: bool = False,
    ) -> str:
        root = e(request.script_name)
        account = self.state.account(account_id)
        fault = self.state.pending_fault(account_id)
        fault_note = f"Pending: next {fault.count} call(s) answer {fault.status}." if fault else ""
        body = f"""<p>Account <b>{e(account["name"])}</b> · access token
<code>{e(account["token"])}</code>
<form class="inline" method="post" action="{root}/token/regenerate">
<button title="The current token stops working">Regenerate token</button></form>
<form class="inline" method="post" action="{root}/logout"><button>Log out</button></form></p>
<section><h2>Import CSV</h2>
<form method="post" action="{root}/import" enctype="multipart/form-data">
<input type="file" name="file" accept=".csv,text/csv"> <button>Import CSV</button></form>
<small>Ship&amp;co order-import CSV, UTF-8 (with or without BOM) or Shift_JIS. One row per item;
rows with the same OrderName form one order. Re-importing an unfulfilled order updates it.</small>
{issue_table(issues)}</section>
<section><h2>Orders</h2><form method="post" action="{root}/print">
<table><tr><th></th><th>OrderName</th><th>Recipient</th><th>Address</th><th>Items</th>
<th>State</th><th>Tracking numbers</th></tr>{order_rows(account)}</table>
Carrier <select name="carrier">{carrier_options()}</select>
Parcels per order <select name="parcels"><option>1</option><option>2</option><option>3</option>
</select> <label><input type="checkbox" name="test"> test label</label>
<button name="scope" value="selected">Print labels for selected</button>
<button name="scope" value="all">Print labels for all unfulfilled</button></form></section>
<section><h2>Shipments</h2><table><tr><th>Created</th><th>ID</th><th>Ref number</th>
<th>Carrier / method</th><th>Ship date</th><th>Tracking numbers</th><th>State</th><th>Made in</th>
<th></th><th></th></tr>{shipment_rows(account, root)}</table></section>
<section><h2>Fault injection (sandbox only)</h2>
<form method="post" action="{root}/faults">Next
<input name="count" type="number" min="0" max="100" value="1" style="width:4em"> API call(s)
answer <select name="status"><option>500</option><option>502</option><option>503</option>
<option>429</option><option>403</option><option>401</option></select>
<label><input type="checkbox" name="html"> as a proxy's HTML page</label>
<button>Inject</button> {e(fault_note)}</form></section>"""
        return self.layout(request, body, flash, error)


def issue_table(issues: Sequence[ImportIssue]) -> str:
    if not issues:
        return ""
    rows = "".join(
        f"<tr><td>Row {i.row}</td><td>{e(i.column)}</td><td>{e(i.message)}</td></tr>"
        for i in issues
    )
    return (
        f'<table class="issues"><tr><th>Row</th><th>Column</th><th>Problem</th></tr>{rows}</table>'
    )


def carrier_options() -> str:
    return "".join(f'<option value="{c}">{e(CARRIERS[c][0])}</option>' for c in LABEL_CARRIERS)


def order_rows(account: dict) -> str:
    shipments = {s["id"]: s for s in account["shipments"]}
    rows = []
    for order in reversed(account["orders"]):
        latest = shipments.get(order["shipment_ids"][-1]) if order["shipment_ids"] else None
        tracking = ", ".join(latest["delivery"]["tracking_numbers"]) if latest else ""
        address = order["to_address"]
        checkbox = (
            f'<input type="checkbox" name="order" value="{e(order["id"])}">'
            if order["state"] in ("unfulfilled", "cancelled")
            else ""
        )
        items = "<br>".join(
            f"{e(p['name'] or p['sku'])} × {p['quantity']}" for p in order["products"]
        )
        rows.append(
            f"<tr><td>{checkbox}</td><td>{e(order['name'])}</td>"
            f"<td>{e(address['full_name'])}<br>{e(address['company'])}</td>"
            f"<td>{e(address['zip'])} {e(address['province'])} {e(address['city'])} "
            f"{e(address['address1'])} {e(address['address2'])}</td><td>{items}</td>"
            f"<td>{ORDER_STATE_LABELS[order['state']]}</td><td>{e(tracking)}</td></tr>"
        )
    return "".join(rows)


def shipment_rows(account: dict, root: str) -> str:
    rows = []
    newest_first = sorted(account["shipments"], key=lambda s: (s["created_at"], s["id"]))[::-1]
    for s in newest_first:
        delivery = s["delivery"]
        void = (
            f'<form class="inline" method="post" action="{root}/shipments/{s["id"]}/cancel">'
            "<button>Void shipment</button></form>"
            if s["state"] == "active"
            else ""
        )
        state = s["state"] + (" (test)" if s["test"] else "")
        rows.append(
            f"<tr><td>{e(s['created_at'])}</td><td><code>{e(s['id'])}</code></td>"
            f"<td>{e(s['setup']['ref_number'])}</td>"
            f"<td>{e(delivery['carrier'])} / {e(delivery['method'])}</td>"
            f"<td>{e(s['setup']['shipment_date'])}</td>"
            f"<td>{'<br>'.join(e(n) for n in delivery['tracking_numbers'])}</td>"
            f"<td>{e(state)}</td><td>{e(s.get('origin', 'app'))}</td>"
            f'<td><a href="{root}/labels/{s["id"]}.pdf">label</a></td><td>{void}</td></tr>'
        )
    return "".join(rows)
