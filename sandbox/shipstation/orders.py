"""The order model (a V1 order = a V2 shipment) and its V1 shape, in and out.

State keeps one dict per order in V1's field names with UTC stamps (see :mod:`.dates`), plus
``source`` (v1 | v2 | custom), ``active`` (false once deleted), ``v2`` (V2-only fields),
``custom`` (OrderID and raw status of a custom-store order) and ``fulfillment`` (markasshipped).
Quantities shipped come from the account's labels, never from the order itself.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox.common.web import HttpError, is_int
from sandbox.shipstation import dates
from sandbox.shipstation.facts import (
    SHIPPED_STATUS,
    V1_BULK_UPDATABLE,
    V1_REQUIRED,
    V1_STATUSES,
    V1_UPDATABLE,
)
from sandbox.shipstation.state import Account, Tx

Order = dict[str, Any]
ADDRESS_FIELDS = (
    "name", "company", "street1", "street2", "street3", "city", "state", "postalCode",
    "country", "phone", "residential",
)  # fmt: skip
ITEM_FIELDS = (
    "lineItemKey", "sku", "name", "imageUrl", "weight", "quantity", "unitPrice", "taxAmount",
    "shippingAmount", "warehouseLocation", "options", "productId", "fulfillmentSku",
    "adjustment", "upc",
)  # fmt: skip
#: Plain fields of a V1 order copied as given (dates and nested objects are handled apart).
ORDER_FIELDS = (
    "customerUsername", "customerEmail", "amountPaid", "taxAmount", "shippingAmount",
    "customerNotes", "internalNotes", "gift", "giftMessage", "paymentMethod",
    "requestedShippingService", "carrierCode", "serviceCode", "packageCode", "confirmation",
    "weight", "dimensions", "insuranceOptions", "internationalOptions", "advancedOptions",
    "tagIds", "customerId",
)  # fmt: skip
DATE_FIELDS = ("orderDate", "paymentDate", "shipByDate", "holdUntilDate")


def address(raw: Any) -> dict[str, Any]:
    """A V1 address with every field present (unknown keys dropped)."""
    raw = raw if isinstance(raw, dict) else {}
    return {key: raw.get(key) for key in ADDRESS_FIELDS}


def new_order(tx: Tx, source: str, now: str) -> Order:
    """An empty order with a fresh ``orderId`` (not yet added to the account)."""
    return {
        "orderId": tx.next_id(),
        "source": source,
        "active": True,
        "createDate": now,
        "modifyDate": now,
        "items": [],
        "v2": {},
        "custom": None,
        "fulfillment": None,
        "shipDate": None,
        **dict.fromkeys((*ORDER_FIELDS, *DATE_FIELDS)),
    }


def set_items(tx: Tx, order: Order, items: list[dict[str, Any]], now: str) -> None:
    """Replace the order's lines, keeping the ``orderItemId`` of a line whose key is unchanged."""
    previous = {item.get("lineItemKey") or item["sku"]: item for item in order["items"]}
    lines = []
    for raw in items:
        old = previous.get(raw.get("lineItemKey") or raw.get("sku"))
        item = {key: raw.get(key) for key in ITEM_FIELDS}
        item["orderItemId"] = old["orderItemId"] if old else tx.next_id()
        item["createDate"] = old["createDate"] if old else now
        item["modifyDate"] = now
        item["adjustment"] = bool(item["adjustment"])
        item["options"] = item["options"] or []
        lines.append(item)
    order["items"] = lines


def _check_items(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
        raise HttpError(400, "items must be a list of objects")
    for index, item in enumerate(raw):
        if not is_int(item.get("quantity")) or item["quantity"] < 0:
            raise HttpError(400, f"items[{index}].quantity must be an integer >= 0")
        if not (item.get("sku") or item.get("lineItemKey") or item.get("name")):
            raise HttpError(400, f"items[{index}] needs a sku, lineItemKey or name")
        item.setdefault("sku", item.get("lineItemKey") or item.get("name"))
    return raw


def apply_v1(tx: Tx, payload: dict[str, Any], *, bulk: bool = False) -> tuple[Order, bool]:
    """createorder(s): create, or update the open order with this ``orderKey`` (confirmed upsert).

    Returns ``(order, created)``; a refused update or bad field raises a 400 ``HttpError``.
    """
    missing = [key for key in V1_REQUIRED if payload.get(key) in (None, "")]
    if missing:
        raise HttpError(400, f"The request is invalid: {', '.join(missing)} required.")
    status = payload["orderStatus"]
    if status not in V1_STATUSES:
        raise HttpError(400, f"orderStatus must be one of {', '.join(V1_STATUSES)}.")
    items = _check_items(payload.get("items"))
    parsed: dict[str, str | None] = {}
    for key in DATE_FIELDS:
        value = payload.get(key)
        try:
            parsed[key] = dates.stamp(dates.v1_parse(str(value))) if value else None
        except ValueError:
            raise HttpError(400, f"{key} is not a date: {value!r}") from None
    now = dates.stamp(dates.now())
    key = payload.get("orderKey") or None
    order = find_by_key(tx.account, key) if key else None
    created = order is None
    if order is None:
        order = new_order(tx, "v1", now)
        order["orderKey"] = key or f"ss-{order['orderId']}"
        tx.account["orders"].append(order)
    else:
        open_statuses = V1_BULK_UPDATABLE if bulk else V1_UPDATABLE
        if order["orderStatus"] not in open_statuses:
            raise HttpError(
                400,
                f"Order {order['orderNumber']!r} (orderKey {key!r}) is {order['orderStatus']} "
                "and can no longer be updated.",
            )
    order.update({field: copy.deepcopy(payload.get(field)) for field in ORDER_FIELDS})
    order.update(parsed)
    order["orderNumber"] = str(payload["orderNumber"])
    order["orderStatus"] = status
    order["billTo"], order["shipTo"] = address(payload["billTo"]), address(payload["shipTo"])
    order["advancedOptions"] = dict(order["advancedOptions"] or {})
    order["advancedOptions"].setdefault("storeId", manual_store_id(tx.account))
    set_items(tx, order, items, now)
    order["modifyDate"] = now
    return order, created


def manual_store_id(account: Account) -> int:
    """The storeId of the account's "Manual Orders" store."""
    return next(s["storeId"] for s in account["stores"] if s["custom"] is None)


def store_id(order: Order) -> int | None:
    """The storeId an order belongs to."""
    return (order.get("advancedOptions") or {}).get("storeId")


def find_by_key(account: Account, key: str) -> Order | None:
    """The active API order (not a custom-store one) with this ``orderKey``."""
    for order in account["orders"]:
        if order["active"] and order["source"] != "custom" and order["orderKey"] == key:
            return order
    return None


def find_order(account: Account, order_id: Any) -> Order | None:
    """An active order by ``orderId`` (int, digits or ``se-…``)."""
    text = str(order_id).removeprefix("se-")
    if not text.isdigit():
        return None
    return next((o for o in account["orders"] if o["active"] and o["orderId"] == int(text)), None)


def line_key(item: dict[str, Any]) -> str:
    """How a line is named in ``_label`` and on the page: its key, else its orderItemId."""
    return str(item.get("lineItemKey") or item["orderItemId"])


def shipped_quantities(account: Account, order: Order) -> dict[int, int]:
    """orderItemId → units on the order's active (not voided) labels."""
    shipped: dict[int, int] = {}
    for label in account["labels"]:
        if label["orderId"] == order["orderId"] and not label["voided"]:
            for item in label["items"]:
                shipped[item["orderItemId"]] = (
                    shipped.get(item["orderItemId"], 0) + item["quantity"]
                )
    return shipped


def remaining(account: Account, order: Order) -> dict[int, int]:
    """orderItemId → units still to ship (adjustment lines never ship)."""
    shipped = shipped_quantities(account, order)
    return {
        item["orderItemId"]: max(
            0, int(item["quantity"] or 0) - shipped.get(item["orderItemId"], 0)
        )
        for item in order["items"]
        if not item["adjustment"]
    }


def refresh_status(account: Account, order: Order, now: str) -> None:
    """After a label or a void: shipped once every line is, open again when a void undoes it."""
    left = remaining(account, order)
    has_labels = any(
        lb["orderId"] == order["orderId"] and not lb["voided"] for lb in account["labels"]
    )
    if has_labels and not any(left.values()):
        if order["orderStatus"] != SHIPPED_STATUS:
            order["orderStatus"] = SHIPPED_STATUS
            order["shipDate"] = dates.ship_day().isoformat()
    elif order["orderStatus"] == SHIPPED_STATUS and order["fulfillment"] is None:
        order["orderStatus"] = "awaiting_shipment"
        order["shipDate"] = None
    order["modifyDate"] = now


def order_total(order: Order) -> float:
    """Lines + shipping + tax, as V1 computes ``orderTotal``."""
    lines = sum(float(i["unitPrice"] or 0) * int(i["quantity"] or 0) for i in order["items"])
    extra = float(order["shippingAmount"] or 0) + float(order["taxAmount"] or 0)
    return round(lines + extra, 2)


def v1_order(order: Order) -> dict[str, Any]:
    """The V1 order object (``GET /orders/{id}``), dates in US Pacific time."""
    body: dict[str, Any] = {
        "orderId": order["orderId"],
        "orderNumber": order["orderNumber"],
        "orderKey": order["orderKey"],
        "orderDate": dates.v1_format(order["orderDate"]),
        "createDate": dates.v1_format(order["createDate"]),
        "modifyDate": dates.v1_format(order["modifyDate"]),
        "paymentDate": dates.v1_format(order["paymentDate"]),
        "shipByDate": dates.v1_format(order["shipByDate"]),
        "orderStatus": order["orderStatus"],
        "billTo": order["billTo"],
        "shipTo": order["shipTo"],
        "items": [
            {
                **{key: item[key] for key in ("orderItemId", *ITEM_FIELDS)},
                "createDate": dates.v1_format(item["createDate"]),
                "modifyDate": dates.v1_format(item["modifyDate"]),
            }
            for item in order["items"]
        ],
        "orderTotal": order_total(order),
        **{key: order[key] for key in ORDER_FIELDS},
        "holdUntilDate": dates.v1_format(order["holdUntilDate"]),
        "shipDate": order["shipDate"],
        "userId": None,
        "externallyFulfilled": False,
        "externallyFulfilledBy": None,
        "labelMessages": None,
    }
    return body


def v1_store(store: dict[str, Any]) -> dict[str, Any]:
    """A store as V1 ``GET /stores`` shows it (Pacific dates, no Custom Store settings)."""
    body = {key: value for key, value in store.items() if key != "custom"}
    for key in ("refreshDate", "lastRefreshAttempt", "createDate", "modifyDate"):
        body[key] = dates.v1_format(store[key])
    return body


def v1_warehouse(warehouse: dict[str, Any]) -> dict[str, Any]:
    """A warehouse as V1 ``GET /warehouses`` shows it."""
    return {**warehouse, "createDate": dates.v1_format(warehouse["createDate"])}
