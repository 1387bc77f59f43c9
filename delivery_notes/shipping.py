"""Recording shipments a page at a time: the set-based write path behind `record_shipment`.

A sync reads shipments in pages of tens or hundreds; recording each in its own transaction cost
~17 queries a shipment. `record_shipments` records a whole page in a constant handful of
statements, with the guarantees the one-at-a-time path had:

- idempotent by platform id: a shipment whose (platform, external_id) is recorded already, or
  whose tracking numbers the note already has from that platform (one label reported by two
  routes), is not recorded again;
- only notes of the active brand: the notes are read through the scoped manager, and an id of
  another brand's note simply matches nothing;
- safe under two workers: the page's notes are locked (in id order, so two workers never
  deadlock) before anything is decided, and the known shipments are read after the lock, so a
  shipment another worker committed meanwhile is seen; the unique constraint is the last guard;
- a bad item loses nothing else: when a bulk statement fails, the page is retried one item at a
  time, each in its own savepoint, and the failing item is logged and skipped;
- resumable: one page is one transaction, and the sync moves its cursor only after the pages.

Memory is that of one page: nothing is kept across calls.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from brands.models import User
from delivery_notes import activity, copying
from delivery_notes.models import (
    Activity,
    DeliveryNote,
    DeliveryNoteLine,
    Shipment,
    ShipmentLine,
    ShippingStatus,
)
from integrations.registry import HAKOBU

logger = logging.getLogger(__name__)

#: What one unreadable item can raise while the page is written (a number the column cannot
#: hold, a race on the unique constraint); anything else is a bug and fails the run.
ITEM_ERRORS = (DatabaseError, ValidationError, ArithmeticError, ValueError)
#: A shipment never moves a note out of these.
CLOSED = (ShippingStatus.DELIVERED, ShippingStatus.CANCELLED)


@dataclass(frozen=True)
class NewShipment:
    """One shipment to record for the note `note_id` (see `record_shipment` for `lines`)."""

    note_id: int
    platform: str = HAKOBU
    external_id: str = ""
    carrier: str = ""
    service: str = ""
    tracking_numbers: tuple[str, ...] = ()
    shipped_on: date | None = None
    cost: Decimal | None = None
    lines: Mapping[int, int] | None = None
    actor: User | None = field(default=None, compare=False)


@transaction.atomic
def record_shipments(items: Sequence[NewShipment]) -> list[Shipment | None]:
    """Record a page of shipments; the result says, item by item, the Shipment recorded or None
    (already recorded, the note not found in this brand, or the item failed and was logged)."""
    if not items:
        return []
    try:
        with transaction.atomic():
            return _record_page(items)
    except ITEM_ERRORS:
        # One item the page cannot hold (a race on the unique constraint, a value the column
        # refuses): record the others one by one, so only that item is lost (and logged).
        logger.warning("recording %d shipments at once failed; one at a time", len(items))
    results: list[Shipment | None] = []
    for item in items:
        try:
            with transaction.atomic():
                results.extend(_record_page([item]))
        except ITEM_ERRORS as exc:
            logger.warning(
                "shipment %s of note %s skipped: %s",
                item.external_id or "(manual)",
                item.note_id,
                type(exc).__name__,
            )
            results.append(None)
    return results


def _check(item: NewShipment) -> None:
    """Refuse a value the cost column cannot hold (COPY does not run the fields' checks)."""
    field = Shipment._meta.get_field("cost")
    if item.cost is None:
        return
    if not item.cost.is_finite() or abs(item.cost) >= 10 ** (
        field.max_digits - field.decimal_places
    ):
        raise ValueError(f"cost out of range: {item.cost}")


def _record_page(items: Sequence[NewShipment]) -> list[Shipment | None]:
    for item in items:
        _check(item)
    note_ids = sorted({item.note_id for item in items})
    # 1. The notes, locked in id order (two workers lock in the same order: no deadlock).
    notes = {
        pk: (brand_id, status)
        for pk, brand_id, status in DeliveryNote.objects.select_for_update()
        .filter(pk__in=note_ids)
        .order_by("pk")
        .values_list("pk", "brand_id", "status")
    }
    # 2. What is recorded already: by platform id, and the platform's numbers per note.
    platforms = {item.platform for item in items if item.platform != HAKOBU}
    external = {(item.platform, item.external_id) for item in items if item.external_id}
    known_ids: set[tuple[str, str]] = set()
    known_numbers: dict[tuple[int, str], set[str]] = defaultdict(set)
    if platforms or external:
        wanted = Q(pk__in=[])
        for platform in platforms:
            wanted |= Q(platform=platform, note_id__in=list(notes))
        for platform in {p for p, _e in external}:
            wanted |= Q(
                platform=platform, external_id__in=[e for p, e in external if p == platform]
            )
        for note_id, platform, external_id, numbers in Shipment.objects.filter(wanted).values_list(
            "note_id", "platform", "external_id", "tracking_numbers"
        ):
            if external_id:
                known_ids.add((platform, external_id))
            known_numbers[(note_id, platform)].update(numbers or ())
    # 3. Lines ordered and shipped so far, per note.
    ordered: dict[int, dict[int, int]] = defaultdict(dict)
    for line_id, note_id, quantity in DeliveryNoteLine.objects.filter(
        note_id__in=list(notes)
    ).values_list("id", "note_id", "quantity"):
        ordered[note_id][line_id] = quantity
    shipped: dict[int, int] = dict(
        ShipmentLine.objects.filter(shipment__note_id__in=list(notes))
        .order_by()
        .values("line_id")
        .annotate(total=Sum("quantity"))
        .values_list("line_id", "total")
    )

    # Decide in memory, item by item in page order (two shipments of one note in one page).
    accepted: list[tuple[int, NewShipment, dict[int, int]]] = []
    complete: dict[int, bool] = {}  # item index -> every line of its note has left with it
    for index, item in enumerate(items):
        if item.note_id not in notes:
            continue
        if item.external_id and (item.platform, item.external_id) in known_ids:
            continue
        numbers = set(item.tracking_numbers)
        if item.platform != HAKOBU and numbers & known_numbers[(item.note_id, item.platform)]:
            continue
        remaining = {
            line_id: quantity - shipped.get(line_id, 0)
            for line_id, quantity in ordered[item.note_id].items()
            if quantity > shipped.get(line_id, 0)
        }
        quantities = (
            remaining
            if item.lines is None
            else {lid: min(q, remaining.get(lid, 0)) for lid, q in item.lines.items()}
        )
        quantities = {lid: q for lid, q in quantities.items() if q > 0}
        for line_id, quantity in quantities.items():
            shipped[line_id] = shipped.get(line_id, 0) + quantity
        if item.external_id:
            known_ids.add((item.platform, item.external_id))
        known_numbers[(item.note_id, item.platform)].update(numbers)
        accepted.append((index, item, quantities))
        complete[index] = all(
            shipped.get(lid, 0) >= qty for lid, qty in ordered[item.note_id].items()
        )
    results: list[Shipment | None] = [None] * len(items)
    if not accepted:
        return results

    # 4. Shipments, their lines, and the activity entries: one insert each.
    today = timezone.localdate()
    created = copying.insert_objects(
        Shipment,
        [
            Shipment(
                brand_id=notes[item.note_id][0],
                note_id=item.note_id,
                platform=item.platform,
                external_id=item.external_id,
                carrier=item.carrier,
                service=item.service,
                tracking_numbers=list(item.tracking_numbers),
                tracking_search=" ".join(item.tracking_numbers),
                shipped_on=item.shipped_on or today,
                cost=item.cost,
                # A platform's shipment waits for its "shipments synced" email; a person's never.
                awaiting_announcement=item.platform != HAKOBU,
            )
            for _index, item, _quantities in accepted
        ],
    )
    copying.insert_objects(
        ShipmentLine,
        [
            ShipmentLine(
                brand_id=shipment.brand_id, shipment=shipment, line_id=line_id, quantity=quantity
            )
            for shipment, (_index, _item, quantities) in zip(created, accepted, strict=True)
            for line_id, quantity in quantities.items()
        ],
    )
    entries = [
        _entry(
            shipment.brand_id,
            item,
            "shipment",
            {
                "shipment_id": shipment.pk,
                "external_id": item.external_id,
                "carrier": item.carrier,
                "tracking_numbers": list(item.tracking_numbers),
            },
        )
        for shipment, (_index, item, _quantities) in zip(created, accepted, strict=True)
    ]
    # 5. New statuses: Shipped when every line has left, else Partially shipped; each change
    # logged as it happened (two shipments of one note in a page may move it twice).
    current = {pk: status for pk, (_brand_id, status) in notes.items()}
    changed: dict[int, str] = {}
    for index, item, _quantities in accepted:
        brand_id, status = notes[item.note_id]
        if status in CLOSED:
            continue
        target = ShippingStatus.SHIPPED if complete[index] else ShippingStatus.PARTIALLY_SHIPPED
        if current[item.note_id] != target:
            entries.append(
                _entry(brand_id, item, "status", {"from": current[item.note_id], "to": target})
            )
            current[item.note_id] = changed[item.note_id] = target
    copying.insert_objects(Activity, entries)
    # One UPDATE per new status (Shipped, Partially shipped): at most two statements a page.
    now = timezone.now()
    for status in set(changed.values()):
        DeliveryNote.objects.filter(
            pk__in=[pk for pk, target in changed.items() if target == status]
        ).update(status=status, status_changed_at=now, updated_at=now)
    for shipment, (index, _item, _quantities) in zip(created, accepted, strict=True):
        results[index] = shipment
    return results


def _entry(brand_id: int, item: NewShipment, verb: str, data: dict) -> Activity:
    return Activity(
        brand_id=brand_id,
        note_id=item.note_id,
        actor=item.actor,
        platform=item.platform,
        verb=verb,
        message=activity.render(verb, data),
        data=data,
    )
