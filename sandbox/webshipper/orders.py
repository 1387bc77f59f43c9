"""Orders and shipments of the Webshipper emulator: validation, dispatching (whole or by lines).

Functions take an account's document (inside a state write) and return JSON:API resources.
"""

from __future__ import annotations

import random
from typing import Any

from sandbox.common.web import HttpError
from sandbox.webshipper.facts import CARRIERS, ORDER_STATUSES
from sandbox.webshipper.state import WebshipperState, now_iso

ORDER_ATTRIBUTES = (
    "ext_ref",
    "visible_ref",
    "currency",
    "delivery_address",
    "billing_address",
    "sender_address",
    "sold_from_address",
    "external_comment",
    "internal_comment",
    "original_shipping",
    "drop_point",
    "tags",
)
LINE_KEYS = (
    "ext_ref",
    "sku",
    "description",
    "quantity",
    "unit_price",
    "vat_percent",
    "weight",
    "weight_unit",
    "location",
    "tarif_number",
    "country_of_origin",
)
WEIGHT_UNITS = ("g", "kg", "oz", "lbs")


def invalid(detail: str, pointer: str) -> HttpError:
    """A 422 with one JSON:API error (`title` + `detail`)."""
    return HttpError(
        422,
        detail,
        code="422",
        details=[
            {
                "status": "422",
                "title": "Validation failed",
                "detail": detail,
                "source": {"pointer": pointer},
            }
        ],
    )


def _rel_id(data: dict[str, Any], name: str) -> int | None:
    rel = ((data.get("relationships") or {}).get(name) or {}).get("data")
    if not rel:
        return None
    try:
        return int(rel.get("id"))
    except (TypeError, ValueError):
        raise invalid(f"{name} id is not valid", f"/data/relationships/{name}") from None


def find_order(doc: dict[str, Any], order_id: int | str) -> dict[str, Any]:
    for order in doc["orders"]:
        if order["id"] == str(order_id) and not order.get("deleted"):
            return order
    raise HttpError(404, "Order not found", code="404")


def _lines(raw: Any, doc: dict[str, Any], state: WebshipperState) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise invalid("order_lines must have at least one line", "/data/attributes/order_lines")
    lines = []
    for index, item in enumerate(raw):
        pointer = f"/data/attributes/order_lines/{index}"
        if not isinstance(item, dict) or not str(item.get("description") or "").strip():
            raise invalid("description can't be blank", f"{pointer}/description")
        quantity = item.get("quantity")
        if not isinstance(quantity, int | float) or quantity <= 0:
            raise invalid("quantity must be greater than 0", f"{pointer}/quantity")
        unit = item.get("weight_unit") or "g"
        if unit not in WEIGHT_UNITS:
            raise invalid(
                f"weight_unit must be one of {', '.join(WEIGHT_UNITS)}", f"{pointer}/weight_unit"
            )
        line = {key: item.get(key) for key in LINE_KEYS if key in item}
        line.update(
            {
                "id": state.next_id(doc),
                "weight_unit": unit,
                "status": "pending",
                "quantity": int(quantity),
            }
        )
        lines.append(line)
    return lines


def _check_address(address: Any) -> None:
    if not isinstance(address, dict):
        raise invalid("delivery_address can't be blank", "/data/attributes/delivery_address")
    if not (address.get("att_contact") or address.get("company_name")):
        raise invalid(
            "att_contact or company_name must be present",
            "/data/attributes/delivery_address/att_contact",
        )
    country = address.get("country_code") or ""
    if len(country) != 2 or not country.isalpha():
        raise invalid(
            "country_code is not a valid ISO 3166-1 alpha-2 code",
            "/data/attributes/delivery_address/country_code",
        )


def create_order(
    doc: dict[str, Any], state: WebshipperState, data: dict[str, Any], *, source: str = "api"
) -> dict[str, Any]:
    attributes = data.get("attributes") or {}
    channel_id = _rel_id(data, "order_channel")
    if channel_id is None or not any(c["id"] == channel_id for c in doc["channels"]):
        raise invalid("order_channel must exist", "/data/relationships/order_channel")
    ext_ref = attributes.get("ext_ref")
    if ext_ref and any(
        o["attributes"].get("ext_ref") == ext_ref
        and o["channel_id"] == channel_id
        and not o.get("deleted")
        for o in doc["orders"]
    ):
        raise invalid("ext_ref has already been taken", "/data/attributes/ext_ref")
    _check_address(attributes.get("delivery_address"))
    rate_id = _rel_id(data, "shipping_rate")
    if rate_id is not None and not any(
        r["id"] == rate_id and r["order_channel_id"] == channel_id for r in doc["rates"]
    ):
        raise invalid(
            "shipping_rate does not belong to the order channel",
            "/data/relationships/shipping_rate",
        )
    order_id = state.next_id(doc)
    stamp = now_iso()
    order = {
        "id": str(order_id),
        "channel_id": channel_id,
        "rate_id": rate_id,
        "attributes": {
            **{key: attributes.get(key) for key in ORDER_ATTRIBUTES if key in attributes},
            "visible_ref": attributes.get("visible_ref") or f"WS-{1000 + order_id}",
            "order_lines": _lines(attributes.get("order_lines"), doc, state),
            "status": "pending" if rate_id else "missing_rate",
            "source": source,
            "created_at": stamp,
            "updated_at": stamp,
        },
    }
    doc["orders"].append(order)
    state.emit(doc, "order/created", order_resource(order))
    return order


def update_order(
    doc: dict[str, Any], state: WebshipperState, order: dict[str, Any], data: dict[str, Any]
) -> None:
    attributes = data.get("attributes") or {}
    current = order["attributes"]["status"]
    wanted = attributes.get("status")
    if wanted is not None and wanted not in ORDER_STATUSES:
        raise invalid("status is not included in the list", "/data/attributes/status")
    if current in ("dispatched", "cancelled"):
        raise invalid(
            f"an order that is {current} can no longer be changed", "/data/attributes/status"
        )
    if wanted == "dispatched":
        for line in order["attributes"]["order_lines"]:
            line["status"] = "dispatched"
    if "delivery_address" in attributes:
        _check_address(attributes["delivery_address"])
    if "order_lines" in attributes:
        if current == "partly_dispatched":
            raise invalid(
                "lines of a partly dispatched order can no longer be changed",
                "/data/attributes/order_lines",
            )
        order["attributes"]["order_lines"] = _lines(attributes["order_lines"], doc, state)
    for key in ORDER_ATTRIBUTES:
        if key in attributes and key != "ext_ref":
            order["attributes"][key] = attributes[key]
    if "shipping_rate" in (data.get("relationships") or {}):
        rate_id = _rel_id(data, "shipping_rate")
        if rate_id is not None and not any(
            r["id"] == rate_id and r["order_channel_id"] == order["channel_id"]
            for r in doc["rates"]
        ):
            raise invalid(
                "shipping_rate does not belong to the order channel",
                "/data/relationships/shipping_rate",
            )
        order["rate_id"] = rate_id
        if order["attributes"]["status"] == "missing_rate" and rate_id:
            order["attributes"]["status"] = "pending"
    if wanted:
        order["attributes"]["status"] = wanted
    order["attributes"]["updated_at"] = now_iso()
    state.emit(doc, "order/updated", order_resource(order))


def delete_order(doc: dict[str, Any], state: WebshipperState, order: dict[str, Any]) -> None:
    if order["attributes"]["status"] in ("dispatched", "partly_dispatched"):
        raise invalid("a dispatched order cannot be deleted", "/data/attributes/status")
    order["deleted"] = True
    order["attributes"]["updated_at"] = now_iso()
    state.emit(doc, "order/deleted", order_resource(order))


def order_resource(order: dict[str, Any]) -> dict[str, Any]:
    rate = {"type": "shipping_rates", "id": str(order["rate_id"])} if order["rate_id"] else None
    return {
        "id": order["id"],
        "type": "orders",
        "attributes": order["attributes"],
        "relationships": {
            "order_channel": {"data": {"type": "order_channels", "id": str(order["channel_id"])}},
            "shipping_rate": {"data": rate},
        },
    }


def dispatched_quantities(doc: dict[str, Any], order_id: str) -> dict[int, int]:
    shipped: dict[int, int] = {}
    for shipment in doc["shipments"]:
        if shipment["order_id"] != order_id:
            continue
        for package in shipment["attributes"]["packages"]:
            for line in package["order_lines"]:
                shipped[line["id"]] = shipped.get(line["id"], 0) + line["quantity"]
    return shipped


def dispatch(
    doc: dict[str, Any],
    state: WebshipperState,
    order: dict[str, Any],
    lines: dict[int, int] | None = None,
) -> dict[str, Any]:
    """Ship some (`lines`: line id → quantity) or all remaining lines in one parcel."""
    if order["attributes"]["status"] in ("dispatched", "cancelled"):
        raise HttpError(409, f"The order is {order['attributes']['status']}", code="409")
    shipped = dispatched_quantities(doc, order["id"])
    packed = []
    for line in order["attributes"]["order_lines"]:
        left = line["quantity"] - shipped.get(line["id"], 0)
        quantity = left if lines is None else min(left, int(lines.get(line["id"], 0)))
        if quantity > 0:
            packed.append(
                {
                    "id": line["id"],
                    "ext_ref": line.get("ext_ref"),
                    "sku": line.get("sku"),
                    "quantity": quantity,
                }
            )
            shipped[line["id"]] = shipped.get(line["id"], 0) + quantity
    if not packed:
        raise HttpError(409, "Nothing left to dispatch for these lines", code="409")
    rate = next((r for r in doc["rates"] if r["id"] == order["rate_id"]), None)
    carrier = next((c for c in CARRIERS if rate and c[0] == rate["carrier_id"]), CARRIERS[0])
    number = "".join(random.choice("0123456789") for _ in range(18))
    weight = sum(
        int(float(line.get("weight") or 0)) * p["quantity"]
        for p in packed
        for line in order["attributes"]["order_lines"]
        if line["id"] == p["id"]
    )
    stamp = now_iso()
    shipment = {
        "id": str(state.next_id(doc)),
        "order_id": order["id"],
        "attributes": {
            "reference": order["attributes"]["visible_ref"],
            "ext_ref": f"CARRIER-{number[-8:]}",
            "test_mode": False,
            "is_return": False,
            "status": "created",
            "carrier_id": carrier[0],
            "carrier_type_name": carrier[1],
            "carrier_alias": carrier[2],
            "service_code": (rate or {}).get("name", ""),
            "tracking_links": [{"number": number, "url": carrier[3].format(number=number)}],
            "packages": [{"weight": weight, "weight_unit": "g", "order_lines": packed}],
            "delivery_address": order["attributes"].get("delivery_address"),
            "created_at": stamp,
            "updated_at": stamp,
        },
    }
    doc["shipments"].append(shipment)
    for line in order["attributes"]["order_lines"]:
        if shipped.get(line["id"], 0) >= line["quantity"]:
            line["status"] = "dispatched"
    done = all(line["status"] == "dispatched" for line in order["attributes"]["order_lines"])
    order["attributes"]["status"] = "dispatched" if done else "partly_dispatched"
    order["attributes"]["updated_at"] = stamp
    state.emit(doc, "shipment/created", shipment_resource(shipment))
    state.emit(doc, "order/updated", order_resource(order))
    return shipment


def shipment_resource(shipment: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": shipment["id"],
        "type": "shipments",
        "attributes": shipment["attributes"],
        "relationships": {"order": {"data": {"type": "orders", "id": shipment["order_id"]}}},
    }
