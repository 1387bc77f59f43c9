"""Background work shared by every platform: the daily digest of synced shipments, and pruning
the run log."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from brands.scoping import brand_scope, scopes_disabled
from brands.task_base import brand_task
from integrations.announcements import announce_recorded
from integrations.http import PlatformUnavailable
from integrations.models import ConnectionStatus, Integration, NotifyMode, SyncRun
from integrations.sync import run_sync_task


def digest_due(integration: Integration, now: datetime) -> bool:
    """At INTEGRATION_DIGEST_HOUR in the brand's own time zone."""
    local = timezone.localtime(now, zoneinfo.ZoneInfo(integration.brand.time_zone))
    return local.hour == settings.INTEGRATION_DIGEST_HOUR


def digested_today(integration: Integration, last: str | None, now: datetime) -> bool:
    """A digest already went out on this local day (a re-run, or the repeated hour of a DST
    change): the next one is tomorrow's."""
    if not last:
        return False
    zone = zoneinfo.ZoneInfo(integration.brand.time_zone)
    return (
        timezone.localtime(datetime.fromisoformat(last), zone).date()
        == timezone.localtime(now, zone).date()
    )


@shared_task
def send_shipment_digests() -> int:
    """Beat entry (hourly): one summary per integration whose members chose the digest, sent when
    it is the digest hour where the brand is, at most once a day.

    It announces every shipment recorded and not announced yet (`announce_recorded`): what the
    last day's syncs recorded, and anything older a failed digest left waiting.
    """
    now = timezone.now()
    with scopes_disabled():
        integrations = [
            integration
            for integration in Integration.objects.select_related("brand").filter(is_active=True)
            if integration.notify_mode == NotifyMode.DAILY and digest_due(integration, now)
        ]
    sent = 0
    for integration in integrations:
        # Check, announce and mark under the row's lock: a second run waits and finds today's
        # mark; a failure rolls back the mark with the claim, so the next run sends the digest.
        with brand_scope(integration.brand), transaction.atomic():
            integration.config = (
                Integration.objects.select_for_update()
                .values_list("config", flat=True)
                .get(pk=integration.pk)
            )
            last = integration.config.get("last_digest_at")
            if digested_today(integration, last, now):
                continue
            since = now - timedelta(hours=24)
            if last:
                since = max(since, datetime.fromisoformat(last))
            integration.config = {**integration.config, "last_digest_at": now.isoformat()}
            integration.save(update_fields=["config", "updated_at"])
            if announce_recorded(integration, digest_since=since):
                sent += 1
    return sent


@shared_task
def prune_sync_runs() -> int:
    """Beat entry (daily): a run is logged every few minutes per brand; keep a few weeks of them."""
    cutoff = timezone.now() - timedelta(days=settings.SYNC_RUN_RETENTION_DAYS)
    with scopes_disabled():
        deleted, _by_model = SyncRun.objects.filter(started_at__lt=cutoff).delete()
    return deleted


@shared_task
def send_outbox() -> int:
    """Beat entry (every minute): outbox rows due for another attempt, or left by a dead worker."""
    from integrations.outbox import send_due

    return send_due()


@shared_task
def sync_all_brands(platform: str) -> int:
    """Beat entry of a platform that pulls shipments: one `sync_brand` per active, integrated
    connection (Error = paused)."""
    with scopes_disabled():
        rows = list(
            Integration.objects.filter(
                platform=platform, is_active=True, status=ConnectionStatus.INTEGRATED
            ).values_list("brand_id", "pk")
        )
    for brand_id, integration_id in rows:
        sync_brand.delay(brand_id, integration_id)
    return len(rows)


@brand_task(transient=(PlatformUnavailable,), max_retries=4, backoff=30, backoff_max=900)
def sync_brand(self, brand, integration_id: int) -> str:
    """Pull one brand's shipments from its platform; safe to run twice at once (one skips)."""
    if not Integration.objects.filter(pk=integration_id).exists():  # the brand's scope is on
        return "not_connected"
    return run_sync_task(self, integration_id)
