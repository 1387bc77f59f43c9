"""Method 2: which notes Hakobu sends to ShipStation, and when (through the shared outbox).

Sent: a note with a shipping address, in a status marked ready to ship, without a tracking
number — automatically when it is created (if the admin chose so) or when staff send it from the
list. Later edits of an open note are sent again (ShipStation updates open orders), and a
cancellation is sent as one. A note ShipStation pulled through the Custom Store is never pushed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from delivery_notes.models import DeliveryNote, ShippingStatus
from delivery_notes.services import move_notes
from integrations import outbox
from integrations.models import OutboundOrder, PlatformOrder
from integrations.shipstation import SHIPSTATION
from integrations.shipstation.custom_store.feed import ready_to_enter
from integrations.shipstation.models import PushTrigger, ShipstationSettings


def active_settings() -> ShipstationSettings | None:
    """The brand's settings when method 2 is on (call in the brand's scope)."""
    return (
        ShipstationSettings.objects.select_related("integration")
        .filter(api_orders=True, integration__is_active=True)
        .first()
    )


def _push_row(note: DeliveryNote) -> OutboundOrder | None:
    return OutboundOrder.objects.filter(
        note=note, platform=SHIPSTATION, action=OutboundOrder.Action.PUSH
    ).first()


def on_note_changed(note: DeliveryNote, event: str) -> None:
    """The registry's hook: queue what a created, edited or cancelled note means for ShipStation."""
    settings = active_settings()
    if settings is None:
        return
    row = _push_row(note)
    if event == "cancelled":
        if row is not None:
            outbox.enqueue(note, SHIPSTATION, OutboundOrder.Action.CANCEL)
        return
    if row is not None:
        if event == "edited" and note.is_open:
            outbox.enqueue(note, SHIPSTATION)  # ShipStation updates open orders: send it again
        return
    automatic = event == "created" and settings.push_trigger == PushTrigger.ON_CREATE
    if (
        automatic
        and DeliveryNote.objects.filter(pk=note.pk).filter(ready_to_enter(settings)).exists()
    ):
        outbox.enqueue(note, SHIPSTATION)


def send_notes(notes: Iterable[DeliveryNote], *, actor=None) -> tuple[int, int]:
    """The list's "Send to ShipStation": queue the sendable notes, move them to Shipping
    requested (as the Ship&co CSV download does); returns (queued, skipped)."""
    settings = active_settings()
    notes = list(notes)
    if settings is None:
        return 0, len(notes)
    ids = [note.pk for note in notes]
    pulled = PlatformOrder.objects.filter(
        note=OuterRef("pk"), platform=SHIPSTATION, route=PlatformOrder.Route.PULLED
    )
    ready = list(
        DeliveryNote.objects.filter(pk__in=ids)
        .filter(ready_to_enter(settings))
        .exclude(Exists(pulled))  # ShipStation has it already, through the Custom Store
    )
    for note in ready:
        outbox.enqueue(note, SHIPSTATION)
    if ready:
        move_notes(
            ready[0].brand,
            [note.pk for note in ready if note.status == ShippingStatus.UNSHIPPED],
            from_status=ShippingStatus.UNSHIPPED,
            to_status=ShippingStatus.SHIPPING_REQUESTED,
            actor=actor,
        )
    return len(ready), len(notes) - len(ready)
