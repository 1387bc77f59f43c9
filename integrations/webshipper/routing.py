"""Which notes go to Webshipper, and when (the registry's `on_note_changed`).

Hakobu → Webshipper only. On creation: a new note is sent, its edits while open are sent as
updates, a cancellation cancels the order. On shipment creation: each shipment request is sent
as its own order. Either way, a shipment recorded by hand in Hakobu marks the orders shipped
(also for a note that came from Webshipper). Nothing older than the direction's start is sent.
"""

from __future__ import annotations

from delivery_notes.models import DeliveryNote, ShipmentRequest
from integrations import outbox
from integrations.models import ConnectionStatus, OutboundOrder, PlatformOrder
from integrations.webshipper import WEBSHIPPER
from integrations.webshipper.models import Direction, Trigger, WebshipperSettings


def active_settings() -> WebshipperSettings | None:
    """The brand's settings when its connection is on (call in the brand's scope)."""
    return (
        WebshipperSettings.objects.select_related("integration")
        .filter(integration__is_active=True)
        .exclude(integration__status=ConnectionStatus.NOT_INTEGRATED)
        .first()
    )


def _sent_rows(note: DeliveryNote):
    return OutboundOrder.objects.filter(
        note=note, platform=WEBSHIPPER, action=OutboundOrder.Action.PUSH
    )


def _is_new(settings: WebshipperSettings, note: DeliveryNote) -> bool:
    return settings.direction_since is None or note.created_at >= settings.direction_since


def on_note_changed(note: DeliveryNote, event: str) -> None:
    settings = active_settings()
    if settings is None:
        return
    if event == "shipped":
        pulled = PlatformOrder.objects.filter(note=note, platform=WEBSHIPPER).exists()
        if pulled or _sent_rows(note).exists():
            outbox.enqueue(note, WEBSHIPPER, OutboundOrder.Action.SHIP)
        return
    if settings.direction != Direction.TO_WEBSHIPPER:
        return
    rows = _sent_rows(note)
    if event == "cancelled":
        if rows.exists():
            outbox.enqueue(note, WEBSHIPPER, OutboundOrder.Action.CANCEL)
        return
    if settings.trigger == Trigger.ON_CREATE:
        if event == "created" and _is_new(settings, note) and note.is_open:
            outbox.enqueue(note, WEBSHIPPER)
        elif event == "edited" and note.is_open and rows.filter(part="").exists():
            outbox.enqueue(note, WEBSHIPPER)  # Webshipper updates open orders: send it again
        return
    if event == "shipment_requested":
        sent = set(rows.values_list("part", flat=True))
        for request in note.shipment_requests.filter(status=ShipmentRequest.Status.REQUESTED):
            if str(request.pk) not in sent:
                outbox.enqueue(note, WEBSHIPPER, part=str(request.pk))


def release_terms(integration, terms: str) -> int:
    """A term was just mapped: its held orders are tried again now; returns how many."""
    held = OutboundOrder.objects.filter(
        platform=WEBSHIPPER,
        status=OutboundOrder.Status.HELD,
        action=OutboundOrder.Action.PUSH,
        note__delivery_terms=terms,
    )
    count = 0
    for row in held:
        outbox.retry(row)
        count += 1
    return count
