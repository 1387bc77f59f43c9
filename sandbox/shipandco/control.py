"""Sandbox-only control endpoints (``/_seed``, ``/_faults``, ``/_listing``…): tests and demos.

Not part of Ship&co; JSON in and out, no auth header and no rate limit (the account is named by
its ``token`` in the body). Errors use the API's 4xx body shape. See the package docstring.
"""

from __future__ import annotations

from typing import Any

from sandbox.common.web import HttpError, Request, Response, is_int, json_response
from sandbox.shipandco.csv_orders import rows_to_orders
from sandbox.shipandco.facts import AUTH_HEADER, CARRIERS, DEFAULT_PARCEL, ORIGINS, SHIPMENT_STATES
from sandbox.shipandco.listing import ListingBehaviour
from sandbox.shipandco.shipments import iso_z, parse_day, parse_iso, serialize
from sandbox.shipandco.state import UPDATABLE, Fault, RateLimit, ShipandcoState
from sandbox.shipandco.web import detail


def _bad(field: str, rule: str, value: Any = None) -> HttpError:
    """A 400 VALIDATION_ERROR naming the field."""
    return HttpError(
        400, f"{field} must be {rule}", details=[detail("INVALID", field, f"must be {rule}", value)]
    )


def _check_common(where: str, item: dict[str, Any], out: dict[str, Any]) -> None:
    """Validate the fields seed and update share: carrier, method/service, state, test, numbers."""
    if "carrier" in item:
        if item["carrier"] not in CARRIERS:
            raise _bad(f"{where}carrier", f"one of {', '.join(CARRIERS)}", item["carrier"])
        out["carrier"] = item["carrier"]
    method = item.get("method", item.get("service"))
    if method is not None:
        if not isinstance(method, str) or not method:
            raise _bad(f"{where}method", "a non-empty string", method)
        out["method"] = method
    if "state" in item:
        if item["state"] not in SHIPMENT_STATES:
            raise _bad(f"{where}state", f"one of {', '.join(SHIPMENT_STATES)}", item["state"])
        out["state"] = item["state"]
    if "test" in item:
        if not isinstance(item["test"], bool):
            raise _bad(f"{where}test", "true or false", item["test"])
        out["test"] = item["test"]
    numbers = item.get("tracking_numbers")
    if numbers is not None:
        if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
            raise _bad(f"{where}tracking_numbers", "a list of strings")
        out["tracking_numbers"] = numbers


def _day(field: str, value: Any) -> str:
    try:
        return parse_day(str(value))
    except ValueError:
        raise _bad(field, "a YYYY-MM-DD date", value) from None


def shipment_spec(index: int, item: dict[str, Any]) -> dict[str, Any]:
    """Validate one ``/_seed`` shipment before anything is stored; returns build arguments."""
    where = f"shipments[{index}]."
    ref = item.get("ref_number")
    if not isinstance(ref, str) or not ref:
        raise _bad(f"{where}ref_number", "a non-empty string", ref)
    spec: dict[str, Any] = {"ref_number": ref, "carrier": "yamato", "origin": "app"}
    _check_common(where, item, spec)
    count = item.get("parcels", 1)
    if not is_int(count) or not 1 <= count <= 10:
        raise _bad(f"{where}parcels", "an integer from 1 to 10", count)
    spec["parcels"] = [dict(DEFAULT_PARCEL) for _ in range(count)]
    if item.get("origin") is not None:
        if item["origin"] not in ORIGINS:
            raise _bad(f"{where}origin", f"one of {', '.join(ORIGINS)}", item["origin"])
        spec["origin"] = item["origin"]
    if item.get("created_at") is not None:
        try:
            spec["created_at"] = iso_z(parse_iso(str(item["created_at"])))
        except ValueError:
            raise _bad(f"{where}created_at", "ISO-8601", item["created_at"]) from None
    if item.get("shipment_date") is not None:
        spec["shipment_date"] = _day(f"{where}shipment_date", item["shipment_date"])
    if "date" in item or "time" in item:  # else a domestic label gets a date and a window
        day, window = item.get("date"), item.get("time")
        if window is not None and not isinstance(window, str):
            raise _bad(f"{where}time", 'null or a window such as "16-18"', window)
        spec["delivery_date"] = None if day is None else _day(f"{where}date", day)
        spec["delivery_time"] = window
    address, products = item.get("to_address") or {}, item.get("products") or []
    if not isinstance(address, dict) or not isinstance(products, list):
        raise _bad(f"{where}to_address", "an object (and products a list)")
    spec["to_address"] = {str(k): str(v) for k, v in address.items()}
    spec["products"] = [p for p in products if isinstance(p, dict)]
    return spec


def _account(state: ShipandcoState, token: Any) -> str:
    account_id = state.account_id_for(str(token or ""))
    if account_id is None:
        raise _bad("token", "the token of a sandbox account")
    return account_id


def handle_control(state: ShipandcoState, request: Request, path: str) -> Response:
    """Route one control request (``path`` starts with ``/_``)."""
    if path == "/_orders":
        request.require("GET")
        account_id = _account(state, request.header(AUTH_HEADER) or request.query.get("token"))
        return json_response(200, state.account(account_id)["orders"])
    request.require("POST")
    payload = request.json()
    if path == "/_reset":
        state.reset()
        return json_response(200, {"status": "reset"})
    if path == "/_listing":
        return _listing(state, payload)
    handler = _HANDLERS.get(path)
    if handler is None:
        raise HttpError(404, "Not found")
    return handler(state, request, _account(state, payload.get("token")), payload)


def _listing(state: ShipandcoState, payload: dict[str, Any]) -> Response:
    behaviour = ListingBehaviour.from_payload(payload)
    if "token" not in payload:
        if behaviour != ListingBehaviour():
            raise _bad("token", "given to change a listing behaviour")
        state.set_listing(None, behaviour)
    else:
        state.set_listing(_account(state, payload["token"]), behaviour)
    return json_response(200, behaviour.as_json())


def _faults(state: ShipandcoState, _r: Request, account_id: str, payload: dict) -> Response:
    status, count = payload.get("status", 500), payload.get("count", 1)
    content_type = payload.get("content_type") or "application/json"
    html = payload.get("html", False)
    if not is_int(status) or not 400 <= status <= 599:
        raise _bad("status", "an integer from 400 to 599", status)
    if not is_int(count) or count < 0:
        raise _bad("count", "an integer >= 0", count)
    if not isinstance(content_type, str) or not isinstance(html, bool):
        raise _bad("content_type", "a string (and html true or false)")
    state.set_fault(account_id, Fault(status, count, content_type, html))
    answer = {"status": status, "count": count, "content_type": content_type, "html": html}
    return json_response(200, answer)


def _regenerate(state: ShipandcoState, _r: Request, account_id: str, _p: dict) -> Response:
    return json_response(200, {"token": state.regenerate_token(account_id)})


def _rate_limit(state: ShipandcoState, _r: Request, account_id: str, payload: dict) -> Response:
    default = state.default_rate
    maximum, window = payload.get("max", default.max), payload.get("window", default.window)
    if not is_int(maximum) or maximum < 0:
        raise _bad("max", "an integer >= 0", maximum)
    if not isinstance(window, int | float) or isinstance(window, bool) or window <= 0:
        raise _bad("window", "a number of seconds > 0", window)
    state.set_rate_limit(account_id, RateLimit(maximum, float(window)))
    return json_response(200, {"max": maximum, "window": window})


def _seed(state: ShipandcoState, request: Request, account_id: str, payload: dict) -> Response:
    rows, items = payload.get("orders") or [], payload.get("shipments") or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise _bad("orders", "a list of CSV-row objects")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise _bad("shipments", "a list of objects")
    orders: list[dict[str, Any]] = []
    if rows:
        header = list(dict.fromkeys(key for row in rows for key in row))
        result = rows_to_orders(header, rows)
        if result.errors:
            problems = "; ".join(f"row {i.row} {i.column}: {i.message}" for i in result.errors)
            raise HttpError(400, f"orders rejected: {problems}")
        orders = result.orders
    specs = [shipment_spec(index, item) for index, item in enumerate(items)]
    summary = state.import_orders(account_id, orders) if orders else {"orders": []}
    created = state.add_shipments(account_id, specs)
    shipments = [serialize(s, request.base_url) for s in created]
    return json_response(201, {"shipments": shipments, "orders": summary["orders"]})


def _update(state: ShipandcoState, request: Request, account_id: str, payload: dict) -> Response:
    shipment_id = payload.get("id")
    if not isinstance(shipment_id, str) or not shipment_id:
        raise _bad("id", "a shipment id", shipment_id)
    changes: dict[str, Any] = {}
    _check_common("", payload, changes)
    if not changes:
        raise _bad("body", f"given at least one of {', '.join(UPDATABLE)}")
    shipment = state.update_shipment(account_id, shipment_id, changes)
    return json_response(200, serialize(shipment, request.base_url))


_HANDLERS = {
    "/_faults": _faults,
    "/_regenerate_token": _regenerate,
    "/_rate_limit": _rate_limit,
    "/_seed": _seed,
    "/_update_shipment": _update,
}
