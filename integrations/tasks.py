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
from delivery_notes.models import Activity, Shipment
from integrations import notices
from integrations.models import Integration, NotifyMode, SyncRun


def digest_shipments(integration: Integration, since: datetime) -> list[Shipment]:
    """Shipments this platform recorded since `since`, read from the notes' activity log."""
    ids = [
        activity.data.get("shipment_id")
        for activity in Activity.objects.filter(
            platform=integration.platform, verb="shipment", created_at__gte=since
        ).order_by("created_at", "id")
    ]
    shipments = Shipment.objects.select_related("note").in_bulk([pk for pk in ids if pk])
    return [shipments[pk] for pk in ids if pk in shipments]


def digest_due(integration: Integration, now: datetime) -> bool:
    """At INTEGRATION_DIGEST_HOUR in the brand's own time zone."""
    local = timezone.localtime(now, zoneinfo.ZoneInfo(integration.brand.time_zone))
    return local.hour == settings.INTEGRATION_DIGEST_HOUR


@shared_task
def send_shipment_digests() -> int:
    """Beat entry (hourly): one summary per integration whose members chose the digest, sent when
    it is the digest hour where the brand is.

    Covers the last 24 hours, or less when a digest already went out (a re-run sends nothing new).
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
        # Read, send and mark under the row's lock: a second run waits and finds nothing new;
        # a failure marks nothing, so the next run still sends the digest.
        with brand_scope(integration.brand), transaction.atomic():
            integration.config = (
                Integration.objects.select_for_update()
                .values_list("config", flat=True)
                .get(pk=integration.pk)
            )
            last = integration.config.get("last_digest_at")
            since = now - timedelta(hours=24)
            if last:
                since = max(since, datetime.fromisoformat(last))
            shipments = digest_shipments(integration, since)
            integration.config = {**integration.config, "last_digest_at": now.isoformat()}
            integration.save(update_fields=["config", "updated_at"])
            if shipments:
                notices.shipments_synced(integration, shipments, digest_since=since)
                sent += 1
    return sent


@shared_task
def prune_sync_runs() -> int:
    """Beat entry (daily): a run is logged every few minutes per brand; keep a few weeks of them."""
    cutoff = timezone.now() - timedelta(days=settings.SYNC_RUN_RETENTION_DAYS)
    with scopes_disabled():
        deleted, _by_model = SyncRun.objects.filter(started_at__lt=cutoff).delete()
    return deleted
