"""API V1 routes (``/v1/…`` = ``https://ssapi.shipstation.com/…``); see the package docstring."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sandbox.common.web import HttpError, Request, Response, json_response
from sandbox.shipstation import dates, shipping
from sandbox.shipstation.facts import (
    CARRIERS,
    V1_BULK_MAX,
    V1_DELETED_MESSAGE,
    V1_MAX_PAGE_SIZE,
    V1_PAGE_SIZE,
    V1_UPDATABLE,
)
from sandbox.shipstation.fulfillments import fulfilled_orders, v1_fulfillment
from sandbox.shipstation.gate import int_param, paginate
from sandbox.shipstation.labels import v1_shipment
from sandbox.shipstation.orders import (
    Order,
    apply_v1,
    find_order,
    store_id,
    v1_order,
    v1_store,
    v1_warehouse,
)
from sandbox.shipstation.state import ShipStationState

ORDER_SORTS = {"OrderDate": "orderDate", "ModifyDate": "modifyDate", "CreateDate": "createDate"}
SHIPMENT_SORTS = {"ShipDate": "shipDate", "CreateDate": "createDate"}


def route_v1(state: ShipStationState, request: Request, path: str, account_id: str) -> Response:
    """Answer one authenticated V1 call; ``path`` is relative to the V1 root."""
    answer = shipping.route_v1(state, request, path, account_id)
    if answer is not None:
        return answer
    if path == "/orders/createorder":
        request.require("POST")
        with state.write(account_id) as tx:
            order, _created = apply_v1(tx, request.json())
            return json_response(200, v1_order(order))
    if path == "/orders/createorders":
        request.require("POST")
        return _create_orders(state, request, account_id)
    if path == "/orders/markasshipped":
        request.require("POST")
        return mark_shipped(state, request.json(), account_id)
    match = re.fullmatch(r"/orders/(\d+)", path)
    if match:
        return _one_order(state, request, account_id, int(match.group(1)))
    request.require("GET")
    account = state.snapshot(account_id)
    if path == "/stores":
        show_inactive = request.query.get("showInactive", "").lower() == "true"
        stores = [v1_store(s) for s in account["stores"] if s["active"] or show_inactive]
        return json_response(200, stores)
    if path == "/warehouses":
        return json_response(200, [v1_warehouse(w) for w in account["warehouses"]])
    if path == "/carriers":
        return json_response(200, [_carrier(code) for code in CARRIERS])
    if path == "/carriers/listservices":
        code = request.query.get("carrierCode", "")
        if code not in CARRIERS:
            raise HttpError(400, f"Unknown carrierCode {code!r}.")
        services = [
            {"carrierCode": code, "code": s, "name": n, "domestic": False, "international": True}
            for s, n in CARRIERS[code][1]
        ]
        return json_response(200, services)
    if path == "/orders":
        return _list_orders(request.query, account)
    if path == "/shipments":
        return _list_shipments(request.query, account)
    if path == "/fulfillments":
        return _list_fulfillments(request.query, account)
    raise HttpError(404, "No HTTP resource was found that matches the request URI.")


def _carrier(code: str) -> dict[str, Any]:
    return {
        "name": CARRIERS[code][0],
        "code": code,
        "accountNumber": None,
        "requiresFundedAccount": code.endswith(("_walleted", "stamps_com")),
        "balance": 0.0,
        "nickname": None,
        "shippingProviderId": 901 + list(CARRIERS).index(code),
        "primary": code == next(iter(CARRIERS)),
    }


def _one_order(
    state: ShipStationState, request: Request, account_id: str, order_id: int
) -> Response:
    if request.method == "DELETE":
        with state.write(account_id) as tx:
            order = find_order(tx.account, order_id)
            if order is None:
                raise HttpError(404, f"Order {order_id} not found.")
            order["active"] = False
            order["modifyDate"] = dates.stamp(dates.now())
        return json_response(200, {"success": True, "message": V1_DELETED_MESSAGE})
    request.require("GET")
    order = find_order(state.snapshot(account_id), order_id)
    if order is None:
        raise HttpError(404, f"Order {order_id} not found.")
    return json_response(200, v1_order(order))


def _create_orders(state: ShipStationState, request: Request, account_id: str) -> Response:
    payload = request.json_value()
    if not isinstance(payload, list) or not all(isinstance(o, dict) for o in payload):
        raise HttpError(400, "The body must be a JSON array of orders.")
    if len(payload) > V1_BULK_MAX:
        raise HttpError(400, f"At most {V1_BULK_MAX} orders per call.")
    results = []
    for entry in payload:
        result: dict[str, Any] = {
            "orderId": None,
            "orderNumber": entry.get("orderNumber"),
            "orderKey": entry.get("orderKey"),
            "success": True,
            "errorMessage": None,
        }
        try:
            with state.write(account_id) as tx:
                order, _created = apply_v1(tx, entry, bulk=True)
                result.update(orderId=order["orderId"], orderKey=order["orderKey"])
        except HttpError as exc:
            result.update(success=False, errorMessage=exc.message)
        results.append(result)
    has_errors = not all(r["success"] for r in results)
    return json_response(200, {"hasErrors": has_errors, "results": results})


def mark_shipped(state: ShipStationState, payload: dict[str, Any], account_id: str) -> Response:
    with state.write(account_id) as tx:
        order = find_order(tx.account, payload.get("orderId"))
        if order is None:
            raise HttpError(400, f"Order {payload.get('orderId')!r} not found.")
        if order["orderStatus"] not in (*V1_UPDATABLE, "pending_fulfillment"):
            raise HttpError(400, f"Order {order['orderNumber']} is {order['orderStatus']}.")
        if not payload.get("carrierCode"):
            raise HttpError(400, "carrierCode is required.")
        ship_date = payload.get("shipDate") or dates.ship_day().isoformat()
        try:
            ship_date = dates.v1_parse(str(ship_date)).astimezone(dates.PACIFIC).date().isoformat()
        except ValueError:
            raise HttpError(400, f"shipDate is not a date: {ship_date!r}") from None
        now = dates.stamp(dates.now())
        order["fulfillment"] = {
            key: payload.get(key)
            for key in ("carrierCode", "trackingNumber", "notifyCustomer", "notifySalesChannel")
        } | {"shipDate": ship_date, "createDate": now}
        order.update(orderStatus="shipped", shipDate=ship_date, modifyDate=now)
        return json_response(
            200, {"orderId": order["orderId"], "orderNumber": order["orderNumber"]}
        )


def _window(query: dict[str, str], name: str) -> Callable[[str | None], bool]:
    """A test for ``<name>Start`` ≤ stamp ≤ ``<name>End`` (Pacific); absent bounds pass."""
    bounds = []
    for suffix in ("Start", "End"):
        raw = query.get(name + suffix)
        try:
            bounds.append(dates.stamp(dates.v1_parse(raw)) if raw else None)
        except ValueError:
            raise HttpError(400, f"{name}{suffix} is not a date: {raw!r}") from None
    start, end = bounds

    def test(value: str | None) -> bool:
        if start is None and end is None:
            return True
        return (
            value is not None
            and (start is None or value >= start)
            and (end is None or value <= end)
        )

    return test


def _sorted(items: list, query: dict[str, str], sorts: dict[str, str], key: Callable) -> list:
    sort_by = query.get("sortBy")
    if sort_by and sort_by not in sorts:
        raise HttpError(400, f"sortBy must be one of {', '.join(sorts)}.")
    field = sorts.get(sort_by or "")
    reverse = query.get("sortDir", "ASC").upper() == "DESC"
    return sorted(items, key=lambda x: (key(x, field) or "", key(x, "id")), reverse=reverse)


def _page(query: dict[str, str]) -> tuple[int, int]:
    page = int_param(query, "page", 1, 1, 10**9)
    return page, int_param(query, "pageSize", V1_PAGE_SIZE, 1, V1_MAX_PAGE_SIZE)


def _list_orders(query: dict[str, str], account: dict[str, Any]) -> Response:
    page, size = _page(query)
    number = query.get("orderNumber", "").lower()
    status = query.get("orderStatus")
    store = query.get("storeId")
    tests = [_window(query, n) for n in ("createDate", "modifyDate", "orderDate", "paymentDate")]
    fields = ("createDate", "modifyDate", "orderDate", "paymentDate")

    def wanted(order: Order) -> bool:
        return (
            order["active"]
            and order["source"] != "label"  # a label bought without an order (mode 3)
            and str(order["orderNumber"]).lower().startswith(number)
            and (not status or order["orderStatus"] == status)
            and (not store or str(store_id(order)) == store)
            and all(test(order[f]) for test, f in zip(tests, fields, strict=True))
        )

    def key(order: Order, field: str | None) -> Any:
        return order["orderId"] if field in (None, "id") else order[field]

    orders = _sorted([o for o in account["orders"] if wanted(o)], query, ORDER_SORTS, key)
    chunk, total, pages = paginate(orders, page, size)
    body = {"orders": [v1_order(o) for o in chunk], "total": total, "page": page, "pages": pages}
    return json_response(200, body)


def _list_shipments(query: dict[str, str], account: dict[str, Any]) -> Response:
    page, size = _page(query)
    orders = {o["orderId"]: o for o in account["orders"]}
    created, voided = _window(query, "createDate"), _window(query, "voidDate")
    ship_start, ship_end = query.get("shipDateStart"), query.get("shipDateEnd")
    plain = {
        "orderId": lambda lb, o: str(o["orderId"]),
        "orderNumber": lambda lb, o: o["orderNumber"],
        "storeId": lambda lb, o: str(store_id(o)),
        "trackingNumber": lambda lb, o: lb["trackingNumber"],
        "carrierCode": lambda lb, o: lb["carrierCode"],
        "serviceCode": lambda lb, o: lb["serviceCode"],
        "recipientCountryCode": lambda lb, o: (o["shipTo"] or {}).get("country"),
        "recipientName": lambda lb, o: (o["shipTo"] or {}).get("name"),
    }

    def wanted(label: dict[str, Any]) -> bool:
        order = orders[label["orderId"]]
        return (
            all(get(label, order) == query[name] for name, get in plain.items() if name in query)
            and created(label["createDate"])
            and voided(label["voidDate"])
            and (not ship_start or label["shipDate"] >= ship_start[:10])
            and (not ship_end or label["shipDate"] <= ship_end[:10])
        )

    def key(label: dict[str, Any], field: str | None) -> Any:
        return label["shipmentId"] if field in (None, "id") else label[field]

    labels = _sorted([lb for lb in account["labels"] if wanted(lb)], query, SHIPMENT_SORTS, key)
    chunk, total, pages = paginate(labels, page, size)
    include = query.get("includeShipmentItems", "").lower() == "true"
    shipments = [v1_shipment(orders[lb["orderId"]], lb, include) for lb in chunk]
    return json_response(
        200, {"shipments": shipments, "total": total, "page": page, "pages": pages}
    )


def _list_fulfillments(query: dict[str, str], account: dict[str, Any]) -> Response:
    page, size = _page(query)
    created = _window(query, "createDate")
    order_id, number = query.get("orderId"), query.get("orderNumber")
    found = [
        o
        for o in fulfilled_orders(account)
        if created(o["fulfillment"]["createDate"])
        and (not order_id or str(o["orderId"]) == order_id)
        and (not number or o["orderNumber"] == number)
    ]
    chunk, total, pages = paginate(found, page, size)
    body = {"fulfillments": [v1_fulfillment(o) for o in chunk], "total": total}
    return json_response(200, {**body, "page": page, "pages": pages})
