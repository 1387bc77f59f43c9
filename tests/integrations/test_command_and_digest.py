"""`manage.py sync_shipments` and the daily digest of synced shipments (what is recorded and not
yet announced, once a day at the digest hour)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import DeliveryNote, Shipment
from integrations.announcements import waiting_shipments
from integrations.models import ConnectionStatus, Integration, NotifyMode, ShipmentAnnouncement
from integrations.registry import HAKOBU
from integrations.sync import sync_integration
from integrations.tasks import send_shipment_digests
from notifications.models import Notification
from tests.factories import DeliveryNoteFactory
from tests.integrations.conftest import make_integration
from tests.integrations.fakes import shipment
from tests.integrations.test_announcements import recorded


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("sync_shipments", *args, stdout=out)
    return out.getvalue()


def test_command_syncs_every_connected_brand_and_prints_a_summary(
    brand, other_brand, integration, fake
):
    DeliveryNoteFactory(brand=brand, number="DN-1")
    make_integration(other_brand, is_active=False, status=ConnectionStatus.NOT_INTEGRATED)
    fake.shipments = [shipment("DN-1"), shipment("DN-UNKNOWN"), shipment("DN-1", state="cancelled")]
    output = run_command("--platform", "shipandco")
    assert "brand-a: success — fetched 3, applied 1, unmatched 1, skipped 1" in output
    assert "brand-b" not in output
    assert "applied 0, unmatched 0" in run_command("--platform", "shipandco", "--brand", "brand-a")


def test_command_refuses_a_brand_that_is_not_connected(brand, other_brand, integration, fake):
    with pytest.raises(CommandError, match="not integrated"):
        run_command("--platform", "shipandco", "--brand", "brand-b")


def test_command_reports_a_failed_run(integration, fake):
    from tests.integrations.fakes import json_response

    fake.responses.append(json_response(500, {}))
    assert "brand-a: failed" in run_command("--platform", "shipandco")


def test_daily_digest_replaces_per_sync_emails(
    brand, admin_member, fake, digest_hour_now, django_capture_on_commit_callbacks
):
    integration = make_integration(
        brand, members=[admin_member], config={"notify_mode": NotifyMode.DAILY}
    )
    DeliveryNoteFactory(brand=brand, number="DN-1")
    DeliveryNoteFactory(brand=brand, number="DN-2")
    fake.shipments = [shipment("DN-1", numbers=["400000000011"]), shipment("DN-2")]
    with django_capture_on_commit_callbacks(execute=True):
        assert sync_integration(integration.pk).applied == 2
        assert mail.outbox == []  # no per-sync email in digest mode
        assert send_shipment_digests() == 1
        assert send_shipment_digests() == 0  # nothing new since the last digest
    (message,) = mail.outbox
    assert message.subject == "Daily summary: 2 delivery notes shipped via Ship&co"
    assert "DN-1" in message.body and "400000000011" in message.body
    with scopes_disabled():
        first = DeliveryNote.objects.get(number="DN-1")
        announcement = ShipmentAnnouncement.objects.get()
    assert f"/b/brand-a/delivery-notes/{first.pk}/" in message.body
    # The main link: the list of exactly the notes this digest told about.
    assert f"/b/brand-a/delivery-notes/?announcement={announcement.pk}" in message.body
    assert (announcement.kind, announcement.note_count) == ("digest", 2)


def test_a_digest_also_tells_shipments_an_earlier_digest_left_waiting(
    brand, admin_member, digest_hour_now
):
    """Yesterday's digest was never sent (beat down): today's tells those shipments too."""
    integration = make_integration(
        brand, members=[admin_member], config={"notify_mode": NotifyMode.DAILY}
    )
    old = recorded(brand, "DN-OLD")
    three_days_ago = timezone.now() - timedelta(days=3)
    with scopes_disabled():
        Shipment.objects.filter(pk=old.pk).update(created_at=three_days_ago)
    recorded(brand, "DN-NEW")
    assert send_shipment_digests() == 1
    with scopes_disabled():
        (notification,) = Notification.objects.filter(event="integration_shipments_synced")
        announcement = ShipmentAnnouncement.objects.get()
    assert "DN-OLD" in notification.body and "DN-NEW" in notification.body
    assert (announcement.kind, announcement.since) == ("digest", three_days_ago)
    integration.refresh_from_db()
    assert integration.config["last_digest_at"]


def test_the_digest_goes_out_once_a_day(brand, admin_member, digest_hour_now):
    integration = make_integration(
        brand, members=[admin_member], config={"notify_mode": NotifyMode.DAILY}
    )
    recorded(brand, "DN-1")
    assert send_shipment_digests() == 1
    recorded(brand, "DN-2")  # synced within the digest hour, after the digest
    assert send_shipment_digests() == 0  # a re-run in the same hour: tomorrow's digest tells it
    with brand_scope(brand):
        assert list(waiting_shipments(integration).values_list("note__number", flat=True)) == [
            "DN-2"
        ]

    with scopes_disabled():  # a day later
        yesterday = (timezone.now() - timedelta(days=1)).isoformat()
        Integration.objects.filter(pk=integration.pk).update(
            config={**integration.config, "last_digest_at": yesterday}
        )
    assert send_shipment_digests() == 1
    with scopes_disabled():
        latest = Notification.objects.filter(event="integration_shipments_synced").latest("id")
    assert "DN-2" in latest.body and "DN-1" not in latest.body
    assert latest.subject == "Daily summary: 1 delivery note shipped via Ship&co"


def test_a_digest_with_nothing_waiting_sends_nothing_and_marks_the_day(
    brand, admin_member, digest_hour_now
):
    integration = make_integration(
        brand, members=[admin_member], config={"notify_mode": NotifyMode.DAILY}
    )
    recorded(brand, "DN-BY-HAND", platform=HAKOBU)
    assert send_shipment_digests() == 0
    integration.refresh_from_db()
    assert "last_digest_at" in integration.config
    with scopes_disabled():
        assert not Notification.objects.exists()


def test_each_brand_gets_its_digest_at_the_digest_hour_in_its_own_time_zone(
    brand, admin_member, fake, settings
):
    integration = make_integration(
        brand, members=[admin_member], config={"notify_mode": NotifyMode.DAILY}
    )
    DeliveryNoteFactory(brand=brand, number="DN-1")
    fake.shipments = [shipment("DN-1")]
    sync_integration(integration.pk)
    tokyo_hour = timezone.localtime(timezone.now(), ZoneInfo("Asia/Tokyo")).hour
    settings.INTEGRATION_DIGEST_HOUR = tokyo_hour

    brand.time_zone = "Europe/Copenhagen"  # 7 or 8 hours behind Tokyo: not its hour yet
    brand.save(update_fields=["time_zone"])
    assert send_shipment_digests() == 0

    brand.time_zone = "Asia/Tokyo"
    brand.save(update_fields=["time_zone"])
    assert send_shipment_digests() == 1
