"""Telling notification members which notes a platform shipped: from what is recorded.

A platform shipment is recorded (`record_shipment`) with no announcement; the next
`announce_recorded` of its integration claims it and emails about it, so a shipment is announced
exactly once whoever recorded it: a run that crashed before its email, the run that calls this
afterwards, or neither (the daily digest then tells). The sync runner calls it after every run in
"after each sync" mode; `integrations.tasks.send_shipment_digests` calls it with `digest_since` in
daily mode.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Count, Min, QuerySet

from delivery_notes.models import Shipment
from integrations import notices
from integrations.models import Integration, NotifyMode, ShipmentAnnouncement


def waiting_shipments(integration: Integration) -> QuerySet[Shipment]:
    """This platform's shipments of this brand recorded and not announced yet.

    Served by the partial index `shipment_unannounced_idx` (brand, platform; waiting rows only).
    A shipment recorded in Hakobu never waits. The brand is named as well as scoped: called in
    another brand's scope by mistake, it finds nothing rather than the wrong brand's shipments.
    """
    return Shipment.objects.filter(
        brand_id=integration.brand_id, platform=integration.platform, awaiting_announcement=True
    )


def announce_recorded(
    integration: Integration, *, digest_since: datetime | None = None
) -> ShipmentAnnouncement | None:
    """Claim every recorded, not yet announced shipment of the integration and email about it.

    `digest_since` makes it the daily digest (the period's start, shown in the email); without
    it, the email after a sync, which in daily mode is not sent: the shipments wait for the
    digest. Returns None, and sends nothing, when nothing waits.

    Call inside the brand's scope. Safe with two workers at once: the claim is one conditional
    UPDATE (`awaiting_announcement`), so a row claimed by one is skipped by the other, on
    PostgreSQL (the second waits for the first's commit, then re-checks) and SQLite (one writer)
    alike. The notification rows are written in the same transaction and mailed after it commits,
    so a failure rolls the claim back and the next call announces the same shipments.
    """
    if digest_since is None and integration.notify_mode == NotifyMode.DAILY:
        return None
    waiting = waiting_shipments(integration)
    if not waiting.exists():  # the common case, every few minutes: one index probe
        return None
    with transaction.atomic():
        announcement = ShipmentAnnouncement.objects.create(
            brand=integration.brand,
            platform=integration.platform,
            kind=(
                ShipmentAnnouncement.Kind.PER_SYNC
                if digest_since is None
                else ShipmentAnnouncement.Kind.DIGEST
            ),
        )
        if not waiting.update(announcement=announcement, awaiting_announcement=False):
            announcement.delete()  # another worker claimed them first
            return None
        totals = Shipment.objects.filter(announcement=announcement).aggregate(
            shipments=Count("id"), notes=Count("note_id", distinct=True), first=Min("created_at")
        )
        announcement.shipment_count = totals["shipments"]
        announcement.note_count = totals["notes"]
        if digest_since is not None:
            # Older shipments still waiting (a digest that could not be sent) are told too.
            announcement.since = min(digest_since, totals["first"] or digest_since)
        announcement.save(update_fields=["shipment_count", "note_count", "since"])
        notices.shipments_synced(integration, announcement)
    return announcement
