"""Labels (V1 "shipments", V2 "labels"): making one for a whole order or chosen line quantities,
voiding it, and its V1 shape. State keeps ``shipmentId``, ``orderId``, ``createDate``,
``shipDate``, ``trackingNumber``, ``carrierCode``, ``serviceCode``, ``shipmentCost``,
``voided``/``voidDate``, ``items`` [{orderItemId, lineItemKey, sku, name, quantity}] and, for a
custom-store order, ``notice`` (the ship notice sent and what the store answered).
"""

from __future__ import annotations

from typing import Any

from sandbox.common.web import HttpError, is_int
from sandbox.shipstation import dates
from sandbox.shipstation.facts import (
    DEFAULT_CARRIER,
    DEFAULT_SERVICE,
    LABEL_COST_BASE,
    LABEL_COST_PER_UNIT,
    TRACKING_DIGITS,
)
from sandbox.shipstation.orders import Order, line_key, refresh_status, remaining, store_id
from sandbox.shipstation.state import Account, Tx

Label = dict[str, Any]


def tracking_number(serial: int) -> str:
    """A unique 12-digit number: the serial, zero-padded, plus a mod-7 check digit."""
    body = f"{serial % 10 ** (TRACKING_DIGITS - 1):0{TRACKING_DIGITS - 1}d}"
    return body + str(int(body) % 7)


def resolve_lines(account: Account, order: Order, lines: Any) -> dict[int, int]:
    """``{"<line key>": qty}`` → ``{orderItemId: qty}``; None = everything still to ship.

    A key is a line's LineItemID/lineItemKey, its orderItemId, or its SKU when unique.
    """
    left = remaining(account, order)
    if lines is None:
        chosen = {item_id: qty for item_id, qty in left.items() if qty > 0}
        if not chosen:
            raise HttpError(400, f"Order {order['orderNumber']} has nothing left to ship.")
        return chosen
    if not isinstance(lines, dict) or not lines:
        raise HttpError(400, 'lines must be an object such as {"<line key>": 2}')
    chosen: dict[int, int] = {}
    for key, qty in lines.items():
        item = _line(order, str(key))
        if item is None:
            known = ", ".join(line_key(i) for i in order["items"])
            raise HttpError(400, f"No line {key!r} on order {order['orderNumber']} ({known}).")
        if not is_int(qty) or qty < 0:
            raise HttpError(400, f"Quantity for line {key!r} must be an integer >= 0.")
        if item["adjustment"]:
            raise HttpError(400, f"Line {key!r} is an adjustment (coupon) line; it never ships.")
        if qty > left[item["orderItemId"]]:
            raise HttpError(
                400, f"Line {key!r}: {qty} asked, only {left[item['orderItemId']]} left to ship."
            )
        if qty:
            chosen[item["orderItemId"]] = chosen.get(item["orderItemId"], 0) + qty
    if not chosen:
        raise HttpError(400, "Choose at least one unit to ship.")
    return chosen


def _line(order: Order, key: str) -> dict[str, Any] | None:
    for item in order["items"]:
        if key in (str(item.get("lineItemKey") or ""), str(item["orderItemId"])):
            return item
    by_sku = [item for item in order["items"] if item.get("sku") == key]
    return by_sku[0] if len(by_sku) == 1 else None


def make_label(
    tx: Tx,
    order: Order,
    lines: Any = None,
    *,
    tracking: str | None = None,
    carrier: str | None = None,
    service: str | None = None,
) -> Label:
    """Create a label for the chosen quantities and update the order's status."""
    if order["orderStatus"] == "cancelled":
        raise HttpError(400, f"Order {order['orderNumber']} is cancelled.")
    chosen = resolve_lines(tx.account, order, lines)
    now = dates.stamp(dates.now())
    shipment_id = tx.next_id()
    items = [
        {
            "orderItemId": item["orderItemId"],
            "lineItemKey": item.get("lineItemKey"),
            "sku": item.get("sku"),
            "name": item.get("name"),
            "quantity": chosen[item["orderItemId"]],
        }
        for item in order["items"]
        if item["orderItemId"] in chosen
    ]
    units = sum(chosen.values())
    default_warehouse = next(w for w in tx.account["warehouses"] if w["isDefault"])
    label: Label = {
        "shipmentId": shipment_id,
        "orderId": order["orderId"],
        "createDate": now,
        "shipDate": dates.ship_day().isoformat(),
        "trackingNumber": tracking or tracking_number(shipment_id),
        "carrierCode": carrier or order.get("carrierCode") or DEFAULT_CARRIER,
        "serviceCode": service
        if service is not None
        else order.get("serviceCode") or DEFAULT_SERVICE,
        "packageCode": "package",
        "shipmentCost": round(LABEL_COST_BASE + LABEL_COST_PER_UNIT * units, 2),
        "insuranceCost": 0.0,
        "warehouseId": (order.get("advancedOptions") or {}).get("warehouseId")
        or default_warehouse["warehouseId"],
        "voided": False,
        "voidDate": None,
        "items": items,
        "notice": None,
    }
    tx.account["labels"].append(label)
    refresh_status(tx.account, order, now)
    return label


def label_lines(order: Order, label: Label) -> list[str]:
    """The text printed on a label's PDF: carrier, service, order, tracking number, lines."""
    ship_to = order["shipTo"] or {}
    return [
        "ShipStation SANDBOX - NOT A REAL LABEL"
        + ("  [VOIDED]" * label["voided"])
        + ("  [TEST LABEL]" * bool(label.get("test"))),
        f"{label['carrierCode']} / {label['serviceCode'] or '-'}",
        f"Order {order['orderNumber']}   Ship date {label['shipDate']}",
        f"Tracking: {label['trackingNumber']}",
        *(f"  {i['sku']} x {i['quantity']}" for i in label["items"]),
        f"To: {ship_to.get('name') or ''} {ship_to.get('postalCode') or ''} "
        f"{ship_to.get('country') or ''}",
        "(non-Latin characters print as ?)",
    ]


def find_label(account: Account, label_id: Any) -> Label | None:
    """A label by shipmentId (int, digits or ``se-…``)."""
    text = str(label_id).removeprefix("se-")
    if not text.isdigit():
        return None
    return next((lb for lb in account["labels"] if lb["shipmentId"] == int(text)), None)


def void_label(tx: Tx, label: Label) -> Label:
    """Void a label; its order re-opens when it no longer ships every line."""
    if label["voided"]:
        raise HttpError(400, f"Label {label['shipmentId']} is already voided.")
    now = dates.stamp(dates.now())
    label["voided"], label["voidDate"] = True, now
    order = next(o for o in tx.account["orders"] if o["orderId"] == label["orderId"])
    refresh_status(tx.account, order, now)
    return label


def v1_shipment(order: Order, label: Label, include_items: bool) -> dict[str, Any]:
    """The V1 ``/shipments`` object (dates US Pacific; ``shipmentItems`` null unless asked)."""
    notice = label["notice"]
    return {
        "shipmentId": label["shipmentId"],
        "orderId": order["orderId"],
        "orderKey": order["orderKey"],
        "userId": None,
        "customerEmail": order.get("customerEmail"),
        "orderNumber": order["orderNumber"],
        "createDate": dates.v1_format(label["createDate"]),
        "shipDate": label["shipDate"],
        "shipmentCost": label["shipmentCost"],
        "insuranceCost": label["insuranceCost"],
        "trackingNumber": label["trackingNumber"],
        "isReturnLabel": False,
        "batchNumber": None,
        "carrierCode": label["carrierCode"],
        "serviceCode": label["serviceCode"],
        "packageCode": label["packageCode"],
        "confirmation": "none",
        "warehouseId": label["warehouseId"],
        "voided": label["voided"],
        "voidDate": dates.v1_format(label["voidDate"]),
        "marketplaceNotified": bool(notice and notice.get("ok")),
        "notifyErrorMessage": notice.get("error") if notice else None,
        "shipTo": order["shipTo"],
        "weight": order.get("weight"),
        "dimensions": order.get("dimensions"),
        "insuranceOptions": None,
        "advancedOptions": {
            "storeId": store_id(order),
            "customField1": (order.get("advancedOptions") or {}).get("customField1"),
        },
        "shipmentItems": [
            {**item, "imageUrl": None, "weight": None, "unitPrice": None} for item in label["items"]
        ]
        if include_items
        else None,
        "labelData": None,
        "formData": None,
    }
