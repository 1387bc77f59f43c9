"""A delivery note (or one shipment request of it) as a Webshipper order document.

Sent: the delivery address; each line's SKU, name (`description`), quantity, sale price
(`unit_price`) and weight per unit in grams. Not sent: volume (the seed says so).
"""

from __future__ import annotations

from collections.abc import Iterable

from delivery_notes.models import DeliveryNote, DeliveryNoteLine


def address(note: DeliveryNote) -> dict:
    return {
        key: value
        for key, value in {
            "att_contact": note.recipient_name,
            "company_name": note.recipient_company,
            "address_1": note.address_line1,
            "address_2": note.address_line2,
            "zip": note.postal_code,
            "city": note.city,
            "state": note.prefecture,
            "country_code": (note.country_code or "").upper(),
            "phone": note.phone,
            "email": note.email,
            "address_type": "recipient",
        }.items()
        if value
    }


def line_document(line: DeliveryNoteLine, quantity: int) -> dict:
    return {
        "ext_ref": str(line.pk),  # Hakobu's line id: how a parcel's lines are matched back
        "sku": line.sku,
        "description": line.name,
        "quantity": quantity,
        "unit_price": float(line.unit_price),
        "weight": line.weight_grams,
        "weight_unit": "g",
    }


def order_document(
    note: DeliveryNote,
    lines: Iterable[tuple[DeliveryNoteLine, int]],
    *,
    ext_ref: str,
    channel_id: str,
    rate_id: str,
) -> dict:
    """The `data` of POST /orders (also PATCH, without `ext_ref`)."""
    return {
        "type": "orders",
        "attributes": {
            "ext_ref": ext_ref,
            "visible_ref": note.number,
            "currency": note.currency,
            "delivery_address": address(note),
            "external_comment": note.customer_notes,
            "order_lines": [line_document(line, quantity) for line, quantity in lines],
        },
        "relationships": {
            "order_channel": {"data": {"type": "order_channels", "id": str(channel_id)}},
            "shipping_rate": {"data": {"type": "shipping_rates", "id": str(rate_id)}},
        },
    }
