"""The shipment sync every platform shares: lease, complete listing, idempotent writes, cursor.

A platform only supplies a `ShipmentSource` (one page of raw items for a date window, and a
parser). The runner:
- holds a short per-brand lease renewed by a heartbeat while it works (brands.leases), so
  two workers never sync a brand at once and a killed worker blocks it for minutes, not hours; a
  run a dead worker left "Running" is marked Interrupted by the next one;
- reads the listing through `ListingReader`, which returns every shipment created since the
  cursor whatever the platform's order or paging, or fails the run with a reason;
- applies each page's new shipments in one transaction through `record_shipments` (a constant
  handful of queries a page, idempotent by external_id; `sync_pages`); a shipment it recorded
  before and sees again in the trailing window has its tracking numbers, carrier, service and
  ship date brought up to date, or is voided;
- moves the cursor (the newest `created_at` handled) only after a complete read, never past a
  shipment still waiting for a tracking number; the next run starts `OVERLAP` before it;
- turns failures into a run log, one "failing" email after N failed runs in a row, one
  "recovered" email after, and a paused connection when the token is rejected. What the
  "shipments synced" email announces is whatever is recorded and not yet announced
  (integrations.announcements), so a crashed run's shipments are announced by the next one.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.leases import LeaseLost, RowLease
from brands.scoping import brand_task_scope, scopes_disabled
from delivery_notes.models import DeliveryNote
from integrations import announcements, notices
from integrations.http import AuthRejected, PlatformError, RateLimited, TransientPlatformError
from integrations.listing import Listed, ListingReader, Window
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
from integrations.sync_pages import PageWriter, Result

logger = logging.getLogger(__name__)

#: A run holds its brand this long past its last heartbeat; a killed worker's lease lapses then.
LEASE = timedelta(minutes=2)
#: How often a working run renews its lease (each page and each shipment call `beat()`).
HEARTBEAT = timedelta(seconds=20)
#: Each run re-reads this much before the cursor: late-visible shipments are not missed, and a
#: label voided or re-printed on the platform within this window is applied to its note.
OVERLAP = timedelta(hours=48)
#: Stored unmatched shipments retried per transaction (their notes appeared since).
RETRY_PAGE = 500
#: Shipments of the listing written together (whole pages, one transaction): a platform's page
#: (often 100) is sized for its API, and a write's fixed costs (a dozen queries, the commit's
#: checks) would otherwise be paid that often. A crash loses at most this much work, which the
#: next run reads again (the cursor moves only after the whole listing).
WRITE_BATCH = 500
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

    platform_name: str
    first_page: int

    def fetch_page(self, window: Window, page: int) -> Sequence[Any]: ...

    def parse(self, item: Any) -> PlatformShipment: ...

    def close(self) -> None: ...


def sync_lease(integration: Integration) -> RowLease:
    """The brand's sync lease for this platform."""
    return RowLease(
        Integration, integration.pk, field="sync_locked_until", duration=LEASE, heartbeat=HEARTBEAT
    )


class SyncRunner:
    """One sync of one integration; call inside that brand's scope (`sync_integration` does)."""

    def __init__(self, integration: Integration, source: ShipmentSource) -> None:
        self.integration = integration
        self.source = source
        self.spec = get_platform(integration.platform)
        self.lease = sync_lease(integration)
        self.writer = PageWriter(
            integration, self.spec.display_name, on_recorded=self.spec.on_shipment_recorded
        )

    # --- the run --------------------------------------------------------------------------

    def run(self, *, final_attempt: bool = True) -> SyncRun:
        """Pull and apply; re-raise a transient error unless this is the last attempt."""
        integration = self.integration
        if not self.lease.acquire():
            return self._skipped(_("Another sync of this brand was still running."))
        # The row was read before the lease: another run may have moved the cursor or counted a
        # failure since, or an admin disconnected. Work from what the lease now protects.
        integration.refresh_from_db(fields=LEASED_FIELDS)
        if not integration.is_syncable:
            self.lease.release()
            return self._skipped(_("The connection is no longer active."))
        self._interrupt_abandoned_runs()
        run = SyncRun.objects.create(brand_id=integration.brand_id, integration=integration)
        try:
            self._retry_unmatched(run)
            self._pull(run)
        except LeaseLost:
            self._finish(
                run,
                SyncRun.Outcome.INTERRUPTED,
                _("This run stalled and another sync took over."),
            )
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
            self.lease.release()
            self._announce()
        return run

    def _announce(self) -> None:
        """Per-sync mode: tell the members about every shipment recorded and not yet announced
        (this run's, and an interrupted run's)."""
        if self.integration.notify_mode != NotifyMode.PER_SYNC:
            return
        try:
            announcements.announce_recorded(self.integration)
        except Exception:
            # The shipments stay unannounced: the next run (or digest) announces them.
            logger.exception("announcing shipments of integration %s failed", self.integration.pk)

    def _skipped(self, reason: str) -> SyncRun:
        return SyncRun.objects.create(
            brand_id=self.integration.brand_id,
            integration=self.integration,
            outcome=SyncRun.Outcome.SKIPPED,
            finished_at=timezone.now(),
            error=reason,
        )

    def _interrupt_abandoned_runs(self) -> None:
        """Runs still "Running" while this one holds the lease belong to a worker that died."""
        SyncRun.objects.filter(
            integration=self.integration, outcome=SyncRun.Outcome.RUNNING
        ).update(
            outcome=SyncRun.Outcome.INTERRUPTED,
            finished_at=timezone.now(),
            error=_("The worker stopped before this run finished; the next run read it again."),
        )

    def _since(self) -> datetime:
        cursor = self.integration.sync_cursor
        if cursor:
            return datetime.fromisoformat(cursor) - OVERLAP
        start = self.integration.connected_at or timezone.now()
        return start - timedelta(days=settings.INTEGRATION_INITIAL_LOOKBACK_DAYS)

    def _fetch(self, window: Window, page: int) -> Sequence[Any]:
        self.lease.beat()
        return self.source.fetch_page(window, page)

    def _pull(self, run: SyncRun) -> None:
        reader = ListingReader(
            self._fetch,
            self.source.parse,
            platform_name=self.spec.display_name,
            first_page=self.source.first_page,
        )
        self._settled: datetime | None = None  # newest created_at handled
        self._pending: datetime | None = None  # oldest created_at still waiting for tracking
        buffered: list[tuple[PlatformShipment, Any]] = []
        try:
            for batch in reader.pages(self._since()):
                run.fetched += len(batch)
                buffered += self._readable(batch, run)
                if len(buffered) >= WRITE_BATCH:
                    self._write(buffered, run)
                    buffered = []
        except PlatformError:
            # A page the platform failed to give: what was read before it is still recorded
            # (as a page-by-page write would have), the cursor stays, the run fails.
            self._write(buffered, run)
            raise
        self._write(buffered, run)
        # Only now is everything since the cursor known to be read.
        self._advance_cursor(self._settled, self._pending)

    def _write(self, shipments: list[tuple[PlatformShipment, Any]], run: SyncRun) -> None:
        """Apply a batch of the listing (whole pages, about WRITE_BATCH shipments) in one go."""
        if not shipments:
            run.save(update_fields=["fetched", "skipped"])
            return
        recorded = self.writer.recorded([shipment.external_id for shipment, _raw in shipments])
        outcomes = []
        new = [(s, raw) for s, raw in shipments if s.external_id not in recorded]
        for shipment, _raw in shipments:
            if known := recorded.get(shipment.external_id):
                self.lease.beat()
                outcomes.append((shipment, self.writer.revisit(known, shipment)))
        self.lease.beat()
        outcomes += zip((s for s, _raw in new), self.writer.apply(new), strict=True)
        for shipment, result in outcomes:
            self._count(run, result)
            created = shipment.created_at
            if result is Result.PENDING:
                self._pending = min(self._pending or created, created)
            else:
                self._settled = max(self._settled or created, created)
        run.save(update_fields=["fetched", "applied", "changed", "unmatched", "skipped"])

    def _readable(
        self, batch: Sequence[Listed], run: SyncRun
    ) -> list[tuple[PlatformShipment, Any]]:
        """The batch's shipments; a malformed one is logged (by id only) and skipped."""
        readable = []
        for item in batch:
            if item.shipment is not None:
                readable.append((item.shipment, item.raw))
                continue
            problem = item.problem or MalformedShipment("unreadable")
            logger.warning(
                "%s shipment %s skipped (integration %s): %s",
                self.spec.display_name,
                problem.external_id or "without id",
                self.integration.pk,
                problem,
            )
            run.skipped += 1
        return readable

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
        elif result is Result.CHANGED:
            run.changed += 1
        elif result is Result.UNMATCHED:
            run.unmatched += 1
        elif result is Result.SKIPPED:
            run.skipped += 1

    # --- one shipment outside a run -------------------------------------------------------

    def apply_one(self, shipment: PlatformShipment, raw: Any) -> Result:
        """One shipment heard of outside a run (a webhook): recorded, updated or voided as a
        run would. Idempotent: the run that sees it later finds it known."""
        known = self.writer.recorded([shipment.external_id]).get(shipment.external_id)
        if known is not None:
            return self.writer.revisit(known, shipment)
        (result,) = self.writer.apply([(shipment, raw)])
        return result

    def _retry_unmatched(self, run: SyncRun) -> None:
        """A note created after its shipment was seen: match the stored shipment now."""
        waiting = UnmatchedShipment.objects.filter(
            integration=self.integration,
            reference__in=DeliveryNote.objects.values("number"),
        )
        page = []
        for row in waiting.iterator():
            try:
                page.append((self.source.parse(row.payload), row.payload))
            except MalformedShipment:
                continue
            if len(page) >= RETRY_PAGE:
                self._retry_page(run, page)
                page = []
        self._retry_page(run, page)

    def _retry_page(self, run: SyncRun, page: list[tuple[PlatformShipment, Any]]) -> None:
        self.lease.beat()
        for result in self.writer.apply(page):
            self._count(run, result)

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
        if source is None:  # the platform polls nothing in this connection's set-up
            return None
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
