"""The V2 view of the shared model: a V2 shipment is a V1 order, a V2 label a V1 shipment.

Turns a ``POST /v2/shipments`` entry into an order and orders/labels/warehouses into V2's
snake_case objects (``se-…`` ids, ISO UTC dates, ``{currency, amount}`` money).
"""

from __future__ import annotations

from typing import Any

from sandbox.shipstation import dates
from sandbox.shipstation.facts import (
    CARRIERS,
    CURRENCY,
    V2_DUPLICATE_MESSAGE,
    V2_ID_PREFIX,
    V2_STATUS_OF,
)
from sandbox.shipstation.orders import (
    Order,
    find_by_key,
    manual_store_id,
    new_order,
    set_items,
    store_id,
)
from sandbox.shipstation.state import Account, Tx

#: V1 address field → V2 address field.
ADDRESS_MAP = {
    "name": "name", "company": "company_name", "phone": "phone", "street1": "address_line1",
    "street2": "address_line2", "street3": "address_line3", "city": "city_locality",
    "state": "state_province", "postalCode": "postal_code", "country": "country_code",
}  # fmt: skip
SHIP_TO_REQUIRED = ("name", "address_line1", "city_locality", "postal_code", "country_code")
#: V2 create status → V1 order status.
CREATE_STATUSES = {
    "pending": "awaiting_shipment",
    "processing": "pending_fulfillment",
    "cancelled": "cancelled",
}


def se(number: int | None) -> str | None:
    """The V2 id of a V1 integer id (``se-<n>``)."""
    return None if number is None else f"{V2_ID_PREFIX}{number}"


def carrier_id(code: str) -> str | None:
    """Stable ``se-…`` id of a V1 carrier code (None for a carrier not connected, e.g. Other)."""
    codes = list(CARRIERS)
    return se(901 + codes.index(code)) if code in codes else None


def money(amount: Any, currency: str = CURRENCY) -> dict[str, Any] | None:
    """A V2 ``monetary_value`` (None stays None)."""
    return None if amount is None else {"currency": currency, "amount": float(amount)}


def v2_address(v1: dict[str, Any] | None) -> dict[str, Any] | None:
    """A V1 address in V2 field names."""
    if not v1:
        return None
    out: dict[str, Any] = {v2: v1.get(key) for key, v2 in ADDRESS_MAP.items()}
    residential = v1.get("residential")
    out["address_residential_indicator"] = (
        "unknown" if residential is None else ("yes" if residential else "no")
    )
    return out


def v1_address(v2: dict[str, Any]) -> dict[str, Any]:
    """A V2 address in V1 field names."""
    out: dict[str, Any] = {key: v2.get(name) for key, name in ADDRESS_MAP.items()}
    indicator = v2.get("address_residential_indicator")
    out["residential"] = {"yes": True, "no": False}.get(indicator)
    return out


def _amount(value: Any) -> Any:
    return value.get("amount") if isinstance(value, dict) else value


def _v1_item(raw: dict[str, Any]) -> dict[str, Any]:
    weight = raw.get("weight")
    if isinstance(weight, dict) and weight.get("unit"):
        weight = {"value": weight.get("value"), "units": f"{weight['unit']}s"}
    return {
        "lineItemKey": raw.get("external_order_item_id"),
        "sku": raw.get("sku") or raw.get("external_order_item_id") or raw.get("name"),
        "name": raw.get("name"),
        "imageUrl": raw.get("image_url"),
        "weight": weight,
        "quantity": raw.get("quantity"),
        "unitPrice": raw.get("unit_price"),
        "taxAmount": raw.get("tax_amount"),
        "shippingAmount": raw.get("shipping_amount"),
        "warehouseLocation": raw.get("inventory_location"),
        "options": raw.get("options") or [],
        "productId": raw.get("product_id"),
        "upc": raw.get("upc"),
    }


def check_entry(account: Account, entry: Any) -> list[str]:
    """Why one ``POST /v2/shipments`` entry cannot be created (empty = fine)."""
    if not isinstance(entry, dict):
        return ["Each shipment must be an object."]
    errors = []
    external = entry.get("external_shipment_id")
    if external is not None and (not isinstance(external, str) or len(external) > 50):
        errors.append("external_shipment_id must be a string of at most 50 characters.")
    elif external and find_by_key(account, external) is not None:
        errors.append(V2_DUPLICATE_MESSAGE.format(external))
    ship_to = entry.get("ship_to")
    if not isinstance(ship_to, dict):
        errors.append("ship_to is required.")
    else:
        errors += [
            f"ship_to.{key} is required." for key in SHIP_TO_REQUIRED if not ship_to.get(key)
        ]
    items = entry.get("items", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        errors.append("items must be a list of objects.")
    else:
        for index, item in enumerate(items):
            quantity = item.get("quantity")
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
                errors.append(f"items[{index}].quantity must be an integer >= 0.")
    if entry.get("shipment_status", "pending") not in CREATE_STATUSES:
        errors.append(f"shipment_status must be one of {', '.join(CREATE_STATUSES)}.")
    if entry.get("store_id") is not None and _store(account, entry["store_id"]) is None:
        errors.append(f"store_id {entry['store_id']!r} is not a store of this account.")
    if entry.get("warehouse_id") is not None and _warehouse(account, entry["warehouse_id"]) is None:
        errors.append(f"warehouse_id {entry['warehouse_id']!r} is not a warehouse of this account.")
    return errors


def _store(account: Account, value: Any) -> dict[str, Any] | None:
    text = str(value).removeprefix(V2_ID_PREFIX)
    return next((s for s in account["stores"] if str(s["storeId"]) == text), None)


def _warehouse(account: Account, value: Any) -> dict[str, Any] | None:
    text = str(value).removeprefix(V2_ID_PREFIX)
    return next((w for w in account["warehouses"] if str(w["warehouseId"]) == text), None)


def create_from_v2(tx: Tx, entry: dict[str, Any]) -> Order:
    """Store a checked ``POST /v2/shipments`` entry as an order."""
    now = dates.stamp(dates.now())
    order = new_order(tx, "v2", now)
    account = tx.account
    store = _store(account, entry["store_id"]) if entry.get("store_id") else None
    warehouse = _warehouse(account, entry["warehouse_id"]) if entry.get("warehouse_id") else None
    number = entry.get("shipment_number") or entry.get("external_shipment_id")
    order.update(
        orderKey=entry.get("external_shipment_id") or f"se-{order['orderId']}",
        orderNumber=str(number or order["orderId"]),
        orderStatus=CREATE_STATUSES[entry.get("shipment_status", "pending")],
        orderDate=now,
        shipTo=v1_address(entry["ship_to"]),
        billTo=v1_address(entry["ship_to"]),
        amountPaid=_amount(entry.get("amount_paid")),
        taxAmount=_amount(entry.get("tax_paid")),
        shippingAmount=_amount(entry.get("shipping_paid")),
        customerNotes=entry.get("notes_from_buyer"),
        giftMessage=entry.get("notes_for_gift"),
        gift=bool(entry.get("is_gift")),
        serviceCode=entry.get("service_code"),
        advancedOptions={
            "storeId": store["storeId"] if store else manual_store_id(account),
            "warehouseId": warehouse["warehouseId"] if warehouse else None,
        },
    )
    order["v2"] = {
        "ship_from": entry.get("ship_from"),
        "packages": entry.get("packages") or [],
        "external_order_id": entry.get("external_order_id"),
        "create_sales_order": bool(entry.get("create_sales_order")),
        "currency": (entry.get("amount_paid") or {}).get("currency", CURRENCY)
        if isinstance(entry.get("amount_paid"), dict)
        else CURRENCY,
    }
    set_items(tx, order, [_v1_item(i) for i in entry.get("items") or []], now)
    account["orders"].append(order)
    return order


def shipment_status(account: Account, order: Order) -> str:
    """The V2 ``shipment_status`` of an order (see ``facts.V2_STATUS_OF``)."""
    if order["orderStatus"] == "cancelled":
        return "cancelled"
    active = any(lb["orderId"] == order["orderId"] and not lb["voided"] for lb in account["labels"])
    return "label_purchased" if active else V2_STATUS_OF[order["orderStatus"]]


def v2_items(order: Order) -> list[dict[str, Any]]:
    """The order's lines as V2 ``shipment_item`` objects."""
    return [
        {
            "name": item.get("name"),
            "sales_order_id": None,
            "sales_order_item_id": None,
            "quantity": item.get("quantity"),
            "sku": item.get("sku"),
            "external_order_id": order["v2"].get("external_order_id"),
            "external_order_item_id": item.get("lineItemKey"),
            "image_url": item.get("imageUrl"),
            "unit_price": item.get("unitPrice"),
            "tax_amount": item.get("taxAmount"),
            "shipping_amount": item.get("shippingAmount"),
            "inventory_location": item.get("warehouseLocation"),
            "options": item.get("options") or [],
            "product_id": item.get("productId"),
            "upc": item.get("upc"),
        }
        for item in order["items"]
    ]


def v2_shipment(account: Account, order: Order) -> dict[str, Any]:
    """The V2 shipment object (``GET /v2/shipments/{id}``)."""
    options = order.get("advancedOptions") or {}
    warehouse = (
        _warehouse(account, options.get("warehouseId")) if options.get("warehouseId") else None
    )
    default = next(w for w in account["warehouses"] if w["isDefault"])
    ship_from = order["v2"].get("ship_from") or v2_address((warehouse or default)["originAddress"])
    currency = order["v2"].get("currency", CURRENCY)
    return {
        "shipment_id": se(order["orderId"]),
        "carrier_id": carrier_id(order.get("carrierCode") or ""),
        "service_code": order.get("serviceCode"),
        "external_order_id": order["v2"].get("external_order_id"),
        "hold_until_date": dates.v2_format(order.get("holdUntilDate")),
        "ship_by_date": dates.v2_format(order.get("shipByDate")),
        "store_id": se(store_id(order)),
        "items": v2_items(order),
        "notes_from_buyer": order.get("customerNotes"),
        "notes_for_gift": order.get("giftMessage"),
        "is_gift": bool(order.get("gift")),
        "amount_paid": money(order.get("amountPaid"), currency),
        "shipping_paid": money(order.get("shippingAmount"), currency),
        "tax_paid": money(order.get("taxAmount"), currency),
        "external_shipment_id": order["orderKey"],
        "shipment_number": order["orderNumber"],
        "ship_date": dates.day_v2(order.get("shipDate")),
        "created_at": dates.v2_format(order["createDate"]),
        "modified_at": dates.v2_format(order["modifyDate"]),
        "shipment_status": shipment_status(account, order),
        "ship_to": v2_address(order["shipTo"]),
        "ship_from": ship_from,
        "warehouse_id": se(options.get("warehouseId")),
        "return_to": ship_from,
        "is_return": False,
        "confirmation": "none",
        "customs": None,
        "advanced_options": {},
        "insurance_provider": "none",
        "tags": [],
        "packages": order["v2"].get("packages") or [],
        "total_weight": order.get("weight"),
    }


def v2_warehouse(warehouse: dict[str, Any]) -> dict[str, Any]:
    """A warehouse as V2 ``GET /v2/warehouses`` shows it."""
    return {
        "warehouse_id": se(warehouse["warehouseId"]),
        "is_default": warehouse["isDefault"],
        "name": warehouse["warehouseName"],
        "created_at": dates.v2_format(warehouse["createDate"]),
        "origin_address": v2_address(warehouse["originAddress"]),
        "return_address": v2_address(warehouse["returnAddress"]),
    }


def v2_label(
    account: Account, order: Order, label: dict[str, Any], base_url: str
) -> dict[str, Any]:
    """The V2 label object; ``items`` (the lines it shipped) is a sandbox addition (facts)."""
    origin = next(w for w in account["warehouses"] if w["warehouseId"] == label["warehouseId"])
    pdf = f"{base_url}/labels/{label['shipmentId']}.pdf"
    download = {"href": pdf, "pdf": pdf, "png": None, "zpl": None}
    cost = money(label["shipmentCost"])
    return {
        "label_id": se(label["shipmentId"]),
        "status": "voided" if label["voided"] else "completed",
        "shipment_id": se(order["orderId"]),
        "external_shipment_id": order["orderKey"],
        "ship_date": dates.day_v2(label["shipDate"]),
        "created_at": dates.v2_format(label["createDate"]),
        "shipment_cost": cost,
        "insurance_cost": money(label["insuranceCost"]),
        "tracking_number": label["trackingNumber"],
        "tracking_url": f"{base_url}/track/{label['trackingNumber']}",
        "is_return_label": False,
        "is_international": (order["shipTo"] or {}).get("country")
        != origin["originAddress"]["country"],
        "carrier_id": carrier_id(label["carrierCode"]),
        "carrier_code": label["carrierCode"],
        "service_code": label["serviceCode"],
        "package_code": label["packageCode"],
        "charge_event": "carrier_default",
        "test_label": bool(label.get("test")),
        "voided": label["voided"],
        "voided_at": dates.v2_format(label["voidDate"]),
        "label_format": "pdf",
        "display_scheme": "label",
        "label_layout": "4x6",
        "trackable": True,
        "confirmation": "none",
        "tracking_status": "in_transit",
        "label_download": download,
        "form_download": None,
        "packages": [
            {
                "package_code": label["packageCode"],
                "tracking_number": label["trackingNumber"],
                "label_download": download,
                "sequence": 1,
            }
        ],
        "items": [
            {
                "external_order_item_id": item["lineItemKey"],
                "sku": item["sku"],
                "name": item["name"],
                "quantity": item["quantity"],
            }
            for item in label["items"]
        ],
    }
