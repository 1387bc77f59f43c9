"""Changes to delivery notes; every one is written to the note's activity log.

Call these inside the brand's scope (a request, or `brand_scope()` in tasks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from brands.models import Brand, User
from brands.validators import single_line
from delivery_notes import activity, copying
from delivery_notes.models import (
    Activity,
    DeliveryNote,
    DeliveryNoteLine,
    Shipment,
    ShipmentLine,
    ShippingStatus,
)
from delivery_notes.shipping import NewShipment, record_shipments
from delivery_notes.signals import note_changed
from integrations.registry import HAKOBU

BATCH_SIZE = 500


def log_activity(
    note: DeliveryNote,
    verb: str,
    message: str | None = None,
    *,
    actor: User | None = None,
    platform: str = HAKOBU,
    data: Mapping | None = None,
) -> Activity:
    """Write an entry; its stored message defaults to the verb's text (see `activity`)."""
    data = dict(data or {})
    return Activity.objects.create(
        brand_id=note.brand_id,
        note=note,
        actor=actor,
        platform=platform,
        verb=verb,
        message=activity.render(verb, data) if message is None else message,
        data=data,
    )


def change_status(
    note: DeliveryNote, status: str, *, actor: User | None = None, platform: str = HAKOBU
) -> bool:
    """Move a note to `status`; returns False (and logs nothing) when it already is there."""
    if note.status == status:
        return False
    previous = note.status
    note.status = status
    note.status_changed_at = timezone.now()
    note.save(update_fields=["status", "status_changed_at", "updated_at"])
    log_activity(
        note, "status", actor=actor, platform=platform, data={"from": previous, "to": status}
    )
    return True


def log_activities(
    brand: Brand,
    note_ids: Sequence[int],
    verb: str,
    *,
    actor: User | None = None,
    platform: str = HAKOBU,
    data: Mapping | None = None,
) -> None:
    """`log_activity` for many notes, one insert per batch (exports touch thousands).

    Batches are built one at a time, so memory stays flat however many notes there are.
    """
    message = activity.render(verb, data or {})
    for start in range(0, len(note_ids), BATCH_SIZE):
        Activity.objects.bulk_create(
            [
                Activity(
                    brand=brand,
                    note_id=pk,
                    actor=actor,
                    platform=platform,
                    verb=verb,
                    message=message,
                    data=dict(data or {}),
                )
                for pk in note_ids[start : start + BATCH_SIZE]
            ]
        )


def move_notes(
    brand: Brand,
    note_ids: Sequence[int],
    *,
    from_status: str,
    to_status: str,
    actor: User | None = None,
    platform: str = HAKOBU,
) -> list[int]:
    """`change_status` for many notes: those (still) in `from_status` move, in a few queries.

    The rows are locked before their status is checked, so a change committed meanwhile (a
    shipment the sync recorded) is never overwritten. Returns the ids of the notes that moved.
    """
    moved: list[int] = []
    with transaction.atomic():
        for start in range(0, len(note_ids), BATCH_SIZE):
            batch = list(
                DeliveryNote.objects.select_for_update()
                .filter(pk__in=note_ids[start : start + BATCH_SIZE], status=from_status)
                .values_list("pk", flat=True)
            )
            now = timezone.now()
            DeliveryNote.objects.filter(pk__in=batch).update(
                status=to_status, status_changed_at=now, updated_at=now
            )
            moved += batch
        log_activities(
            brand,
            moved,
            "status",
            actor=actor,
            platform=platform,
            data={"from": from_status, "to": to_status},
        )
    return moved


def lock_note(note: DeliveryNote) -> None:
    """Lock the note's row and read its status now (inside a transaction).

    The sync, an export and a person may change one note at once: each decides from the status
    as committed, and the others wait, so none overwrites another's change.
    """
    note.status = (
        DeliveryNote.objects.select_for_update().values_list("status", flat=True).get(pk=note.pk)
    )


def shipped_status(note: DeliveryNote) -> str:
    """Shipped when every line's quantity has left in some shipment, else Partially shipped."""
    ordered = dict(note.lines.values_list("id", "quantity"))
    shipped = dict(
        ShipmentLine.objects.filter(shipment__note=note)
        .values("line_id")
        .annotate(total=Sum("quantity"))
        .values_list("line_id", "total")
    )
    if all(shipped.get(line_id, 0) >= qty for line_id, qty in ordered.items()):
        return ShippingStatus.SHIPPED
    return ShippingStatus.PARTIALLY_SHIPPED


def remaining_quantities(note: DeliveryNote) -> dict[int, int]:
    """Quantity of each line not yet in any shipment."""
    shipped = dict(
        ShipmentLine.objects.filter(shipment__note=note)
        .values("line_id")
        .annotate(total=Sum("quantity"))
        .values_list("line_id", "total")
    )
    return {
        line.id: line.quantity - shipped.get(line.id, 0)
        for line in note.lines.all()
        if line.quantity > shipped.get(line.id, 0)
    }


@transaction.atomic
def record_shipment(
    note: DeliveryNote,
    *,
    platform: str = HAKOBU,
    external_id: str = "",
    carrier: str = "",
    service: str = "",
    tracking_numbers: Sequence[str] = (),
    shipped_on: date | None = None,
    cost=None,
    lines: Mapping[int, int] | None = None,
    actor: User | None = None,
) -> Shipment | None:
    """Record a shipment and move the note to Shipped / Partially shipped.

    `lines` maps line ids to quantities, capped at what is left to ship (other notes' lines are
    ignored); None means "everything not shipped yet". Idempotent for platform shipments: a second
    call with the same `external_id` returns None, and so does one reporting tracking numbers this
    note already has from the same platform — one label reported by two routes (a ship notice,
    then a poll after the brand switched methods) is one shipment.

    One shipment through the page path (`shipping.record_shipments`), so both share every rule.
    """
    if platform != HAKOBU:  # a platform's text cannot be refused: make it single-line instead
        carrier, service = single_line(carrier), single_line(service)
        tracking_numbers = [number for number in map(single_line, tracking_numbers) if number]
    (shipment,) = record_shipments(
        [
            NewShipment(
                note_id=note.pk,
                platform=platform,
                external_id=external_id,
                carrier=carrier,
                service=service,
                tracking_numbers=tuple(tracking_numbers),
                shipped_on=shipped_on,
                cost=cost,
                lines=lines,
                actor=actor,
            )
        ]
    )
    # Callers read the note after recording (its status as the shipment left it).
    note.status = DeliveryNote.objects.values_list("status", flat=True).get(pk=note.pk)
    if shipment is not None and platform == HAKOBU:
        # A shipment a person recorded: platforms that were sent the order are told it shipped.
        note_changed.send(sender=DeliveryNote, note=note, event="shipped")
    return shipment


@transaction.atomic
def update_shipment(
    shipment: Shipment,
    *,
    carrier: str,
    service: str,
    tracking_numbers: Sequence[str],
    shipped_on: date | None = None,
    actor: User | None = None,
) -> bool:
    """Apply a platform's correction to a shipment it reported (a number added, a label
    re-printed, the carrier fixed); the activity entry keeps the old values. False = no change.
    """
    note = shipment.note
    lock_note(note)
    current = Shipment.objects.filter(pk=shipment.pk).first()
    if current is None:
        return False  # voided meanwhile
    new = {
        "carrier": carrier,
        "service": service,
        "tracking_numbers": list(tracking_numbers),
        "shipped_on": shipped_on or current.shipped_on,
    }
    old = {name: getattr(current, name) for name in new}
    if old == new:
        return False
    Shipment.objects.filter(pk=current.pk).update(
        **new, tracking_search=" ".join(new["tracking_numbers"])
    )
    for name, value in new.items():
        setattr(shipment, name, value)
    log_activity(
        note,
        "shipment_changed",
        actor=actor,
        platform=current.platform,
        data={
            "shipment_id": current.pk,
            "external_id": current.external_id,
            "carrier": carrier,
            "tracking_numbers": list(tracking_numbers),
            "old_carrier": old["carrier"],
            "old_tracking_numbers": list(old["tracking_numbers"]),
        },
    )
    return True


@transaction.atomic
def void_shipment(shipment: Shipment, *, actor: User | None = None) -> None:
    """Undo a shipment the platform cancelled (a voided label): the goods did not leave with it.

    The note goes back to what its other shipments say, or to Shipping requested when none is
    left; the activity log keeps the voided tracking numbers.
    """
    note = shipment.note
    lock_note(note)
    data = {"carrier": shipment.carrier, "tracking_numbers": list(shipment.tracking_numbers)}
    shipment.delete()
    log_activity(note, "shipment_voided", actor=actor, platform=shipment.platform, data=data)
    if note.status in (ShippingStatus.SHIPPED, ShippingStatus.PARTIALLY_SHIPPED):
        still_shipped = Shipment.objects.filter(note=note).exists()
        status = shipped_status(note) if still_shipped else ShippingStatus.SHIPPING_REQUESTED
        change_status(note, status, actor=actor, platform=shipment.platform)


class NoteNotCancellable(Exception):
    """Goods have left (or the note is already closed): cancelling would contradict a shipment."""


@transaction.atomic
def cancel_note(note: DeliveryNote, *, actor: User | None = None) -> None:
    """Cancel a note nothing has shipped from yet; raises NoteNotCancellable otherwise."""
    lock_note(note)
    if not note.is_open:
        raise NoteNotCancellable(note.number)
    change_status(note, ShippingStatus.CANCELLED, actor=actor)
    note_changed.send(sender=DeliveryNote, note=note, event="cancelled")


def cancel_notes(notes: Iterable[DeliveryNote], *, actor: User | None = None) -> tuple[int, int]:
    """Cancel every open note among `notes`; returns (cancelled, skipped)."""
    cancelled = skipped = 0
    with transaction.atomic():
        for note in notes:
            try:
                cancel_note(note, actor=actor)
            except NoteNotCancellable:
                skipped += 1
            else:
                cancelled += 1
    return cancelled, skipped


def log_note_saved(
    note: DeliveryNote, *, created: bool, changed: Sequence[str], actor: User | None = None
) -> None:
    """Record a create/edit made in Hakobu (field names, not values: notes may hold addresses)."""
    if created:
        log_activity(note, "created", actor=actor)
        note_changed.send(sender=DeliveryNote, note=note, event="created")
    elif changed:
        log_activity(note, "edited", actor=actor, data={"fields": list(changed)})
        note_changed.send(sender=DeliveryNote, note=note, event="edited")


def create_notes(
    brand: Brand,
    notes: Sequence[tuple[Mapping, Sequence[Mapping]]],
    *,
    actor: User | None = None,
    import_file: str,
) -> int:
    """Create many notes with their lines and a "created" activity each, in few statements;
    returns how many notes. On PostgreSQL the rows go in with COPY (`copying`).

    `notes` holds (note field values, [line field values]). Callers wrap this in their
    transaction: an import is all-or-nothing.
    """
    data = {"import_file": import_file}
    message = activity.render("created", data)
    if connection.vendor == "postgresql":
        return copying.copy_notes(brand, notes, actor=actor, message=message, data=data)
    created = DeliveryNote.objects.bulk_create(
        [DeliveryNote(brand=brand, **values) for values, _lines in notes], batch_size=BATCH_SIZE
    )
    DeliveryNoteLine.objects.bulk_create(
        [
            DeliveryNoteLine(brand=brand, note=note, position=position, **line)
            for note, (_values, lines) in zip(created, notes, strict=True)
            for position, line in enumerate(lines)
        ],
        batch_size=BATCH_SIZE,
    )
    Activity.objects.bulk_create(
        [
            Activity(
                brand=brand, note=note, actor=actor, verb="created", message=message, data=data
            )
            for note in created
        ],
        batch_size=BATCH_SIZE,
    )
    return len(created)
