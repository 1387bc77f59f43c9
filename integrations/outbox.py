"""The outbox: every order Hakobu sends to a platform goes through here, once.

`enqueue()` writes (or re-opens) the note's row and starts the send after the transaction
commits. `send()` claims the row with a short lease (two workers never send one row at once; a
killed worker's row is picked up again by `send_due`), hands the note to the platform's
`OrderPusher` with the row's idempotency key, and records the outcome:
- sent: the platform's id, and a PlatformOrder row so the note shows where it went;
- a transient failure (outage, rate limit): Pending again, retried with backoff, Failed after
  MAX_ATTEMPTS with the last reason;
- a refusal (validation, plan, rejected key, an order the platform can no longer change):
  Held with the platform's own message, until someone fixes the note and presses Retry.
A note the platform already pulls by itself (PlatformOrder route Pulled) is never pushed: the
same order must not be processed twice.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Protocol

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.leases import RowLease
from brands.scoping import scopes_disabled
from brands.task_base import brand_task
from delivery_notes.models import DeliveryNote
from integrations.http import PlatformError, PlatformUnavailable, TransientPlatformError
from integrations.models import Integration, OutboundOrder, PlatformOrder
from integrations.registry import get_platform

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)
BACKOFF_BASE = 30.0  # seconds; doubled each attempt, with full jitter
BACKOFF_CAP = 3600.0


class OrderPusher(Protocol):
    """What a platform gives the outbox (see e.g. integrations.shipstation.api.pushers)."""

    def push(self, note: DeliveryNote, *, key: str, existing_id: str) -> str: ...

    # Optional: a platform that takes several first pushes in one call sets `batch_size` > 1
    # and `push_many([(note, key), ...]) -> {key: external id, or the PlatformError of that
    # order}`.

    def cancel(self, note: DeliveryNote, *, key: str, existing_id: str) -> None: ...

    def close(self) -> None: ...

    # Optional, for a platform whose spec queues SHIP rows (a shipment recorded in Hakobu):
    # `mark_shipped(note, *, key, existing_id) -> None`. A platform that sends parts of notes
    # (rows with a `part`) takes `part=` in `push` and `cancel`.


def idempotency_key(note: DeliveryNote) -> str:
    """Stable for a note forever (≤ 50 characters): the platform's key for the order (a part's
    row adds the part to it)."""
    return f"hakobu-{note.brand_id}-{note.pk}"


def pulled_by_platform(note: DeliveryNote, platform: str) -> bool:
    return PlatformOrder.objects.filter(
        note=note, platform=platform, route=PlatformOrder.Route.PULLED
    ).exists()


def enqueue(
    note: DeliveryNote,
    platform: str,
    action: str = OutboundOrder.Action.PUSH,
    *,
    part: str = "",
) -> None:
    """Queue (or re-open) the note's order for `platform`; sent after the transaction commits.

    `part` names one part of the note that is its own order on the platform (a shipment
    request); its key is the note's key and the part. A cancel cancels every part."""
    now = timezone.now()
    key = idempotency_key(note) + (f"-{part}" if part else "")
    row, created = OutboundOrder.objects.get_or_create(
        note=note,
        platform=platform,
        action=action,
        part=part,
        defaults={"brand_id": note.brand_id, "idempotency_key": key[:50]},
    )
    if not created:
        OutboundOrder.objects.filter(pk=row.pk).exclude(status=OutboundOrder.Status.SENDING).update(
            status=OutboundOrder.Status.PENDING, next_attempt_at=now, attempts=0, reason=""
        )
    if action == OutboundOrder.Action.CANCEL:
        # A cancel supersedes a push still waiting: nothing more is sent for this note.
        OutboundOrder.objects.filter(
            note=note, platform=platform, action=OutboundOrder.Action.PUSH
        ).exclude(status=OutboundOrder.Status.SENT).update(
            status=OutboundOrder.Status.HELD, reason=_("Cancelled in Hakobu before it was sent.")
        )
    transaction.on_commit(lambda: send_order.delay(note.brand_id, row.pk))


def retry(row: OutboundOrder) -> None:
    """The Retry button: a held or failed row is tried again now."""
    OutboundOrder.objects.filter(
        pk=row.pk, status__in=[OutboundOrder.Status.HELD, OutboundOrder.Status.FAILED]
    ).update(status=OutboundOrder.Status.PENDING, next_attempt_at=timezone.now(), attempts=0)
    transaction.on_commit(lambda: send_order.delay(row.brand_id, row.pk))


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempts)))


def _finish(lease: RowLease, row: OutboundOrder, status: str, **fields) -> None:
    lease.release(status=status, **fields)
    row.status = status


def _due() -> Q:
    return Q(status=OutboundOrder.Status.PENDING, next_attempt_at__lte=timezone.now()) | Q(
        status=OutboundOrder.Status.SENDING  # a worker died mid-send: its lease has lapsed
    )


def _claim(row_id: int) -> tuple[RowLease, OutboundOrder] | None:
    """The row with its lease when it is due and nobody else is sending it."""
    lease = RowLease(
        OutboundOrder.objects.all(), row_id, field="locked_until", duration=LEASE, heartbeat=LEASE
    )
    if not lease.acquire(_due(), status=OutboundOrder.Status.SENDING):
        return None
    return lease, OutboundOrder.objects.select_related("note").get(pk=row_id)


def _held_as_pulled(lease: RowLease, row: OutboundOrder) -> bool:
    """A note the platform pulls by itself is never pushed as well (it would ship twice).
    Telling it the note shipped is not sending it: its order is the same one."""
    if row.action == OutboundOrder.Action.SHIP or not pulled_by_platform(row.note, row.platform):
        return False
    reason = _("The platform already pulls this note by itself; it is not sent a second time.")
    _finish(lease, row, OutboundOrder.Status.HELD, reason=reason)
    return True


def _failed(lease: RowLease, row: OutboundOrder, error: PlatformError) -> None:
    """Transient: pending again with backoff (failed after MAX_ATTEMPTS); else held."""
    attempts = row.attempts + 1
    if not isinstance(error, TransientPlatformError):
        _finish(lease, row, OutboundOrder.Status.HELD, attempts=attempts, reason=str(error)[:500])
    elif attempts >= MAX_ATTEMPTS:
        _finish(lease, row, OutboundOrder.Status.FAILED, attempts=attempts, reason=str(error))
    else:
        _finish(
            lease,
            row,
            OutboundOrder.Status.PENDING,
            attempts=attempts,
            reason=str(error),
            next_attempt_at=timezone.now() + backoff(attempts),
        )


def _sent(lease: RowLease, row: OutboundOrder, external_id: str) -> None:
    now = timezone.now()
    note = row.note
    if row.action == OutboundOrder.Action.SHIP:  # the order is where it was: nothing to record
        _finish(
            lease, row, OutboundOrder.Status.SENT, attempts=row.attempts + 1, reason="", sent_at=now
        )
        return
    with transaction.atomic():
        PlatformOrder.objects.update_or_create(
            note=note,
            platform=row.platform,
            defaults={
                "brand_id": note.brand_id,
                "route": PlatformOrder.Route.PUSHED,
                "external_id": external_id[:100],
                "last_sent_at": now,
            },
            create_defaults={
                "brand_id": note.brand_id,
                "route": PlatformOrder.Route.PUSHED,
                "external_id": external_id[:100],
                "first_sent_at": now,
                "last_sent_at": now,
            },
        )
        _finish(
            lease,
            row,
            OutboundOrder.Status.SENT,
            attempts=row.attempts + 1,
            reason="",
            external_id=external_id[:100],
            sent_at=now,
        )


def _batchable(pusher: OrderPusher, row: OutboundOrder) -> bool:
    """A first push (no id stored) to a platform that takes several orders in one call."""
    return (
        row.action == OutboundOrder.Action.PUSH
        and not row.part
        and not row.external_id
        and getattr(pusher, "batch_size", 1) > 1
    )


def _companions(row: OutboundOrder, limit: int) -> list[tuple[RowLease, OutboundOrder]]:
    """Other first pushes of the brand to the same platform that are due, claimed for one
    call; a row another worker holds is left to it."""
    candidates = (
        OutboundOrder.objects.filter(
            brand_id=row.brand_id,
            platform=row.platform,
            action=OutboundOrder.Action.PUSH,
            part="",
            external_id="",
            status=OutboundOrder.Status.PENDING,
            next_attempt_at__lte=timezone.now(),
        )
        .exclude(pk=row.pk)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in list(candidates):
        found = _claim(pk)
        if found is not None and not _held_as_pulled(*found):
            claimed.append(found)
    return claimed


def _send_batch(pusher: OrderPusher, claimed: list[tuple[RowLease, OutboundOrder]]) -> None:
    try:
        outcome = pusher.push_many([(row.note, row.idempotency_key) for _, row in claimed])
    except PlatformError as exc:  # the whole call failed: every row shares its fate
        for lease, row in claimed:
            _failed(lease, row, exc)
        return
    for lease, row in claimed:
        result = outcome.get(row.idempotency_key)
        if result is None:
            result = PlatformUnavailable(_("The platform did not answer for this order."))
        if isinstance(result, PlatformError):
            _failed(lease, row, result)
        else:
            _sent(lease, row, result)


def send(row_id: int) -> str:
    """Send one row if it is due and nobody else is sending it; returns the row's status.

    A first push to a platform that takes several orders in one call (ShipStation V1 takes 100)
    also sends the brand's other due first pushes with it, each row keeping its own outcome.
    """
    claimed = _claim(row_id)
    if claimed is None:
        return "busy"
    lease, row = claimed
    integration = Integration.objects.filter(platform=row.platform, is_active=True).first()
    if integration is None:
        _finish(lease, row, OutboundOrder.Status.HELD, reason=_("The connection is not active."))
        return row.status
    if _held_as_pulled(lease, row):
        return row.status
    try:
        pusher = get_platform(row.platform).order_pusher(integration)
    except ValueError as exc:  # e.g. the API credentials were never entered
        _finish(lease, row, OutboundOrder.Status.HELD, reason=str(exc)[:500])
        return row.status
    note, key = row.note, row.idempotency_key
    # Only a platform that sends parts of notes is told which part (the others never get one).
    part = {"part": row.part} if row.part else {}
    try:
        if _batchable(pusher, row):
            _send_batch(pusher, [claimed, *_companions(row, pusher.batch_size - 1)])
            return row.status
        try:
            if row.action == OutboundOrder.Action.CANCEL:
                pusher.cancel(note, key=key, existing_id=row.external_id, **part)
                external_id = row.external_id
            elif row.action == OutboundOrder.Action.SHIP:
                pusher.mark_shipped(note, key=key, existing_id=row.external_id)
                external_id = row.external_id
            else:
                external_id = pusher.push(note, key=key, existing_id=row.external_id, **part)
        except PlatformError as exc:
            _failed(lease, row, exc)
            return row.status
        _sent(lease, row, external_id)
        return row.status
    finally:
        pusher.close()


@brand_task(transient=(), max_retries=0)
def send_order(self, brand, row_id: int) -> str:
    """Send one outbox row (idempotent: a row not due, or being sent, is left alone)."""
    return send(row_id)


def send_due() -> int:
    """Beat entry: rows whose next attempt is due, or whose sender died, are sent again."""
    now = timezone.now()
    with scopes_disabled():
        rows = list(
            OutboundOrder.objects.filter(
                Q(status=OutboundOrder.Status.PENDING, next_attempt_at__lte=now)
                | Q(status=OutboundOrder.Status.SENDING, locked_until__lt=now)
            ).values_list("brand_id", "pk")[:500]
        )
    for brand_id, pk in rows:
        send_order.delay(brand_id, pk)
    return len(rows)


def tell_platforms(sender, *, note: DeliveryNote, event: str, **kwargs) -> None:
    """A note changed in Hakobu: every platform that is sent orders decides what to queue."""
    from integrations.registry import platforms

    for spec in platforms():
        if spec.on_note_changed is not None:
            spec.on_note_changed(note, event)
