"""Planned shipments: staff split a note into parcels before anything has tracking.

A request holds lines and quantities not shipped and not already planned in another open
request. Creating one moves an unshipped note to Shipping requested and sends `note_changed`
with event "shipment_requested", so a platform that ships by request can send it. When a
shipment is recorded for the request (`fulfil`), the request is Shipped.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from delivery_notes.models import (
    DeliveryNote,
    Shipment,
    ShipmentRequest,
    ShipmentRequestLine,
    ShippingStatus,
)
from delivery_notes.services import change_status, lock_note, log_activity, remaining_quantities
from delivery_notes.signals import note_changed


class RequestRefused(ValueError):
    """Nothing to request, or more than is left; the message says which."""


def plannable_quantities(note: DeliveryNote) -> dict[int, int]:
    """Per line: not shipped yet, minus what open requests already plan."""
    left = remaining_quantities(note)
    planned = (
        ShipmentRequestLine.objects.filter(
            request__note=note, request__status=ShipmentRequest.Status.REQUESTED
        )
        .values("line_id")
        .annotate(total=Sum("quantity"))
    )
    for row in planned:
        left[row["line_id"]] = max(0, left.get(row["line_id"], 0) - row["total"])
    return {line_id: qty for line_id, qty in left.items() if qty > 0}


def create_request(
    note: DeliveryNote, quantities: Mapping[int, int], *, actor=None
) -> ShipmentRequest:
    """Plan one parcel of `quantities` (line id → quantity); raises RequestRefused."""
    with transaction.atomic():
        lock_note(note)
        if not note.is_shippable:
            raise RequestRefused(_("Nothing is left to ship on this note."))
        left = plannable_quantities(note)
        wanted = {line_id: qty for line_id, qty in quantities.items() if qty > 0}
        if not wanted:
            raise RequestRefused(_("Enter a quantity for at least one line."))
        if any(qty > left.get(line_id, 0) for line_id, qty in wanted.items()):
            raise RequestRefused(
                _("A quantity is more than is left to ship (or already planned) on its line.")
            )
        last = note.shipment_requests.aggregate(last=Max("sequence"))["last"] or 0
        request = ShipmentRequest.objects.create(
            brand_id=note.brand_id, note=note, sequence=last + 1, created_by=actor
        )
        ShipmentRequestLine.objects.bulk_create(
            ShipmentRequestLine(
                brand_id=note.brand_id, request=request, line_id=line_id, quantity=qty
            )
            for line_id, qty in wanted.items()
        )
        log_activity(
            note,
            "shipment_requested",
            actor=actor,
            data={"request": request.sequence, "lines": {str(k): v for k, v in wanted.items()}},
        )
        if note.status == ShippingStatus.UNSHIPPED:
            change_status(note, ShippingStatus.SHIPPING_REQUESTED, actor=actor)
        note_changed.send(sender=DeliveryNote, note=note, event="shipment_requested")
    return request


def fulfil(request: ShipmentRequest, shipment: Shipment) -> None:
    """The shipment recorded for a request: the request is Shipped (idempotent)."""
    ShipmentRequest.objects.filter(pk=request.pk, shipment__isnull=True).update(
        shipment=shipment, status=ShipmentRequest.Status.SHIPPED
    )


def open_requests(note: DeliveryNote):
    return note.shipment_requests.filter(status=ShipmentRequest.Status.REQUESTED)
