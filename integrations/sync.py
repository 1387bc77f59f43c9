"""The shipment sync every platform shares: lease, pages, idempotent writes, cursor, alerts.

A platform only supplies a `ShipmentSource` (pages of raw items + a parser). The runner:
- takes a per-brand lease with one conditional UPDATE, so two workers never sync a brand at once;
- applies each shipment in its own transaction through `record_shipment` (idempotent by
  external_id), so a malformed item or a crash loses nothing already applied;
- moves the cursor (latest `created_at` fully handled) after each page while pages come oldest
  first (else only once the whole listing is read), never past a shipment still waiting for a
  tracking number; the next run starts an overlap window before it, where a shipment recorded
  earlier and since cancelled on the platform un-ships its note;
- turns failures into a run log, one "failing" email after N failed runs in a row, one
  "recovered" email after, and a paused connection when the token is rejected.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.scoping import brand_task_scope, scopes_disabled
from delivery_notes.models import DeliveryNote, Shipment
from delivery_notes.services import record_shipment, void_shipment
from integrations import notices
from integrations.http import AuthRejected, PlatformError, RateLimited, TransientPlatformError
from integrations.models import (
    ConnectionStatus,
    Integration,
    NotifyMode,
    StatusReason,
    SyncRun,
    UnmatchedShipment,
)
from integrations.records import MalformedShipment, PlatformShipment
from integrations.registry import get_platform

logger = logging.getLogger(__name__)

#: How long a run may hold a brand before another worker may take over (renewed every page).
LEASE = timedelta(minutes=15)
#: Each run re-reads this much before the cursor: late-visible shipments are not missed, and a
#: label voided on the platform within this window un-ships its note (known ones cost nothing).
OVERLAP = timedelta(hours=48)
#: What a run reads again once it holds the lease (another run or an admin may have changed it).
LEASED_FIELDS = (
    "is_active",
    "status",
    "status_reason",
    "config",
    "sync_cursor",
    "last_synced_at",
    "consecutive_failures",
    "failing_notified",
)


class ShipmentSource(Protocol):
    """What a platform gives the runner."""

    def pages(self, since: datetime | None) -> Iterable[Sequence[Any]]: ...

    def parse(self, item: Any) -> PlatformShipment: ...

    def close(self) -> None: ...


class Result(Enum):
    APPLIED = "applied"
    UNMATCHED = "unmatched"
    SKIPPED = "skipped"  # cancelled, malformed, or never got a tracking number
    PENDING = "pending"  # no tracking number yet: hold the cursor
    KNOWN = "known"  # seen before: nothing to do


def acquire_lease(integration: Integration) -> datetime | None:
    """Take the brand's sync lease; the returned expiry is the holder's proof (None = busy)."""
    now = timezone.now()
    until = now + LEASE
    with scopes_disabled():
        taken = (
            Integration.objects.filter(pk=integration.pk)
            .filter(Q(sync_locked_until__isnull=True) | Q(sync_locked_until__lt=now))
            .update(sync_locked_until=until)
        )
    return until if taken == 1 else None


def renew_lease(integration: Integration, held: datetime) -> datetime:
    until = timezone.now() + LEASE
    with scopes_disabled():
        renewed = Integration.objects.filter(pk=integration.pk, sync_locked_until=held).update(
            sync_locked_until=until
        )
    if not renewed:
        logger.warning("sync lease of integration %s expired mid-run", integration.pk)
        return held
    return until


def release_lease(integration: Integration, held: datetime) -> None:
    with scopes_disabled():
        Integration.objects.filter(pk=integration.pk, sync_locked_until=held).update(
            sync_locked_until=None
        )


def _fit(value: str, model, field: str) -> str:
    return value[: model._meta.get_field(field).max_length]


class SyncRunner:
    """One sync of one integration; call inside that brand's scope (`sync_integration` does)."""

    def __init__(self, integration: Integration, source: ShipmentSource) -> None:
        self.integration = integration
        self.source = source
        self.spec = get_platform(integration.platform)
        self.applied: list[Shipment] = []
        self.held: datetime | None = None  # the lease's expiry while this run holds it

    # --- the run --------------------------------------------------------------------------

    def run(self, *, final_attempt: bool = True) -> SyncRun:
        """Pull and apply; re-raise a transient error unless this is the last attempt."""
        integration = self.integration
        self.held = acquire_lease(integration)
        if self.held is None:
            return self._skipped(_("Another sync of this brand was still running."))
        # The row was read before the lease: another run may have moved the cursor or counted a
        # failure since, or an admin disconnected. Work from what the lease now protects.
        integration.refresh_from_db(fields=LEASED_FIELDS)
        if not integration.is_syncable:
            release_lease(integration, self.held)
            return self._skipped(_("The connection is no longer active."))
        run = SyncRun.objects.create(brand_id=integration.brand_id, integration=integration)
        try:
            self._retry_unmatched(run)
            self._pull(run)
        except AuthRejected as exc:
            self._finish(run, SyncRun.Outcome.FAILED, str(exc))
            self._token_rejected()
        except TransientPlatformError as exc:
            if not final_attempt:
                self._finish(run, SyncRun.Outcome.RETRYING, str(exc))
                raise
            self._failed(run, str(exc))
        except PlatformError as exc:
            self._failed(run, str(exc))
        except Exception:
            logger.exception("sync of integration %s crashed", integration.pk)
            self._failed(run, _("Unexpected error; the details are in the server log."))
        else:
            self._finish(run, SyncRun.Outcome.SUCCESS)
            self._succeeded()
        finally:
            release_lease(integration, self.held)
        return run

    def _skipped(self, reason: str) -> SyncRun:
        return SyncRun.objects.create(
            brand_id=self.integration.brand_id,
            integration=self.integration,
            outcome=SyncRun.Outcome.SKIPPED,
            finished_at=timezone.now(),
            error=reason,
        )

    def _since(self) -> datetime:
        cursor = self.integration.sync_cursor
        if cursor:
            return datetime.fromisoformat(cursor) - OVERLAP
        start = self.integration.connected_at or timezone.now()
        return start - timedelta(days=settings.INTEGRATION_INITIAL_LOOKBACK_DAYS)

    def _pull(self, run: SyncRun) -> None:
        settled: datetime | None = None  # newest created_at fully handled
        pending: datetime | None = None  # oldest created_at still waiting for tracking
        newest: datetime | None = None  # newest created_at seen so far
        in_order = True  # every page so far came oldest first (the platform's order is unsure)
        for page in self.source.pages(self._since()):
            parsed = self._parse_page(page, run)
            recorded = self._recorded_ids([shipment.external_id for shipment, _raw in parsed])
            for shipment, raw in parsed:
                in_order = in_order and (newest is None or shipment.created_at >= newest)
                newest = max(newest or shipment.created_at, shipment.created_at)
                if shipment.external_id in recorded:
                    # The overlap window re-reads these (one query a page): only a cancellation
                    # since it was recorded changes anything.
                    result = self._void(shipment) if shipment.cancelled else Result.KNOWN
                else:
                    result = self.apply(shipment, raw)
                self._count(run, result)
                if result is Result.PENDING:
                    pending = min(pending or shipment.created_at, shipment.created_at)
                else:
                    settled = max(settled or shipment.created_at, shipment.created_at)
            if in_order:
                # Oldest first: nothing older than this page is still to come, so a run that
                # fails later may resume from here.
                self._advance_cursor(settled, pending)
            run.save(update_fields=["fetched", "applied", "unmatched", "skipped"])
            self.held = renew_lease(self.integration, self.held)
        self._advance_cursor(settled, pending)  # the whole listing has been read

    def _parse_page(self, page: Sequence[Any], run: SyncRun) -> list[tuple[PlatformShipment, Any]]:
        """The page's shipments; a malformed one is logged (by id only) and skipped."""
        parsed = []
        for item in page:
            run.fetched += 1
            try:
                parsed.append((self.source.parse(item), item))
            except MalformedShipment as exc:
                logger.warning(
                    "%s shipment %s skipped (integration %s): %s",
                    self.spec.display_name,
                    exc.external_id or "without id",
                    self.integration.pk,
                    exc,
                )
                run.skipped += 1
        return parsed

    def _recorded_ids(self, external_ids: Sequence[str]) -> set[str]:
        return set(
            Shipment.objects.filter(
                platform=self.integration.platform, external_id__in=external_ids
            ).values_list("external_id", flat=True)
        )

    def _advance_cursor(self, settled: datetime | None, pending: datetime | None) -> None:
        """Forward to the newest settled shipment, but never beyond one still pending."""
        current = self.integration.sync_cursor
        target = settled
        if current:
            target = max(target or datetime.fromisoformat(current), datetime.fromisoformat(current))
        if pending is not None:
            target = min(target or pending, pending)
        if target is None:
            return
        value = target.isoformat()
        if value != current:
            self.integration.sync_cursor = value
            self.integration.save(update_fields=["sync_cursor", "updated_at"])

    @staticmethod
    def _count(run: SyncRun, result: Result) -> None:
        if result is Result.APPLIED:
            run.applied += 1
        elif result is Result.UNMATCHED:
            run.unmatched += 1
        elif result is Result.SKIPPED:
            run.skipped += 1

    # --- one shipment ---------------------------------------------------------------------

    def apply(self, shipment: PlatformShipment, raw: Any) -> Result:
        """Write one shipment (its own transaction); only ever to a note of this brand."""
        if shipment.cancelled:
            return Result.SKIPPED
        if not shipment.has_tracking:
            hold = timedelta(days=settings.INTEGRATION_PENDING_HOLD_DAYS)
            return Result.SKIPPED if shipment.created_at < timezone.now() - hold else Result.PENDING
        if len(shipment.external_id) > Shipment._meta.get_field("external_id").max_length:
            logger.warning("%s shipment id too long, skipped", self.spec.display_name)
            return Result.SKIPPED
        with transaction.atomic():
            note = (
                DeliveryNote.objects.filter(number=shipment.reference).first()
                if shipment.reference
                else None
            )
            if note is None:
                return self._unmatched(shipment, raw)
            recorded = record_shipment(
                note,
                platform=self.integration.platform,
                external_id=shipment.external_id,
                carrier=_fit(shipment.carrier, Shipment, "carrier"),
                service=_fit(shipment.service, Shipment, "service"),
                tracking_numbers=shipment.tracking_numbers,
                shipped_on=shipment.ship_date,
            )
            UnmatchedShipment.objects.filter(
                integration=self.integration, external_id=shipment.external_id
            ).delete()
        if recorded is None:
            return Result.KNOWN
        self.applied.append(recorded)
        return Result.APPLIED

    def _void(self, shipment: PlatformShipment) -> Result:
        recorded = Shipment.objects.select_related("note").get(
            platform=self.integration.platform, external_id=shipment.external_id
        )
        void_shipment(recorded)
        return Result.APPLIED

    def _unmatched(self, shipment: PlatformShipment, raw: Any) -> Result:
        _row, created = UnmatchedShipment.objects.get_or_create(
            integration=self.integration,
            external_id=shipment.external_id,
            defaults={
                "brand_id": self.integration.brand_id,
                "reference": _fit(shipment.reference, UnmatchedShipment, "reference"),
                "tracking_numbers": list(shipment.tracking_numbers),
                "payload": raw if isinstance(raw, dict) else {},
            },
        )
        return Result.UNMATCHED if created else Result.KNOWN

    def _retry_unmatched(self, run: SyncRun) -> None:
        """A note created after its shipment was seen: match the stored shipment now."""
        waiting = UnmatchedShipment.objects.filter(
            integration=self.integration,
            reference__in=DeliveryNote.objects.values("number"),
        )
        for row in waiting:
            try:
                shipment = self.source.parse(row.payload)
            except MalformedShipment:
                continue
            if self.apply(shipment, row.payload) is Result.APPLIED:
                run.applied += 1

    # --- outcomes -------------------------------------------------------------------------

    def _finish(self, run: SyncRun, outcome: str, error: str = "") -> None:
        run.outcome = outcome
        run.error = error
        run.finished_at = timezone.now()
        run.save()

    def _failed(self, run: SyncRun, error: str) -> None:
        """A failed run: count it; tell the members once when N runs in a row failed."""
        self._finish(run, SyncRun.Outcome.FAILED, error)
        integration = self.integration
        integration.consecutive_failures += 1
        fields = ["consecutive_failures", "updated_at"]
        alert = (
            integration.consecutive_failures >= settings.INTEGRATION_FAILURE_ALERT_AFTER
            and not integration.failing_notified
        )
        if alert:
            integration.failing_notified = True
            fields.append("failing_notified")
        integration.save(update_fields=fields)
        if alert:
            notices.sync_failing(integration, error)

    def _succeeded(self) -> None:
        integration = self.integration
        recovered = integration.failing_notified
        integration.last_synced_at = timezone.now()
        integration.consecutive_failures = 0
        integration.failing_notified = False
        integration.save(
            update_fields=[
                "last_synced_at",
                "consecutive_failures",
                "failing_notified",
                "updated_at",
            ]
        )
        if recovered:
            notices.sync_recovered(integration)
        if self.applied and integration.notify_mode == NotifyMode.PER_SYNC:
            notices.shipments_synced(integration, self.applied)

    def _token_rejected(self) -> None:
        """Pause polling (status Error) and tell the members, once per rejection."""
        integration = self.integration
        changed = Integration.objects.filter(
            pk=integration.pk, status=ConnectionStatus.INTEGRATED
        ).update(
            status=ConnectionStatus.ERROR,
            status_reason=StatusReason.TOKEN_REJECTED,
            updated_at=timezone.now(),
        )
        if changed:
            integration.status = ConnectionStatus.ERROR
            integration.status_reason = StatusReason.TOKEN_REJECTED
            notices.token_rejected(integration)


def sync_integration(integration_id: int, *, final_attempt: bool = True) -> SyncRun | None:
    """Sync one integration in its brand's scope; None when it is not (or no longer) connected."""
    with scopes_disabled():
        integration = Integration.objects.select_related("brand").filter(pk=integration_id).first()
    if integration is None or not integration.is_syncable:
        return None
    with brand_task_scope(integration.brand):
        source = get_platform(integration.platform).build_source(integration)
        try:
            return SyncRunner(integration, source).run(final_attempt=final_attempt)
        finally:
            source.close()


def retry_countdown(retries: int, exc: Exception, *, base: float = 30, cap: float = 900) -> float:
    """Exponential backoff with full jitter, but never sooner than the platform's Retry-After."""
    delay = random.uniform(0, min(cap, base * 2**retries))
    if isinstance(exc, RateLimited) and exc.retry_after:
        delay = max(delay, exc.retry_after)
    return delay


def run_sync_task(task, integration_id: int) -> str:
    """Body of every platform's `sync_brand` Celery task.

    Rate limits are retried here to honour Retry-After; outages by the task's `autoretry_for`.
    The last attempt records the failure instead of raising.
    """
    final = task.request.retries >= task.max_retries
    try:
        run = sync_integration(integration_id, final_attempt=final)
    except RateLimited as exc:
        raise task.retry(exc=exc, countdown=retry_countdown(task.request.retries, exc)) from exc
    return run.outcome if run else "not_connected"
