"""Which notes ShipStation sees in the brand's Custom Store, one export page at a time.

A note enters the feed when it has a shipping address, is in a status the admin marked ready to
ship and has no tracking number yet (the seeds' import conditions). From then on it stays in the
feed (a PlatformOrder row says so), and every change to it is exported in the window it happened,
whatever its status — cancelled or shipped included — or ShipStation would never learn of it.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from delivery_notes.models import DeliveryNote, Shipment
from integrations.models import Integration, PlatformOrder
from integrations.shipstation import SHIPSTATION, facts
from integrations.shipstation.custom_store.dates import ExportWindow
from integrations.shipstation.custom_store.export import (
    build_orders_document,
    order_from_note,
    page_count,
)
from integrations.shipstation.models import ShipstationSettings


def ready_to_enter(settings: ShipstationSettings) -> Q:
    """Notes that may enter the feed now."""
    tracked = Shipment.objects.filter(note=OuterRef("pk")).exclude(tracking_numbers=[])
    return (
        Q(status__in=settings.ready_statuses)
        & ~Q(address_line1="")
        & ~Q(postal_code="")
        & ~Q(Exists(tracked))
    )


def feed_notes(settings: ShipstationSettings, window: ExportWindow) -> QuerySet[DeliveryNote]:
    """Notes of the feed modified in the window, oldest change first (a stable page order)."""
    in_feed = PlatformOrder.objects.filter(note=OuterRef("pk"), platform=SHIPSTATION)
    return (
        DeliveryNote.objects.filter(
            updated_at__gte=window.start, updated_at__lt=window.end_exclusive
        )
        .filter(Q(Exists(in_feed)) | ready_to_enter(settings))
        .order_by("updated_at", "id")
    )


def export_page(integration: Integration, window: ExportWindow, page: int) -> tuple[bytes, int]:
    """The XML of one page of the window and how many orders it holds; call in the brand scope."""
    settings = integration.shipstation
    notes = feed_notes(settings, window)
    pages = page_count(notes.count(), facts.PAGE_SIZE)
    start = (page - 1) * facts.PAGE_SIZE
    chunk = list(notes.prefetch_related("lines")[start : start + facts.PAGE_SIZE])
    now = timezone.now()
    PlatformOrder.objects.bulk_create(
        [
            PlatformOrder(
                brand_id=integration.brand_id,
                note=note,
                platform=SHIPSTATION,
                route=PlatformOrder.Route.PULLED,
                external_id=str(note.pk),
                first_sent_at=now,
                last_sent_at=now,
            )
            for note in chunk
        ],
        ignore_conflicts=True,
    )
    PlatformOrder.objects.filter(note__in=chunk, platform=SHIPSTATION).update(last_sent_at=now)
    zone = integration.brand.time_zone
    orders = [order_from_note(note, time_zone=zone) for note in chunk]
    return build_orders_document(orders, pages=pages), len(orders)
