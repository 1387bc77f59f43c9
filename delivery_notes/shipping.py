"""Recording shipments a page at a time: the set-based write path behind `record_shipment`.

A sync reads shipments in pages of tens or hundreds; recording each in its own transaction cost
~17 queries a shipment. `record_shipments` records a whole page in a constant handful of
statements (reads: the notes locked, the known shipments, the lines with what they shipped;
then on PostgreSQL one data-modifying statement writes shipments, lines, entries and statuses
from JSON recordsets), with the guarantees the one-at-a-time path had:

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
- resumable: one page is one transaction (the sync hands over several listing pages at once,
  `sync.WRITE_BATCH`), and the sync moves its cursor only after the whole listing.

Memory is that of one page: nothing is kept across calls.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

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


@transaction.atomic(savepoint=False)  # the page's own savepoint below is the one it needs
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
    # One simple SELECT per condition, joined by UNION ALL: the planner serves each from its
    # index (the id one from the partial unique index); OR-ed together, proving those indexes
    # usable for two lists of 100 values cost PostgreSQL 3 ms of planning a page.
    fields = ("note_id", "platform", "external_id", "tracking_numbers")
    parts = [
        Shipment.objects.filter(platform=platform, note_id__in=list(notes))
        for platform in platforms
    ] + [
        Shipment.objects.filter(
            platform=platform, external_id__in=[e for p, e in external if p == platform]
        ).exclude(external_id="")
        for platform in {p for p, _e in external}
    ]
    parts = [part.order_by().values_list(*fields) for part in parts]
    if parts:
        known = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        for note_id, platform, external_id, numbers in known:
            if external_id:
                known_ids.add((platform, external_id))
            known_numbers[(note_id, platform)].update(numbers or ())
    # 3. Lines ordered and shipped so far, per note (one query: the sum is a subquery).
    shipped_so_far = (
        ShipmentLine.objects.filter(line_id=OuterRef("pk"))
        .order_by()
        .values("line_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    ordered: dict[int, dict[int, int]] = defaultdict(dict)
    shipped: dict[int, int] = {}
    for line_id, note_id, quantity, total in (
        DeliveryNoteLine.objects.filter(note_id__in=list(notes))
        .annotate(shipped=Coalesce(Subquery(shipped_so_far), 0))
        .order_by()
        .values_list("id", "note_id", "quantity", "shipped")
    ):
        ordered[note_id][line_id] = quantity
        if total:
            shipped[line_id] = total

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

    # 4. What to write: shipments, their lines, activity entries, new statuses.
    today = timezone.localdate()
    now = timezone.now()
    at_once = connection.vendor == "postgresql"
    ids = copying.reserve_ids(Shipment, len(accepted)) if at_once else [None] * len(accepted)
    created = [
        Shipment(
            pk=pk,
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
            created_at=now,
            # A platform's shipment waits for its "shipments synced" email; a person's never.
            awaiting_announcement=item.platform != HAKOBU,
        )
        for pk, (_index, item, _quantities) in zip(ids, accepted, strict=True)
    ]
    if not at_once:
        Shipment.objects.bulk_create(created)  # the entries name the shipments' ids
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
            now,
        )
        for shipment, (_index, item, _quantities) in zip(created, accepted, strict=True)
    ]
    # New statuses: Shipped when every line has left, else Partially shipped; each change
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
                _entry(brand_id, item, "status", {"from": current[item.note_id], "to": target}, now)
            )
            current[item.note_id] = changed[item.note_id] = target
    quantities = [quantities for _index, _item, quantities in accepted]
    if at_once:
        _write_at_once(created, quantities, entries, changed, now)
    else:
        _write_rest(created, quantities, entries, changed, now)
    for shipment in created:  # saved, as bulk_create leaves its objects
        shipment._state.adding = False
        shipment._state.db = connection.alias
    for shipment, (index, _item, _quantities) in zip(created, accepted, strict=True):
        results[index] = shipment
    return results


def _write_at_once(
    created: list[Shipment],
    quantities: list[dict[int, int]],
    entries: list[dict],
    changed: dict[int, str],
    now: datetime,
) -> None:
    """PostgreSQL: the page's shipments, their lines, the entries and the status changes in one
    data-modifying statement (one round trip; the values travel as one array a column)."""
    names = [f.attname for f in Shipment._meta.concrete_fields]
    parts = [
        copying.json_insert(Shipment, [{n: getattr(s, n) for n in names} for s in created]),
        copying.json_insert(
            ShipmentLine,
            [
                {"brand_id": s.brand_id, "shipment_id": s.pk, "line_id": lid, "quantity": qty}
                for s, lines in zip(created, quantities, strict=True)
                for lid, qty in lines.items()
            ],
            with_pk=False,
        ),
        copying.json_insert(Activity, entries, with_pk=False),
    ]
    note = DeliveryNote._meta.db_table
    parts.append(
        (
            f"UPDATE {note} SET status = moved.status, status_changed_at = %s, "  # noqa: S608
            f"updated_at = %s FROM unnest(%s::bigint[], %s::text[]) AS moved(id, status) "
            f"WHERE {note}.id = moved.id",
            [now, now, list(changed), list(changed.values())],
        )
    )
    sql = "WITH " + ", ".join(f"w{n} AS ({part})" for n, (part, _p) in enumerate(parts))
    params = [value for _part, part_params in parts for value in part_params]
    with connection.cursor() as cursor:
        cursor.execute(sql + " SELECT 1", params)


def _write_rest(
    created: list[Shipment],
    quantities: list[dict[int, int]],
    entries: list[dict],
    changed: dict[int, str],
    now: datetime,
) -> None:
    """Other databases (the shipments are inserted already): one bulk insert a table, one
    UPDATE a new status."""
    ShipmentLine.objects.bulk_create(
        ShipmentLine(brand_id=s.brand_id, shipment=s, line_id=lid, quantity=qty)
        for s, lines in zip(created, quantities, strict=True)
        for lid, qty in lines.items()
    )
    Activity.objects.bulk_create(Activity(**entry) for entry in entries)
    for status in set(changed.values()):
        DeliveryNote.objects.filter(
            pk__in=[pk for pk, target in changed.items() if target == status]
        ).update(status=status, status_changed_at=now, updated_at=now)


def _entry(brand_id: int, item: NewShipment, verb: str, data: dict, now: datetime) -> dict:
    """An activity row (attnames to values)."""
    return {
        "brand_id": brand_id,
        "note_id": item.note_id,
        "created_at": now,
        "actor_id": item.actor.pk if item.actor else None,
        "platform": item.platform,
        "verb": verb,
        "message": _status_text(data["from"], data["to"], translation.get_language())
        if verb == "status"
        else activity.render(verb, data),
        "data": data,
    }


@lru_cache(maxsize=128)
def _status_text(old: str, new: str, language: str | None) -> str:
    """A status entry's stored text, in the active `language` (part of the cache key): a page
    of 500 shipments makes a few distinct ones. (Readers see the entry rendered in their own
    language; this text is the fallback, see `activity`.)"""
    return activity.render("status", {"from": old, "to": new})
