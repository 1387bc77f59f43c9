"""What a "shipments synced" email announces: what is recorded and not yet announced, once.

Shipments are recorded here through `record_shipment`, as the sync runner records them, so these
tests hold whatever run recorded them (or crashed after recording them).
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import DeliveryNote, Shipment
from delivery_notes.services import record_shipment, void_shipment
from integrations import announcements, notices
from integrations.announcements import announce_recorded, waiting_shipments
from integrations.models import NotifyMode, ShipmentAnnouncement
from integrations.registry import HAKOBU
from integrations.shipandco import SHIPANDCO
from notifications.models import Notification
from tests.factories import DeliveryNoteFactory, MembershipFactory
from tests.integrations.conftest import make_integration

EVENT = "integration_shipments_synced"
_ids = itertools.count(1)


def recorded(brand, number: str, *, platform: str = SHIPANDCO, **fields) -> Shipment:
    """A note and a shipment of it, recorded as a sync records one (and nothing announced)."""
    with scopes_disabled():
        note = DeliveryNote.objects.filter(brand=brand, number=number).first()
    note = note or DeliveryNoteFactory(brand=brand, number=number)
    n = next(_ids)
    values = {
        "carrier": "yamato",
        "tracking_numbers": [f"4000{n:08d}"],
        "external_id": f"{platform}-{n}",
        **fields,
    }
    if platform == HAKOBU:
        values.pop("external_id")
    with brand_scope(brand):
        return record_shipment(note, platform=platform, **values)


def announce(integration, **kwargs) -> ShipmentAnnouncement | None:
    with brand_scope(integration.brand):
        return announce_recorded(integration, **kwargs)


def notifications(brand) -> list[Notification]:
    with scopes_disabled():
        return list(Notification.objects.filter(brand=brand, event=EVENT).order_by("id"))


def listed_links(html: str) -> list[str]:
    """The note numbers the email's table links to."""
    return re.findall(r'<td style="padding:4px;"><a href="[^"]+">([^<]+)</a></td>', html)


def test_each_shipment_is_announced_once(brand, integration, django_capture_on_commit_callbacks):
    recorded(brand, "DN-1", tracking_numbers=["400000000011"])
    recorded(brand, "DN-2", carrier="sagawa", tracking_numbers=["512547514334"])
    with django_capture_on_commit_callbacks(execute=True):
        first = announce(integration)
        assert announce(integration) is None  # nothing new: nothing sent
    assert (first.kind, first.note_count, first.shipment_count) == ("per_sync", 2, 2)
    with scopes_disabled():
        assert set(first.shipments.values_list("note__number", flat=True)) == {"DN-1", "DN-2"}
        assert not Shipment.objects.filter(awaiting_announcement=True).exists()
    (message,) = mail.outbox
    assert message.subject == "2 delivery notes shipped via Ship&co"
    assert "400000000011" in message.body and "512547514334" in message.body
    assert f"/b/brand-a/delivery-notes/?announcement={first.pk}" in message.body
    assert len(notifications(brand)) == 1

    recorded(brand, "DN-3")
    with django_capture_on_commit_callbacks(execute=True):
        second = announce(integration)
    assert (second.note_count, second.shipment_count) == (1, 1)
    assert mail.outbox[-1].subject == "1 delivery note shipped via Ship&co"
    assert "DN-1" not in mail.outbox[-1].body


def test_shipments_a_crashed_run_recorded_are_announced_by_the_next_call(brand, integration):
    # A run recorded two shipments and its worker was killed before any email.
    recorded(brand, "DN-CRASH-1")
    recorded(brand, "DN-CRASH-2")
    with brand_scope(brand):
        assert waiting_shipments(integration).count() == 2
    # The next run records one more and announces: all three, in one email.
    recorded(brand, "DN-NEXT")
    announcement = announce(integration)
    assert (announcement.note_count, announcement.shipment_count) == (3, 3)
    (notification,) = notifications(brand)
    assert sorted(listed_links(notification.body_html)) == ["DN-CRASH-1", "DN-CRASH-2", "DN-NEXT"]


def test_a_failed_email_leaves_the_shipments_waiting(brand, integration, monkeypatch):
    recorded(brand, "DN-1")
    real = notices.shipments_synced

    def broken(*args):
        real(*args)
        raise RuntimeError("template bug")

    monkeypatch.setattr(notices, "shipments_synced", broken)
    with pytest.raises(RuntimeError):
        announce(integration)
    with scopes_disabled():
        assert not ShipmentAnnouncement.objects.exists()
    assert notifications(brand) == []

    monkeypatch.setattr(notices, "shipments_synced", real)
    assert announce(integration).note_count == 1


def test_only_this_brands_shipments_of_this_platform_are_announced(brand, other_brand, integration):
    recorded(brand, "DN-MINE")
    recorded(brand, "DN-BY-HAND", platform=HAKOBU)
    recorded(brand, "DN-ELSEWHERE", platform="webshipper")
    recorded(other_brand, "DN-THEIRS")
    other = make_integration(other_brand, members=[MembershipFactory(brand=other_brand)])

    announcement = announce(integration)
    with scopes_disabled():
        assert list(announcement.shipments.values_list("note__number", flat=True)) == ["DN-MINE"]
        # Called in the wrong brand's scope by mistake: it finds nothing, tells no one.
        with brand_scope(brand):
            assert announce_recorded(other) is None
    assert announce(other).note_count == 1
    assert [n.brand_id for n in notifications(other_brand)] == [other_brand.pk]


def test_shipments_recorded_in_hakobu_never_wait(brand, integration):
    by_hand = recorded(brand, "DN-BY-HAND", platform=HAKOBU)
    assert not by_hand.awaiting_announcement
    assert recorded(brand, "DN-SYNCED").awaiting_announcement
    with brand_scope(brand):
        assert list(waiting_shipments(integration).values_list("note__number", flat=True)) == [
            "DN-SYNCED"
        ]
    announce(integration)
    with brand_scope(brand):
        assert not waiting_shipments(integration).exists()
    assert announce(integration) is None
    assert len(notifications(brand)) == 1  # DN-SYNCED's


def test_in_daily_mode_the_shipments_wait_for_the_digest(brand, admin_member):
    integration = make_integration(
        brand, members=[admin_member], config={"notify_mode": NotifyMode.DAILY}
    )
    recorded(brand, "DN-1")
    assert announce(integration) is None  # the per-sync call: nothing, not even claimed
    since = timezone.now() - timedelta(hours=24)
    digest = announce(integration, digest_since=since)
    assert (digest.kind, digest.since, digest.note_count) == ("digest", since, 1)
    (notification,) = notifications(brand)
    assert notification.subject == "Daily summary: 1 delivery note shipped via Ship&co"


def test_a_digest_says_since_when_when_older_shipments_were_waiting(brand, admin_member):
    integration = make_integration(
        brand, members=[admin_member], config={"notify_mode": NotifyMode.DAILY}
    )
    old = recorded(brand, "DN-OLD")
    three_days_ago = timezone.now() - timedelta(days=3)
    with scopes_disabled():
        Shipment.objects.filter(pk=old.pk).update(created_at=three_days_ago)
    digest = announce(integration, digest_since=timezone.now() - timedelta(hours=24))
    assert digest.since == three_days_ago


def test_another_worker_claiming_first_leaves_nothing_to_announce(brand, integration, monkeypatch):
    """Worker B announces between worker A's check and A's claim: A claims nothing."""
    recorded(brand, "DN-1")
    other_worker: list = []
    started = []

    class OtherWorkerFirst:
        @staticmethod
        def atomic(*args, **kwargs):
            if not started:
                started.append(True)
                other_worker.append(announcements.announce_recorded(integration))
            return transaction.atomic(*args, **kwargs)

    monkeypatch.setattr(announcements, "transaction", OtherWorkerFirst)
    assert announce(integration) is None
    with scopes_disabled():
        assert list(ShipmentAnnouncement.objects.all()) == other_worker
    assert len(notifications(brand)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_announce_each_shipment_once(brand, integration):
    """Real concurrency (PostgreSQL): B's claim waits for A's commit, then finds nothing."""
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent connections with row locks (PostgreSQL)")
    for number in ("DN-1", "DN-2", "DN-3"):
        recorded(brand, number)
    a_claimed, b_started = threading.Event(), threading.Event()
    results: dict[str, object] = {}
    real = notices.shipments_synced

    def slow_summary(integ, announcement):
        """Worker A, its rows claimed and not committed, waits until B is blocked on them."""
        a_claimed.set()
        b_started.wait(5)
        time.sleep(0.5)
        results["b_waited_for_a"] = b.is_alive()  # B found the rows and waits for their locks
        real(integ, announcement)

    def worker(name: str) -> None:
        try:
            with brand_scope(brand):
                results[name] = announce_recorded(integration)
        except Exception as exc:
            results[name] = exc
        finally:
            connection.close()

    a, b = (threading.Thread(target=worker, args=(name,)) for name in "ab")
    notices.shipments_synced = slow_summary
    try:
        a.start()
        assert a_claimed.wait(5)
        notices.shipments_synced = real  # A already called the slow one; B gets the real one
        b.start()
        b_started.set()
        a.join(10)
        b.join(10)
    finally:
        notices.shipments_synced = real
    assert isinstance(results["a"], ShipmentAnnouncement), results
    assert results["b"] is None, results
    assert results["b_waited_for_a"]
    with scopes_disabled():
        assert ShipmentAnnouncement.objects.count() == 1
        assert Shipment.objects.filter(announcement=results["a"]).count() == 3
    assert len(notifications(brand)) == 1


def _many_recorded(brand, count: int) -> None:
    """`count` notes, each with one platform shipment, in a few queries."""
    with brand_scope(brand):
        notes = DeliveryNote.objects.bulk_create(
            [DeliveryNote(brand=brand, number=f"BULK-{i:05d}") for i in range(count)],
            batch_size=500,
        )
        Shipment.objects.bulk_create(
            [
                Shipment(
                    brand=brand,
                    note=note,
                    platform=SHIPANDCO,
                    external_id=f"bulk-{note.number}",
                    carrier="yamato",
                    tracking_numbers=[f"4{i:011d}"],
                    awaiting_announcement=True,  # as record_shipment records it
                )
                for i, note in enumerate(notes)
            ],
            batch_size=500,
        )


def test_a_first_sync_of_a_busy_account_sends_a_small_email(brand, integration):
    _many_recorded(brand, 5000)
    announcement = announce(integration)
    assert (announcement.note_count, announcement.shipment_count) == (5000, 5000)
    (notification,) = notifications(brand)
    assert notification.subject == "5000 delivery notes shipped via Ship&co"
    assert len(notification.body_html.encode()) < 30_000
    assert len(notification.body.encode()) < 10_000
    assert len(listed_links(notification.body_html)) == 20
    assert "…and 4980 more delivery notes" in notification.body_html
    assert "…and 4980 more delivery notes" in notification.body
    assert "5000 delivery notes, 5000 shipments" in notification.body
    assert f"?announcement={announcement.pk}" in notification.body_html


def test_announcing_costs_the_same_queries_whatever_its_size(brand, integration):
    def queries(count: int, prefix: str) -> int:
        with brand_scope(brand):
            notes = DeliveryNote.objects.bulk_create(
                [DeliveryNote(brand=brand, number=f"{prefix}-{i}") for i in range(count)]
            )
            Shipment.objects.bulk_create(
                Shipment(
                    brand=brand,
                    note=n,
                    platform=SHIPANDCO,
                    external_id=n.number,
                    awaiting_announcement=True,
                )
                for n in notes
            )
        with CaptureQueriesContext(connection) as captured:
            assert announce(integration).note_count == count
        return len(captured)

    assert queries(3, "SMALL") == queries(60, "LARGE")


def test_the_email_lists_the_first_notes_of_its_link_and_the_link_shows_exactly_them(
    admin_client, brand, other_brand, integration
):
    numbers = [f"DN-{i:02d}" for i in range(25)]
    for number in numbers:
        recorded(brand, number)
    recorded(brand, "DN-24", tracking_numbers=["999900000024"])  # a second parcel, same note
    recorded(brand, "DN-BY-HAND", platform=HAKOBU)
    recorded(other_brand, "DN-00")  # brand B: same number, its own account
    make_integration(other_brand)
    announcement = announce(integration)
    assert (announcement.note_count, announcement.shipment_count) == (25, 26)

    (notification,) = notifications(brand)
    in_email = listed_links(notification.body_html)
    assert len(in_email) == 20
    assert in_email[0] == "DN-24"  # newest first, as the list
    assert re.search(r"DN-24</a>.*4000\d{8}, 999900000024", notification.body_html)
    assert "…and 5 more delivery notes" in notification.body

    link = notification.url
    note_list = reverse("note_list", kwargs={"brand_slug": "brand-a"})
    assert link == f"{note_list}?announcement={announcement.pk}"
    response = admin_client.get(f"{link}&per_page=100")
    listed = [note.number for note in response.context["page"].object_list]
    assert sorted(listed) == numbers  # not DN-BY-HAND, not brand B's DN-00
    assert listed[:20] == in_email  # the email's lines are the top of its list
    html = response.content.decode()
    assert "Shipped via Ship&amp;co, in the email of" in html
    assert f'name="announcement" value="{announcement.pk}"' in html  # kept when filtering
    assert 'href="?per_page=100"' in html  # the chip's × clears only this filter


def test_the_announcement_filter_of_another_brand_matches_nothing(
    admin_client, brand, other_brand, integration
):
    recorded(brand, "DN-MINE")
    recorded(other_brand, "DN-THEIRS")
    theirs = announce(make_integration(other_brand))
    url = reverse("note_list", kwargs={"brand_slug": brand.slug})

    response = admin_client.get(url, {"announcement": theirs.pk})
    assert list(response.context["page"].object_list) == []
    html = response.content.decode()
    assert "DN-THEIRS" not in html
    assert "Shipped in a notification email" in html  # a chip to clear, no date of theirs
    assert response.context["announcement"] is None

    for ignored in ("abc", "0", "99999999999999999999999"):
        response = admin_client.get(url, {"announcement": ignored})
        assert [n.number for n in response.context["page"].object_list] == ["DN-MINE"]


def test_a_selected_all_matching_bulk_action_covers_the_announcements_notes(brand, integration):
    from django.http import QueryDict

    from delivery_notes.selectors import selected_notes

    recorded(brand, "DN-1")
    announcement = announce(integration)
    recorded(brand, "DN-2")
    with brand_scope(brand):
        notes = selected_notes(QueryDict(f"all_matching=1&query=announcement%3D{announcement.pk}"))
        assert [n.number for n in notes] == ["DN-1"]


def test_a_voided_shipment_keeps_its_announcement_which_cannot_be_deleted(brand, integration):
    from django.db.models import RestrictedError

    shipment = recorded(brand, "DN-1")
    announcement = announce(integration)
    with brand_scope(brand), pytest.raises(RestrictedError):
        announcement.delete()  # its shipments would be announced again
    with brand_scope(brand):
        void_shipment(Shipment.objects.select_related("note").get(pk=shipment.pk))
        announcement.refresh_from_db()
    assert announcement.note_count == 1  # what the email said


def test_deleting_a_brand_deletes_its_announcements(brand, integration):
    recorded(brand, "DN-1")
    announce(integration)
    with scopes_disabled():
        brand.delete()
        assert not ShipmentAnnouncement.objects.exists()
        assert not Shipment.objects.exists()


def test_shipments_recorded_before_the_migration_count_as_announced(brand, integration):
    """Deploying must not announce every shipment ever recorded: a row written without the new
    column (before the migration, or by code still running the old version) is not waiting."""
    note = DeliveryNoteFactory(brand=brand, number="DN-OLD")
    table = Shipment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (brand_id, note_id, platform, external_id, carrier, service,"
            " tracking_numbers, created_at) VALUES (%s, %s, 'shipandco', 'old-1', 'yamato', '',"
            " '[]', %s)",
            [brand.pk, note.pk, timezone.now()],
        )
    with scopes_disabled():
        old = Shipment.objects.get(external_id="old-1")
    assert (old.awaiting_announcement, old.announcement) == (False, None)
    assert announce(integration) is None
    assert notifications(brand) == []
