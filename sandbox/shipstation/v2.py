"""API V2 routes (``/v2/…`` = ``https://api.shipstation.com/v2/…``); see the package docstring."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from sandbox.common.web import HttpError, Request, Response, json_response
from sandbox.shipstation import dates, shipping
from sandbox.shipstation.facts import (
    CARRIERS,
    LABEL_COST_BASE,
    LABEL_COST_PER_UNIT,
    V2_LABEL_STATUSES,
    V2_MAX_PAGE_SIZE,
    V2_PAGE_SIZE,
    V2_SHIPMENT_STATUSES,
)
from sandbox.shipstation.fulfillments import fulfilled_orders, v2_fulfillment
from sandbox.shipstation.gate import int_param, paginate
from sandbox.shipstation.labels import find_label, make_label, void_label
from sandbox.shipstation.orders import Order, find_by_key, find_order, remaining, store_id
from sandbox.shipstation.state import Account, ShipStationState
from sandbox.shipstation.v2_model import (
    carrier_id,
    check_entry,
    create_from_v2,
    money,
    se,
    shipment_status,
    v2_label,
    v2_shipment,
    v2_warehouse,
)


def route_v2(state: ShipStationState, request: Request, path: str, account_id: str) -> Response:
    """Answer one authenticated V2 call; ``path`` is relative to ``/v2``."""
    base = request.base_url
    answer = shipping.route_v2(state, request, path, account_id)
    if answer is not None:
        return answer
    if path == "/shipments" and request.method == "POST":
        return _create_shipments(state, request, account_id)
    match = re.fullmatch(r"/shipments/([^/]+)/cancel", path)
    if match:
        request.require("PUT")
        with state.write(account_id) as tx:
            order = _shipment(tx.account, match.group(1))
            if shipment_status(tx.account, order) == "label_purchased":
                raise HttpError(400, "Void the shipment's labels before cancelling it.")
            order.update(orderStatus="cancelled", modifyDate=dates.stamp(dates.now()))
        return Response(204)
    match = re.fullmatch(r"/labels/([^/]+)/void", path)
    if match:
        request.require("PUT")
        return _void(state, account_id, match.group(1))
    match = re.fullmatch(r"/labels/rates/([^/]+)", path)
    if match:
        request.require("POST")
        return _label_from_rate(state, request, account_id, match.group(1))
    if path == "/rates":
        request.require("POST")
        return _rates(state, request.json(), account_id)
    request.require("GET")
    account = state.snapshot(account_id)
    if path == "/warehouses":
        return json_response(200, {"warehouses": [v2_warehouse(w) for w in account["warehouses"]]})
    match = re.fullmatch(r"/warehouses/([^/]+)", path)
    if match:
        found = [w for w in account["warehouses"] if se(w["warehouseId"]) == match.group(1)]
        if not found:
            raise HttpError(404, f"Warehouse {match.group(1)} not found.")
        return json_response(200, v2_warehouse(found[0]))
    if path == "/carriers":
        carriers = [_carrier(code) for code in CARRIERS]
        return json_response(200, {"carriers": carriers, "request_id": None, "errors": []})
    if path == "/shipments":
        return _list_shipments(request, account)
    match = re.fullmatch(r"/shipments/external_shipment_id/([^/]+)", path)
    if match:
        order = find_by_key(account, match.group(1))
        if order is None:
            raise HttpError(404, f"No shipment with external_shipment_id {match.group(1)}.")
        return json_response(200, v2_shipment(account, order))
    match = re.fullmatch(r"/shipments/([^/]+)", path)
    if match:
        return json_response(200, v2_shipment(account, _shipment(account, match.group(1))))
    if path == "/labels":
        return _list_labels(request, account)
    if path == "/fulfillments":
        window = _filters(request.query, "created_at")["created_at"]
        found = [
            o for o in fulfilled_orders(account) if _within(o["fulfillment"]["createDate"], window)
        ]
        return _paged(request, found, "fulfillments", v2_fulfillment)
    match = re.fullmatch(r"/labels/([^/]+)", path)
    if match:
        label = find_label(account, match.group(1))
        if label is None:
            raise HttpError(404, f"Label {match.group(1)} not found.")
        return json_response(200, v2_label(account, _order_of(account, label), label, base))
    raise HttpError(404, f"No route for {request.method} /v2{path}.")


def _shipment(account: Account, shipment_id: str) -> Order:
    order = find_order(account, shipment_id) if shipment_id.startswith("se-") else None
    if order is None:
        raise HttpError(404, f"Shipment {shipment_id} not found.")
    return order


def _order_of(account: Account, label: dict[str, Any]) -> Order:
    return next(o for o in account["orders"] if o["orderId"] == label["orderId"])


def _carrier(code: str) -> dict[str, Any]:
    name, services = CARRIERS[code]
    return {
        "carrier_id": carrier_id(code),
        "carrier_code": code,
        "account_number": None,
        "requires_funded_amount": False,
        "balance": 0.0,
        "nickname": name,
        "friendly_name": name,
        "primary": code == next(iter(CARRIERS)),
        "has_multi_package_supporting_services": False,
        "supports_label_messages": False,
        "services": [
            {
                "carrier_id": carrier_id(code),
                "carrier_code": code,
                "service_code": service,
                "name": label,
                "domestic": False,
                "international": True,
                "is_multi_package_supported": False,
            }
            for service, label in services
        ],
        "packages": [],
        "options": [],
    }


def _create_shipments(state: ShipStationState, request: Request, account_id: str) -> Response:
    entries = request.json().get("shipments")
    if not isinstance(entries, list) or not entries:
        raise HttpError(400, "shipments must be a non-empty array.", code="request_body_required")
    results = []
    with state.write(account_id) as tx:
        for entry in entries:
            errors = check_entry(tx.account, entry)
            if errors:
                echo = entry if isinstance(entry, dict) else {}
                results.append({**echo, "shipment_id": None, "errors": errors})
                continue
            order = create_from_v2(tx, entry)
            results.append({**v2_shipment(tx.account, order), "errors": []})
    has_errors = any(r["errors"] for r in results)
    return json_response(200, {"has_errors": has_errors, "shipments": results})


def _filters(query: dict[str, str], *names: str) -> dict[str, tuple[str | None, str | None]]:
    """``<name>_start`` / ``<name>_end`` (ISO, naive = UTC) as state stamps."""
    out = {}
    for name in names:
        bounds = []
        for suffix in ("_start", "_end"):
            raw = query.get(name + suffix)
            try:
                bounds.append(dates.stamp(dates.v2_parse(raw)) if raw else None)
            except ValueError:
                raise HttpError(400, f"{name}{suffix} must be an ISO-8601 date-time.") from None
        out[name] = (bounds[0], bounds[1])
    return out


def _within(value: str | None, bounds: tuple[str | None, str | None]) -> bool:
    start, end = bounds
    if start is None and end is None:
        return True
    return value is not None and (start is None or value >= start) and (end is None or value <= end)


def _choice(query: dict[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = query.get(name) or default
    if value not in allowed:
        raise HttpError(400, f"{name} must be one of {', '.join(allowed)}.")
    return value


def _paged(
    request: Request, items: list, key: str, render: Callable[[Any], dict[str, Any]]
) -> Response:
    """One page of ``items`` as ``{key: [...], total, page, pages, links}``."""
    page = int_param(request.query, "page", 1, 1, 10**9)
    size = int_param(request.query, "page_size", V2_PAGE_SIZE, 1, V2_MAX_PAGE_SIZE)
    chunk, total, pages = paginate(items, page, size)

    def link(number: int) -> dict[str, str]:
        query = urlencode({**request.query, "page": number, "page_size": size})
        return {"href": f"{request.base_url}{request.path}?{query}"}

    links = {
        "first": link(1),
        "last": link(max(pages, 1)),
        "prev": link(page - 1) if page > 1 else {},
        "next": link(page + 1) if page < pages else {},
    }
    body = {key: [render(i) for i in chunk], "total": total, "page": page, "pages": pages}
    return json_response(200, {**body, "links": links})


def _list_shipments(request: Request, account: Account) -> Response:
    query = request.query
    status = query.get("shipment_status")
    if status and status not in V2_SHIPMENT_STATUSES:
        raise HttpError(400, f"shipment_status must be one of {', '.join(V2_SHIPMENT_STATUSES)}.")
    windows = _filters(query, "created_at", "modified_at")
    sort_by = _choice(query, "sort_by", ("modified_at", "created_at"), "created_at")
    reverse = _choice(query, "sort_dir", ("asc", "desc"), "desc") == "desc"
    exact = {
        "external_shipment_id": lambda o: o["orderKey"],
        "shipment_number": lambda o: o["orderNumber"],
        "store_id": lambda o: se(store_id(o)),
    }

    def wanted(order: Order) -> bool:
        return (
            order["active"]
            and (not status or shipment_status(account, order) == status)
            and _within(order["createDate"], windows["created_at"])
            and _within(order["modifyDate"], windows["modified_at"])
            and all(get(order) == query[name] for name, get in exact.items() if name in query)
        )

    field = "modifyDate" if sort_by == "modified_at" else "createDate"
    orders = sorted(
        (o for o in account["orders"] if wanted(o)),
        key=lambda o: (o[field], o["orderId"]),
        reverse=reverse,
    )
    return _paged(request, orders, "shipments", lambda o: v2_shipment(account, o))


def _list_labels(request: Request, account: Account) -> Response:
    query = request.query
    status = query.get("label_status")
    if status and status not in V2_LABEL_STATUSES:
        raise HttpError(400, f"label_status must be one of {', '.join(V2_LABEL_STATUSES)}.")
    window = _filters(query, "created_at")["created_at"]
    reverse = _choice(query, "sort_dir", ("asc", "desc"), "desc") == "desc"
    _choice(query, "sort_by", ("modified_at", "created_at"), "created_at")
    orders = {o["orderId"]: o for o in account["orders"]}
    exact = {
        "shipment_id": lambda lb: se(lb["orderId"]),
        "tracking_number": lambda lb: lb["trackingNumber"],
        "carrier_id": lambda lb: carrier_id(lb["carrierCode"]),
        "service_code": lambda lb: lb["serviceCode"],
        "warehouse_id": lambda lb: se(lb["warehouseId"]),
    }

    def wanted(label: dict[str, Any]) -> bool:
        label_status = "voided" if label["voided"] else "completed"
        return (
            (not status or label_status == status)
            and _within(label["createDate"], window)
            and all(get(label) == query[name] for name, get in exact.items() if name in query)
        )

    labels = sorted(
        (lb for lb in account["labels"] if wanted(lb)),
        key=lambda lb: (lb["createDate"], lb["shipmentId"]),
        reverse=reverse,
    )
    render = lambda lb: v2_label(account, orders[lb["orderId"]], lb, request.base_url)  # noqa: E731
    return _paged(request, labels, "labels", render)


def _void(state: ShipStationState, account_id: str, label_id: str) -> Response:
    with state.write(account_id) as tx:
        label = find_label(tx.account, label_id)
        if label is None:
            raise HttpError(404, f"Label {label_id} not found.")
        if label["voided"]:
            body = {
                "approved": False,
                "message": "The label has already been voided.",
                "reason_code": "label_already_voided",
            }
            return json_response(200, body)
        void_label(tx, label)
    return json_response(200, {"approved": True, "message": "Request for refund submitted."})


def _rates(state: ShipStationState, payload: dict[str, Any], account_id: str) -> Response:
    """Sandbox rates for a stored shipment (``shipment_id``), one per service of each carrier."""
    options = payload.get("rate_options") or {}
    carrier_ids = options.get("carrier_ids") or [carrier_id(c) for c in CARRIERS]
    now = dates.stamp(dates.now())
    with state.write(account_id) as tx:
        order = _shipment(tx.account, str(payload.get("shipment_id") or ""))
        units = sum(remaining(tx.account, order).values()) or 1
        rates = []
        for index, code in enumerate(CARRIERS):
            if carrier_id(code) not in carrier_ids:
                continue
            for service, name in CARRIERS[code][1]:
                rate_id = se(tx.next_id())
                amount = round(LABEL_COST_BASE * (1 + index / 4) + LABEL_COST_PER_UNIT * units, 2)
                tx.account["rates"][rate_id] = {
                    "orderId": order["orderId"],
                    "carrierCode": code,
                    "serviceCode": service,
                }
                rates.append(
                    {
                        "rate_id": rate_id,
                        "rate_type": "shipment",
                        "carrier_id": carrier_id(code),
                        "shipping_amount": money(amount),
                        "insurance_amount": money(0),
                        "confirmation_amount": money(0),
                        "other_amount": money(0),
                        "service_type": name,
                        "service_code": service,
                        "carrier_code": code,
                        "carrier_friendly_name": CARRIERS[code][0],
                        "delivery_days": 3 + index,
                        "ship_date": dates.day_v2(dates.ship_day().isoformat()),
                        "trackable": True,
                        "validation_status": "valid",
                        "warning_messages": [],
                        "error_messages": [],
                    }
                )
        shipment = v2_shipment(tx.account, order)
        request_id = se(tx.next_id())
    rate_response = {
        "rates": rates,
        "invalid_rates": [],
        "rate_request_id": request_id,
        "shipment_id": shipment["shipment_id"],
        "created_at": dates.v2_format(now),
        "status": "completed",
        "errors": [],
    }
    return json_response(200, {**shipment, "rate_response": rate_response})


def _label_from_rate(
    state: ShipStationState, request: Request, account_id: str, rate_id: str
) -> Response:
    """Buy a label for everything the rate's shipment still has to ship."""
    request.json()  # label_format etc. are accepted and ignored
    with state.write(account_id) as tx:
        rate = tx.account["rates"].pop(rate_id, None)
        if rate is None:
            raise HttpError(404, f"Rate {rate_id} not found (or already used).")
        order = find_order(tx.account, rate["orderId"])
        if order is None:
            raise HttpError(400, "The rate's shipment no longer exists.")
        label = make_label(tx, order, carrier=rate["carrierCode"], service=rate["serviceCode"])
        return json_response(200, v2_label(tx.account, order, label, request.base_url))
