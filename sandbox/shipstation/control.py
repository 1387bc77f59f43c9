"""Sandbox-only control endpoints (``/_custom_store``, ``/_refresh``, ``/_label``…): JSON in and
out, no auth, no rate limit; the account is named by ``"account"`` (1 or 2) in the body or query.
Errors are ``{"error": message}``. Not part of ShipStation; see the package docstring.
"""

from __future__ import annotations

from typing import Any

from sandbox.common.web import HttpError, Request, Response, is_int, json_response
from sandbox.shipstation import dates
from sandbox.shipstation.facts import ACCOUNTS, DEFAULT_STATUS_MAP, V1_STATUSES
from sandbox.shipstation.labels import find_label, v1_shipment, void_label
from sandbox.shipstation.orders import find_order
from sandbox.shipstation.refresh import (
    create_label,
    custom_stores,
    order_view,
    refresh_account,
    store_view,
)
from sandbox.shipstation.state import Fault, ShipStationState, custom_store_config, new_store


def control_error(exc: HttpError) -> Response:
    """A control-endpoint error: ``{"error": message}``."""
    return json_response(exc.status, {"error": exc.message}, exc.headers)


def account_of(value: Any) -> str:
    """The account id named by ``value`` (``1``, ``"1"``…); a 400 otherwise."""
    account_id = str(value if value is not None else "")
    if account_id not in ACCOUNTS:
        raise HttpError(400, f"account must be one of {', '.join(ACCOUNTS)} (got {value!r}).")
    return account_id


def handle_control(state: ShipStationState, request: Request, path: str) -> Response:
    """Route one control request (``path`` starts with ``/_``)."""
    if request.method == "GET" and path in ("/_orders", "/_custom_store"):
        account_id = account_of(request.query.get("account", "1"))
        account = state.snapshot(account_id)
        if path == "/_orders":
            views = [order_view(account, o) for o in account["orders"] if o["active"]]
            return json_response(200, views)
        return json_response(200, [store_view(s) for s in custom_stores(account)])
    request.require("POST")
    payload = request.json()
    if path == "/_reset":
        state.reset()
        return json_response(200, {"status": "reset"})
    handler = _HANDLERS.get(path)
    if handler is None:
        raise HttpError(404, f"No control endpoint {path}.")
    return handler(state, account_of(payload.get("account")), payload)


def _custom_store(state: ShipStationState, account_id: str, payload: dict[str, Any]) -> Response:
    """Create or update a custom store: by ``store_id``, else by ``url``, else the built-in one
    still without a URL, else a new store."""
    url = payload.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise HttpError(400, "url must be the http(s) URL of the store's XML endpoint.")
    for field in ("username", "password"):
        if not isinstance(payload.get(field, ""), str):
            raise HttpError(400, f"{field} must be a string.")
    auth = payload.get("auth", "basic")
    if auth not in ("basic", "query"):
        raise HttpError(400, 'auth must be "basic" (header) or "query" (SS-UserName/SS-Password).')
    statuses = payload.get("statuses") or {}
    if not isinstance(statuses, dict) or not set(statuses) <= set(DEFAULT_STATUS_MAP):
        raise HttpError(400, f"statuses keys must be among {', '.join(DEFAULT_STATUS_MAP)}.")
    if not all(isinstance(v, str) for v in statuses.values()):
        raise HttpError(400, 'statuses values are comma-separated strings, e.g. "ready,paid".')
    with state.write(account_id) as tx:
        stores = custom_stores(tx.account)
        wanted = payload.get("store_id")
        if wanted is not None:
            store = next((s for s in stores if str(s["storeId"]) == str(wanted)), None)
            if store is None:
                raise HttpError(404, f"No custom store {wanted!r} in account {account_id}.")
        else:
            store = next((s for s in stores if s["custom"]["url"] == url), None) or next(
                (s for s in stores if not s["custom"]["url"]), None
            )
        if store is None:
            store = new_store(
                tx, payload.get("name") or "Custom Store", custom=custom_store_config()
            )
        config = store["custom"]
        config.update(
            url=url,
            username=payload.get("username", ""),
            password=payload.get("password", ""),
            auth=auth,
            statuses={**DEFAULT_STATUS_MAP, **statuses},
        )
        if payload.get("name"):
            store["storeName"] = str(payload["name"])
        store["integrationUrl"] = url
        return json_response(200, store_view(store))


def _refresh(state: ShipStationState, account_id: str, payload: dict[str, Any]) -> Response:
    store_id = payload.get("store_id")
    if store_id is not None and not is_int(store_id):
        raise HttpError(400, "store_id must be an integer.")
    result = refresh_account(
        state,
        account_id,
        store_id=store_id,
        start=payload.get("start_date"),
        end=payload.get("end_date"),
    )
    return json_response(200, result)


def _label(state: ShipStationState, account_id: str, payload: dict[str, Any]) -> Response:
    if payload.get("order_id") is None and not payload.get("order_number"):
        raise HttpError(400, "Give order_id (orderId or se-…) or order_number.")
    for field in ("tracking_number", "carrier", "service", "notes_to_customer"):
        if payload.get(field) is not None and not isinstance(payload[field], str):
            raise HttpError(400, f"{field} must be a string.")
    answer = create_label(state, account_id, payload, payload)
    account = state.snapshot(account_id)
    order = next(o for o in account["orders"] if o["orderId"] == answer["shipment"]["orderId"])
    return json_response(200, {**answer, "order": order_view(account, order)})


def _void(state: ShipStationState, account_id: str, payload: dict[str, Any]) -> Response:
    label_id = payload.get("label_id", payload.get("shipmentId"))
    with state.write(account_id) as tx:
        label = find_label(tx.account, label_id) if label_id is not None else None
        if label is None:
            raise HttpError(404, f"No label {label_id!r} (give label_id se-… or shipmentId).")
        void_label(tx, label)
        order = next(o for o in tx.account["orders"] if o["orderId"] == label["orderId"])
        body = {"shipment": v1_shipment(order, label, True), "order": order_view(tx.account, order)}
    return json_response(200, body)


def _faults(state: ShipStationState, account_id: str, payload: dict[str, Any]) -> Response:
    status, count, api = payload.get("status", 500), payload.get("count", 1), payload.get("api")
    if "slow_label" in payload:
        seconds = payload["slow_label"]
        if api not in ("v1", "v2") or not isinstance(seconds, int | float) or seconds < 0:
            raise HttpError(400, 'slow_label needs "api" and seconds >= 0.')
        state.set_label_delay(account_id, api, float(seconds))
        return json_response(200, {"account": account_id, "api": api, "slow_label": seconds})
    if not is_int(status) or not 400 <= status <= 599:
        raise HttpError(400, "status must be an integer from 400 to 599.")
    if not is_int(count) or count < 0:
        raise HttpError(400, "count must be an integer >= 0 (0 clears).")
    if api not in ("v1", "v2"):
        raise HttpError(400, 'api must be "v1" or "v2".')
    state.set_fault(account_id, api, Fault(status, count))
    return json_response(200, {"account": account_id, "api": api, "status": status, "count": count})


def _order_status(state: ShipStationState, account_id: str, payload: dict[str, Any]) -> Response:
    """Set an order's V1 status directly (e.g. cancel it "in the ShipStation UI")."""
    status = payload.get("status")
    if status not in V1_STATUSES:
        raise HttpError(400, f"status must be one of {', '.join(V1_STATUSES)}.")
    with state.write(account_id) as tx:
        order = find_order(tx.account, payload.get("order_id"))
        if order is None:
            raise HttpError(404, f"No order {payload.get('order_id')!r}.")
        order.update(orderStatus=status, modifyDate=dates.stamp(dates.now()))
        return json_response(200, order_view(tx.account, order))


_HANDLERS = {
    "/_custom_store": _custom_store,
    "/_refresh": _refresh,
    "/_label": _label,
    "/_void": _void,
    "/_faults": _faults,
    "/_order_status": _order_status,
}
