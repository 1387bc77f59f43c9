"""A delivery note as a V1 order (`POST /orders/createorder`) or a V2 shipment (`POST
/v2/shipments`).

The note is read through the Custom Store's `order_from_note` (integrations.shipstation.
custom_store.export), so the three routes agree on what ShipStation sees: the same names and
fallbacks, the same SKU for a line without one, the same customer code, CustomField1 = order
reference and CustomField2 = discount code. Each line goes out with its id as key (V1
`lineItemKey`, V2 `external_order_item_id`): shipments name the lines they ship by it.

Only the lengths ShipStation documents for its API are enforced (order number, key); any other
value too long for ShipStation is its validation error, shown on the note, not a silent cut.
Nothing here queries the database beyond `note.lines.all()` (prefetch it) and, without
`time_zone`, `note.brand` (V1 order date).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from integrations.shipstation import facts
from integrations.shipstation.api.clients import v1_id, v2_id
from integrations.shipstation.custom_store.export import (
    ExportItem,
    OrderForExport,
    Party,
    customer_code,
    cut,
    fallback_sku,
    order_from_note,
    text,
)

if TYPE_CHECKING:
    from delivery_notes.models import DeliveryNote, DeliveryNoteLine

_CENT = Decimal("0.01")
_PACIFIC = ZoneInfo(facts.V1_TIME_ZONE)


def check_key(key: str) -> str:
    """The idempotency key (`hakobu-<brand id>-<note id>`), refused when ShipStation would cut it."""
    if not key or len(key) > facts.ORDER_KEY_MAX:
        raise ValueError(f"an order key must be 1 to {facts.ORDER_KEY_MAX} characters: {key!r}")
    return key


def pacific(moment: datetime) -> str:
    """An instant as V1 writes dates: US Pacific wall time, `2015-06-29T08:46:27.0000000`."""
    return moment.astimezone(_PACIFIC).strftime(facts.V1_DATE_FORMAT)


def amount(value: Decimal | int | str | None) -> float:
    """A JSON number for an amount (JSON has no decimals; two places are kept exactly)."""
    return float(Decimal(value or 0).quantize(_CENT, rounding=ROUND_HALF_UP))


def _name(party: Party, fallback: str) -> tuple[str, str]:
    """(name, company): a name is required, so the company (or the note number) stands in."""
    name, company = text(party.name), text(party.company)
    if name:
        return name, company
    return (company, "") if company else (fallback, "")


def _sku(item: ExportItem) -> str:
    return text(item.sku) or fallback_sku(item.name, item.options)


def _options(item: ExportItem) -> list[dict[str, str]]:
    return [{"name": text(k), "value": text(v)} for k, v in item.options if text(k)]


def _shipped_items(order: OrderForExport) -> list[ExportItem]:
    """Lines with something to ship (a 0 quantity line is not an order item)."""
    return [item for item in order.items if item.quantity > 0]


def _total_weight(note: DeliveryNote, order: OrderForExport) -> int:
    """The note's total weight in grams, else the sum of its lines' weights."""
    if note.total_weight_grams:
        return int(note.total_weight_grams)
    return sum((item.weight_grams or 0) * item.quantity for item in order.items)


# --- V1 -----------------------------------------------------------------------------------------


def _v1_address(party: Party, fallback: str) -> dict[str, Any]:
    name, company = _name(party, fallback)
    return {
        "name": name,
        "company": company or None,
        "street1": text(party.address1),
        "street2": text(party.address2) or None,
        "city": text(party.city),
        "state": text(party.state) or None,
        "postalCode": text(party.postal_code),
        "country": text(party.country).upper(),
        "phone": text(party.phone) or None,
        "residential": None,
    }


def _v1_item(item: ExportItem) -> dict[str, Any]:
    body: dict[str, Any] = {
        "lineItemKey": item.line_item_id,
        "sku": _sku(item),
        "name": text(item.name) or _sku(item),
        "imageUrl": text(item.image_url) or None,
        "quantity": item.quantity,
        "unitPrice": amount(item.unit_price),
        "warehouseLocation": text(item.location) or None,
        "options": _options(item),
        "adjustment": False,
    }
    if item.weight_grams:
        body["weight"] = {"value": int(item.weight_grams), "units": facts.V1_WEIGHT_UNITS}
    return body


def v1_order(
    note: DeliveryNote,
    *,
    key: str,
    status: str = facts.V1_OPEN_STATUS,
    store_id: str = "",
    warehouse_id: str = "",
    time_zone: str | None = None,
    lines: Iterable[DeliveryNoteLine] | None = None,
) -> dict[str, Any]:
    """The whole createorder body (V1 never updates part of an order).

    `status` is `awaiting_shipment` (or a status ShipStation holds the order in, kept on a
    re-send) or `cancelled`. `store_id` / `warehouse_id` in either id form; empty = ShipStation's
    default ("Manual Orders", the default ship-from location). `time_zone` is the brand's (for
    the order date of a back-dated note); without it `note.brand.time_zone` is read.
    """
    order = order_from_note(note, time_zone=time_zone, lines=lines)
    number = cut(text(order.order_number), facts.ORDER_NUMBER_MAX) or str(note.pk)
    email = text(note.email)
    advanced: dict[str, Any] = {
        "storeId": v1_id(store_id),
        "warehouseId": v1_id(warehouse_id),
        "source": facts.ORDER_SOURCE,
    }
    for index, value in enumerate(order.custom_fields, start=1):
        advanced[f"customField{index}"] = cut(text(value), facts.CUSTOM_FIELD_MAX) or None
    body: dict[str, Any] = {
        "orderNumber": number,
        "orderKey": check_key(key),
        "orderDate": pacific(order.order_date),
        "orderStatus": status,
        "customerUsername": customer_code(order.customer_code, order.ship_to, order.order_id),
        "customerEmail": email or None,
        "billTo": _v1_address(order.bill_to or order.ship_to, number),
        "shipTo": _v1_address(order.ship_to, number),
        "items": [_v1_item(item) for item in _shipped_items(order)],
        "amountPaid": amount(order.order_total),
        "shippingAmount": 0.0,
        "customerNotes": text(order.customer_notes) or None,
        "internalNotes": text(order.internal_notes) or None,
        "gift": order.gift,
        "giftMessage": text(order.gift_message) or None,
        "paymentMethod": text(order.payment_method) or None,
        "requestedShippingService": text(order.shipping_method) or None,
        "advancedOptions": {k: v for k, v in advanced.items() if v is not None},
    }
    weight = _total_weight(note, order)
    if weight:
        body["weight"] = {"value": weight, "units": facts.V1_WEIGHT_UNITS}
    return body


# --- V2 -----------------------------------------------------------------------------------------


def _money(value: Decimal | int | str | None, currency: str) -> dict[str, Any]:
    return {"currency": currency, "amount": amount(value)}


def _v2_address(party: Party, fallback: str, email: str) -> dict[str, Any]:
    name, company = _name(party, fallback)
    return {
        "name": name,
        "company_name": company or None,
        "phone": text(party.phone),
        "email": email or None,
        "address_line1": text(party.address1),
        "address_line2": text(party.address2) or None,
        "city_locality": text(party.city),
        "state_province": text(party.state),
        "postal_code": text(party.postal_code),
        "country_code": text(party.country).upper(),
        "address_residential_indicator": facts.V2_RESIDENTIAL_UNKNOWN,
    }


def _v2_item(item: ExportItem) -> dict[str, Any]:
    body: dict[str, Any] = {
        facts.V2_LINE_KEY: item.line_item_id,
        "sku": _sku(item),
        "name": text(item.name) or _sku(item),
        "quantity": item.quantity,
        "unit_price": amount(item.unit_price),
        "image_url": text(item.image_url) or None,
        "inventory_location": text(item.location) or None,
        "options": _options(item),
    }
    if item.weight_grams:
        body["weight"] = {"value": int(item.weight_grams), "unit": facts.V2_WEIGHT_UNIT}
    return body


def v2_shipment(
    note: DeliveryNote,
    *,
    key: str,
    store_id: str = "",
    warehouse_id: str = "",
    lines: Iterable[DeliveryNoteLine] | None = None,
) -> dict[str, Any]:
    """One entry of `POST /v2/shipments`: a shipment (= a V1/UI order) ShipStation shows as
    an order (`create_sales_order`), shipped from `warehouse_id` (empty = the default one).

    V2 has no internal-notes or requested-service field on create: those stay in Hakobu.
    """
    order = order_from_note(note, time_zone="UTC", lines=lines)  # V2 takes no order date
    number = cut(text(order.order_number), facts.ORDER_NUMBER_MAX) or str(note.pk)
    currency = text(order.currency).lower() or "jpy"
    body: dict[str, Any] = {
        "external_shipment_id": check_key(key),
        "shipment_number": number,
        "create_sales_order": True,
        "ship_to": _v2_address(order.ship_to, number, text(note.email)),
        "items": [_v2_item(item) for item in _shipped_items(order)],
        "amount_paid": _money(order.order_total, currency),
        "shipping_paid": _money(0, currency),
        "is_gift": order.gift,
        "notes_for_gift": text(order.gift_message) or None,
        "notes_from_buyer": text(order.customer_notes) or None,
    }
    if v2_id(warehouse_id):
        body["warehouse_id"] = v2_id(warehouse_id)
    if text(store_id):
        body["store_id"] = text(store_id)
    weight = _total_weight(note, order)
    if weight:
        body["packages"] = [{"weight": {"value": weight, "unit": facts.V2_WEIGHT_UNIT}}]
    return body
