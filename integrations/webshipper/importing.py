"""Webshipper → Hakobu: the channel's orders become delivery notes.

A note's number is the order's `visible_ref` (with the Webshipper id added if the brand already
uses that number), and the note keeps the Webshipper id (PlatformOrder, route Pulled), so it is
never sent back. Missing customers and products are created in the catalogue. An order updated
in Webshipper updates its note while the note is open; a cancelled order cancels it. Its
shipments (dispatched, partly dispatched) are recorded by the shared sync runner.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from delivery_notes.models import DeliveryNote, DeliveryNoteLine
from delivery_notes.services import NoteNotCancellable, cancel_note, log_activity
from integrations.listing import ListingReader, Window
from integrations.models import Integration, PlatformOrder
from integrations.webshipper import WEBSHIPPER, facts
from integrations.webshipper.catalogue_link import ensure_customer, ensure_product
from integrations.webshipper.client import WebshipperClient, relationship_id
from integrations.webshipper.shipments import parse_time, window_params

logger = logging.getLogger(__name__)

#: Each poll re-reads this much before its cursor (late-visible updates are not missed).
OVERLAP = timedelta(minutes=30)


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value or 0)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return Decimal("0")


def _grams(line: dict) -> int:
    unit = facts.WEIGHT_UNITS.get(str(line.get("weight_unit") or "g"), 1.0)
    try:
        return max(0, round(float(line.get("weight") or 0) * unit))
    except (TypeError, ValueError):
        return 0


def note_fields(attributes: dict) -> dict:
    address = attributes.get("delivery_address") or {}
    return {
        "recipient_company": str(address.get("company_name") or "")[:200],
        "recipient_name": str(address.get("att_contact") or "")[:200],
        "address_line1": str(address.get("address_1") or "")[:200],
        "address_line2": str(address.get("address_2") or "")[:200],
        "postal_code": str(address.get("zip") or "")[:20],
        "city": str(address.get("city") or "")[:100],
        "prefecture": str(address.get("state") or "")[:100],
        "country_code": str(address.get("country_code") or "DK")[:2].upper(),
        "phone": str(address.get("phone") or "")[:40],
        "email": str(address.get("email") or "")[:254],
        "currency": str(attributes.get("currency") or "DKK")[:3],
        "customer_notes": str(attributes.get("external_comment") or ""),
    }


def line_fields(line: dict) -> dict:
    return {
        "sku": str(line.get("sku") or "")[:100],
        "name": str(line.get("description") or line.get("sku") or "-")[:300],
        "quantity": max(1, int(float(line.get("quantity") or 1))),
        "unit_price": _decimal(line.get("unit_price")),
        "weight_grams": _grams(line),
    }


def _number(visible_ref: str, order_id: str) -> str:
    number = (visible_ref or f"WS-{order_id}")[:50]
    if DeliveryNote.objects.filter(number=number).exists():
        number = f"{number}-WS{order_id}"[:50]
    return number


def _catalogue(integration: Integration, fields: dict, lines: list[dict]) -> tuple[Any, dict]:
    """(the customer, {SKU: product}) found or created in the brand's catalogue."""
    brand = integration.brand
    products = {
        line["sku"]: ensure_product(
            brand,
            sku=line["sku"],
            name=line["name"],
            unit_price=line["unit_price"],
            currency=fields["currency"],
            weight_grams=line["weight_grams"],
        )
        for line in lines
        if line["sku"]
    }
    customer = ensure_customer(
        brand,
        code="",
        email=fields["email"],
        person={
            "company": fields["recipient_company"],
            "contact_name": fields["recipient_name"],
            "phone": fields["phone"],
        },
        address={
            key: fields[key]
            for key in (
                "recipient_company",
                "recipient_name",
                "postal_code",
                "prefecture",
                "city",
                "address_line1",
                "address_line2",
                "country_code",
                "phone",
            )
        },
    )
    return customer, products


def import_order(integration: Integration, order: dict) -> DeliveryNote | None:
    """Create or update the note of one Webshipper order; None when it is not Hakobu's to take."""
    order_id = str(order.get("id") or "")
    attributes = order.get("attributes") or {}
    settings = integration.webshipper
    if not order_id or relationship_id(order, "order_channel") != str(settings.order_channel_id):
        return None
    known = PlatformOrder.objects.filter(platform=WEBSHIPPER, external_id=order_id).first()
    if known is not None and known.route == PlatformOrder.Route.PUSHED:
        return None  # an order Hakobu itself sent (before the direction changed)
    created_at = parse_time(attributes.get("created_at"))
    if (
        known is None
        and settings.direction_since
        and created_at
        and created_at < settings.direction_since
    ):
        return None  # history from before this direction: never imported
    lines = [
        line_fields(line) for line in attributes.get("order_lines") or [] if isinstance(line, dict)
    ]
    fields = note_fields(attributes)
    with transaction.atomic():
        if known is not None:
            note = DeliveryNote.objects.select_for_update().get(pk=known.note_id)
            if attributes.get("status") == facts.CANCELLED:
                with contextlib.suppress(NoteNotCancellable):
                    cancel_note(note)
            elif note.is_open and not note.shipments.exists():
                _update(note, fields, lines)
            return note
        if attributes.get("status") == facts.CANCELLED or not lines:
            return None
        customer, products = _catalogue(integration, fields, lines)
        note = DeliveryNote.objects.create(
            brand=integration.brand,
            number=_number(str(attributes.get("visible_ref") or ""), order_id),
            order_reference=str(attributes.get("visible_ref") or "")[:100],
            customer=customer,
            **fields,
        )
        DeliveryNoteLine.objects.bulk_create(
            DeliveryNoteLine(
                brand=integration.brand,
                note=note,
                position=i,
                product=products.get(line["sku"]),
                **line,
            )
            for i, line in enumerate(lines)
        )
        PlatformOrder.objects.create(
            brand=integration.brand,
            note=note,
            platform=WEBSHIPPER,
            route=PlatformOrder.Route.PULLED,
            external_id=order_id,
        )
        log_activity(note, "created", platform=WEBSHIPPER)
    return note


def _update(note: DeliveryNote, fields: dict, lines: list[dict]) -> None:
    changed = [name for name, value in fields.items() if getattr(note, name) != value]
    for name in changed:
        setattr(note, name, fields[name])
    current = [line_fields_of(line) for line in note.lines.all()]
    if current != lines:
        note.lines.all().delete()
        DeliveryNoteLine.objects.bulk_create(
            DeliveryNoteLine(brand_id=note.brand_id, note=note, position=i, **line)
            for i, line in enumerate(lines)
        )
        changed.append("lines")
    if changed:
        note.save()
        log_activity(note, "edited", platform=WEBSHIPPER, data={"fields": changed})


def line_fields_of(line: DeliveryNoteLine) -> dict:
    return {
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "weight_grams": line.weight_grams,
    }


@dataclass(frozen=True)
class _Seen:
    """What the pull engine needs of an order: its id, and the moment its window is about."""

    external_id: str
    created_at: datetime


def _seen(order: Any) -> _Seen:
    from integrations.records import MalformedShipment

    stamp = (
        parse_time((order.get("attributes") or {}).get("updated_at"))
        if isinstance(order, dict)
        else None
    )
    if stamp is None or not order.get("id"):
        raise MalformedShipment("order without id or updated_at")
    return _Seen(str(order["id"]), stamp)


def poll_orders(integration: Integration, client: WebshipperClient) -> int:
    """Read the channel's orders updated since the cursor (complete, or raise) and import them."""
    settings = integration.webshipper
    since = (
        datetime.fromisoformat(settings.orders_cursor) - OVERLAP
        if settings.orders_cursor
        else settings.direction_since or integration.connected_at or timezone.now()
    )
    channel = {facts.FILTER.format(name="order_channel_id"): settings.order_channel_id}

    def fetch(window: Window, page: int):
        return client.page("orders", {**channel, **window_params("updated_at", window)}, page)

    reader = ListingReader(fetch, _seen, platform_name="Webshipper")
    newest: datetime | None = None
    imported = 0
    for batch in reader.pages(since):
        for item in batch:
            if item.shipment is None:
                continue
            if import_order(integration, item.raw) is not None:
                imported += 1
            newest = max(newest or item.shipment.created_at, item.shipment.created_at)
    if newest is not None and newest.isoformat() != settings.orders_cursor:
        settings.orders_cursor = newest.isoformat()
        settings.save(update_fields=["orders_cursor"])
    return imported
