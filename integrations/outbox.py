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
from integrations.http import AuthRejected, PlatformError, PushRefused, TransientPlatformError
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

    def cancel(self, note: DeliveryNote, *, key: str, existing_id: str) -> None: ...

    def close(self) -> None: ...

    # Optional, for a platform whose spec queues SHIP rows (a shipment recorded in Hakobu):
    # def mark_shipped(self, note: DeliveryNote, *, key: str, existing_id: str) -> None: ...


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


def send(row_id: int) -> str:
    """Send one row if it is due and nobody else is sending it; returns the row's status."""
    lease = RowLease(
        OutboundOrder.objects.all(), row_id, field="locked_until", duration=LEASE, heartbeat=LEASE
    )
    due = Q(status=OutboundOrder.Status.PENDING, next_attempt_at__lte=timezone.now()) | Q(
        status=OutboundOrder.Status.SENDING  # a worker died mid-send: its lease has lapsed
    )
    if not lease.acquire(due, status=OutboundOrder.Status.SENDING):
        return "busy"
    row = OutboundOrder.objects.select_related("note").get(pk=row_id)
    note = row.note
    integration = Integration.objects.filter(platform=row.platform, is_active=True).first()
    if integration is None:
        _finish(lease, row, OutboundOrder.Status.HELD, reason=_("The connection is not active."))
        return row.status
    # A note the platform pulled is never sent to it again; telling it the note shipped is not
    # sending it (the platform's order is the same one).
    if row.action != OutboundOrder.Action.SHIP and pulled_by_platform(note, row.platform):
        reason = _("The platform already pulls this note by itself; it is not sent a second time.")
        _finish(lease, row, OutboundOrder.Status.HELD, reason=reason)
        return row.status
    try:
        pusher = get_platform(row.platform).order_pusher(integration)
    except ValueError as exc:  # e.g. the API credentials were never entered
        _finish(lease, row, OutboundOrder.Status.HELD, reason=str(exc)[:500])
        return row.status
    attempts = row.attempts + 1
    # Only a platform that sends parts of notes is told which part (the others never get one).
    part = {"part": row.part} if row.part else {}
    try:
        if row.action == OutboundOrder.Action.CANCEL:
            pusher.cancel(note, key=row.idempotency_key, existing_id=row.external_id, **part)
            external_id = row.external_id
        elif row.action == OutboundOrder.Action.SHIP:
            pusher.mark_shipped(note, key=row.idempotency_key, existing_id=row.external_id)
            external_id = row.external_id
        else:
            external_id = pusher.push(
                note, key=row.idempotency_key, existing_id=row.external_id, **part
            )
    except TransientPlatformError as exc:
        if attempts >= MAX_ATTEMPTS:
            _finish(lease, row, OutboundOrder.Status.FAILED, attempts=attempts, reason=str(exc))
        else:
            _finish(
                lease,
                row,
                OutboundOrder.Status.PENDING,
                attempts=attempts,
                reason=str(exc),
                next_attempt_at=timezone.now() + backoff(attempts),
            )
        return row.status
    except (PushRefused, AuthRejected, PlatformError) as exc:
        _finish(lease, row, OutboundOrder.Status.HELD, attempts=attempts, reason=str(exc)[:500])
        return row.status
    finally:
        pusher.close()
    now = timezone.now()
    with transaction.atomic():
        if row.action == OutboundOrder.Action.SHIP:
            _finish(
                lease, row, OutboundOrder.Status.SENT, attempts=attempts, reason="", sent_at=now
            )
            return row.status
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
            attempts=attempts,
            reason="",
            external_id=external_id[:100],
            sent_at=now,
        )
    return row.status


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
