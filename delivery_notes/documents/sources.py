"""The notes a document prints, with what it needs of them in a fixed number of queries.

Call inside the brand's scope (a request's, or a task's `brand_task_scope`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import Prefetch

from delivery_notes.models import DeliveryNote, DeliveryNoteLine, Shipment, ShippingStatus

CHUNK_SIZE = 200  # notes fetched (with their lines and shipments) per query
# Nothing is left to pick from these, whatever their lines say.
CLOSED_STATUSES = (ShippingStatus.CANCELLED, ShippingStatus.SHIPPED, ShippingStatus.DELIVERED)


def document_notes(note_ids: Sequence[int]) -> Iterator[DeliveryNote]:
    """The notes with these ids, in the order given, lines and shipped lines prefetched.

    Reads `CHUNK_SIZE` notes at a time, so a bulk print of thousands holds few rows at once.
    """
    order = {pk: index for index, pk in enumerate(note_ids)}
    for start in range(0, len(note_ids), CHUNK_SIZE):
        chunk = note_ids[start : start + CHUNK_SIZE]
        notes = DeliveryNote.objects.filter(pk__in=chunk).prefetch_related(
            Prefetch("lines", queryset=DeliveryNoteLine.objects.order_by("position", "id")),
            Prefetch("shipments", queryset=Shipment.objects.prefetch_related("lines")),
        )
        yield from sorted(notes, key=lambda note: order[note.pk])


def remaining_quantities(note: DeliveryNote) -> dict[int, int]:
    """Line id -> pieces not shipped yet, from the prefetched shipments (no query per note).

    The same arithmetic as `services.remaining_quantities` (quantity minus every shipment's
    quantity of the line); a closed note (cancelled, shipped, delivered) has nothing left.
    """
    if note.status in CLOSED_STATUSES:
        return {}
    shipped: dict[int, int] = {}
    for shipment in note.shipments.all():
        for shipped_line in shipment.lines.all():
            shipped[shipped_line.line_id] = (
                shipped.get(shipped_line.line_id, 0) + shipped_line.quantity
            )
    return {
        line.id: line.quantity - shipped.get(line.id, 0)
        for line in note.lines.all()
        if line.quantity > shipped.get(line.id, 0)
    }
