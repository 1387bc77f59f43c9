"""Webshipper shipments → the platform-neutral PlatformShipment, and the pull engine's source.

Tracking numbers are `tracking_links[].number`; the carrier is the shipment's own
(`carrier_alias`, else `carrier_type_name`); the lines are `packages[].order_lines[]`, matched to
the note's lines by Hakobu's line id (`ext_ref`), else by SKU, else by name. A shipment with no
package lines ships everything left; a return or test shipment never ships a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from delivery_notes.models import DeliveryNote, ShipmentRequest
from delivery_notes.shipment_requests import fulfil
from integrations.listing import Window
from integrations.models import Integration, OutboundOrder
from integrations.records import MalformedShipment, PlatformShipment
from integrations.webshipper import WEBSHIPPER, facts
from integrations.webshipper.client import WebshipperClient, make_client, relationship_id


def parse_time(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def package_lines(attributes: dict) -> list[dict]:
    return [
        line
        for package in attributes.get("packages") or []
        if isinstance(package, dict)
        for line in package.get("order_lines") or []
        if isinstance(line, dict)
    ]


def match_lines(reference: str, packed: Sequence[dict]) -> tuple[tuple[int, int], ...]:
    """(note line id, quantity) for each packed line that matches a line of the note."""
    note = DeliveryNote.objects.filter(number=reference).first() if reference else None
    if note is None or not packed:
        return ()
    lines = list(note.lines.all())
    by_id = {str(line.pk): line.pk for line in lines}
    by_sku = {line.sku: line.pk for line in lines if line.sku}
    by_name = {line.name: line.pk for line in lines}
    quantities: dict[int, int] = {}
    for item in packed:
        line_id = (
            by_id.get(str(item.get("ext_ref") or ""))
            or by_sku.get(str(item.get("sku") or ""))
            or by_name.get(str(item.get("description") or ""))
        )
        try:
            quantity = int(item.get("quantity") or 0)
        except (TypeError, ValueError):
            quantity = 0
        if line_id and quantity > 0:
            quantities[line_id] = quantities.get(line_id, 0) + quantity
    return tuple(quantities.items())


def parse(item: Any) -> PlatformShipment:
    if not isinstance(item, dict) or not item.get("id"):
        raise MalformedShipment("no id")
    external_id = str(item["id"])
    attributes = item.get("attributes") or {}
    created = parse_time(attributes.get("created_at"))
    if created is None:
        raise MalformedShipment("no created_at", external_id)
    numbers = tuple(
        str(link.get("number"))
        for link in attributes.get("tracking_links") or []
        if isinstance(link, dict) and link.get("number")
    )
    reference = str(attributes.get("reference") or "")
    lines = match_lines(reference, package_lines(attributes))
    return PlatformShipment(
        external_id=external_id,
        reference=reference,
        carrier=str(attributes.get("carrier_alias") or attributes.get("carrier_type_name") or ""),
        service=str(attributes.get("service_code") or ""),
        tracking_numbers=numbers,
        ship_date=created.date(),
        cancelled=attributes.get("status") in ("cancelled", "deleted"),
        created_at=created,
        test=bool(attributes.get("test_mode") or attributes.get("is_return")),
        lines=lines,
    )


def window_params(field: str, window: Window) -> dict[str, str]:
    """A date window as Webshipper's (uncertain) operator filter; only the start is sent."""
    if window.after is None:
        return {}
    return {
        facts.DATE_FILTER_VALUE.format(name=field): window.after.isoformat(),
        facts.DATE_FILTER_OPERATOR.format(name=field): facts.DATE_FILTER_FROM,
    }


class ShipmentSource:
    """The shared SyncRunner's source: the account's shipments created in a window."""

    platform_name = "Webshipper"
    first_page = 1

    def __init__(self, client: WebshipperClient) -> None:
        self.client = client

    def fetch_page(self, window: Window, page: int) -> Sequence[Any]:
        return self.client.page("shipments", window_params("created_at", window), page)

    def parse(self, item: Any) -> PlatformShipment:
        return parse(item)

    def close(self) -> None:
        self.client.close()


def build_source(integration: Integration) -> ShipmentSource | None:
    if getattr(integration, "webshipper", None) is None:
        return None
    try:
        return ShipmentSource(make_client(integration))
    except ValueError:
        return None


def on_shipment_recorded(integration: Integration, shipment, raw: Any) -> None:
    """A shipment of an order Hakobu sent for a shipment request fulfils that request."""
    order_id = relationship_id(raw, "order") if isinstance(raw, dict) else ""
    if not order_id:
        return
    row = (
        OutboundOrder.objects.filter(
            platform=WEBSHIPPER, action=OutboundOrder.Action.PUSH, external_id=order_id
        )
        .exclude(part="")
        .first()
    )
    if row is None or not row.part.isdigit():
        return
    request = ShipmentRequest.objects.filter(pk=int(row.part), note=shipment.note).first()
    if request is not None:
        fulfil(request, shipment)
