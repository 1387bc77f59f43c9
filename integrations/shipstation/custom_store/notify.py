"""A ship notice from ShipStation, recorded as a shipment of the brand's note.

The note is found by OrderID (Hakobu's id) and then by order number, within the brand only; the
items' LineItemIDs say which lines (and how many) left, so a partial shipment ships only those.
A notice ShipStation sends again changes nothing: the shipment's platform id is the note and the
tracking number (or, without one, a digest of what the notice says).
"""

from __future__ import annotations

from dataclasses import dataclass

from delivery_notes.models import DeliveryNote
from delivery_notes.services import record_shipment
from integrations.models import Integration, UnmatchedShipment
from integrations.shipstation import SHIPSTATION
from integrations.shipstation.custom_store.export import line_pk_from_item_id
from integrations.shipstation.custom_store.ship_notice import ShipNotice


@dataclass(frozen=True)
class NoticeResult:
    recorded: bool  # a new shipment was recorded
    matched: bool  # the order is one of the brand's notes
    message: str


def find_note(notice: ShipNotice) -> DeliveryNote | None:
    """By OrderID first, then by order number; the brand scope keeps other brands out."""
    if notice.order_id.isdigit():
        note = DeliveryNote.objects.filter(pk=int(notice.order_id)).first()
        if note is not None:
            return note
    if notice.order_number:
        return DeliveryNote.objects.filter(number=notice.order_number).first()
    return None


def shipped_lines(note: DeliveryNote, notice: ShipNotice) -> dict[int, int] | None:
    """{line id: quantity} of this note's lines in the notice; None = the notice lists none."""
    quantities = notice.quantities_by_line_item()
    if not quantities:
        return None
    own = set(note.lines.values_list("pk", flat=True))
    lines: dict[int, int] = {}
    for item_id, quantity in quantities.items():
        pk = line_pk_from_item_id(item_id)
        if pk in own:
            lines[pk] = lines.get(pk, 0) + quantity
    return lines or None


def apply_ship_notice(integration: Integration, notice: ShipNotice) -> NoticeResult:
    """Record the notice's shipment; an unknown order goes to the unmatched list."""
    note = find_note(notice)
    if note is None:
        UnmatchedShipment.objects.get_or_create(
            integration=integration,
            external_id=f"{notice.order_id or notice.order_number}:{notice.dedupe_key}"[:100],
            defaults={
                "brand_id": integration.brand_id,
                "reference": notice.order_number[:100],
                "tracking_numbers": [notice.tracking_number] if notice.tracking_number else [],
            },
        )
        return NoticeResult(
            False, False, f"No delivery note {notice.order_number or notice.order_id}"
        )
    shipment = record_shipment(
        note,
        platform=SHIPSTATION,
        external_id=f"{note.pk}:{notice.dedupe_key}"[:100],
        carrier=notice.carrier[:50],
        service=notice.service[:100],
        tracking_numbers=[notice.tracking_number] if notice.tracking_number else [],
        shipped_on=notice.shipped_on,
        cost=notice.shipping_cost,
        lines=shipped_lines(note, notice),
    )
    if shipment is None:
        return NoticeResult(False, True, f"{note.number}: already recorded")
    return NoticeResult(True, True, f"{note.number}: shipment recorded")
