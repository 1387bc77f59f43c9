"""The sync against what happens around it: an unknown page order, another run, an admin saving.

These are the races and ordering assumptions the runner must survive on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brands.scoping import brand_scope, scopes_disabled
from integrations import notices, sync
from integrations.models import Integration, NotifyMode, SyncRun
from integrations.services import ConnectionSettings, get_integration, save_connection
from integrations.shipandco import facts
from integrations.tasks import send_shipment_digests
from notifications.models import Notification
from tests.factories import DeliveryNoteLineFactory
from tests.integrations.conftest import make_integration
from tests.integrations.fakes import json_response, shipment
from tests.integrations.test_sync_runner import notes, shipped_numbers


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(facts, "PAGE_SIZE", 2)


def test_newest_first_pages_failing_part_way_skip_nothing(brand, integration, fake):
    """Ship&co's sort order is unconfirmed: a newest-first listing must not move the cursor
    past older shipments a failed page never delivered."""
    notes(brand, "OLD-1", "OLD-2", "NEW-1", "NEW-2")
    now = datetime.now(UTC)
    old_1, old_2, new_1, new_2 = (
        shipment("OLD-1", created_at=now - timedelta(hours=3)),
        shipment("OLD-2", created_at=now - timedelta(hours=2)),
        shipment("NEW-1", created_at=now - timedelta(hours=1)),
        shipment("NEW-2", created_at=now - timedelta(minutes=30)),
    )
    fake.shipments = [old_1, old_2, new_1, new_2]
    fake.responses += [json_response(200, [new_2, new_1]), json_response(500, {})]

    failed = sync.sync_integration(integration.pk)
    assert failed.outcome == SyncRun.Outcome.FAILED
    assert set(shipped_numbers(brand)) == {"NEW-1", "NEW-2"}

    rerun = sync.sync_integration(integration.pk)
    assert rerun.outcome == SyncRun.Outcome.SUCCESS
    assert set(shipped_numbers(brand)) == {"OLD-1", "OLD-2", "NEW-1", "NEW-2"}
    integration.refresh_from_db()
    assert integration.sync_cursor == datetime.fromisoformat(new_2["created_at"]).isoformat()


def test_a_full_newest_first_listing_still_moves_the_cursor(brand, integration, fake):
    notes(brand, "DN-1", "DN-2", "DN-3")
    items = [shipment(f"DN-{i}") for i in (1, 2, 3)]
    fake.responses += [json_response(200, items[:0:-1]), json_response(200, items[:1])]
    run = sync.sync_integration(integration.pk)
    assert (run.outcome, run.applied) == (SyncRun.Outcome.SUCCESS, 3)
    integration.refresh_from_db()
    assert integration.sync_cursor == datetime.fromisoformat(items[2]["created_at"]).isoformat()


def take_lease_after(monkeypatch, meanwhile) -> None:
    """Every sync lease runs `meanwhile(integration)` just before it is taken."""
    real = sync.sync_lease

    def patched(integ):
        lease = real(integ)
        acquire = lease.acquire

        def acquire_after() -> bool:
            meanwhile(integ)
            return acquire()

        lease.acquire = acquire_after
        return lease

    monkeypatch.setattr(sync, "sync_lease", patched)


def test_a_run_counts_from_the_row_as_it_is_once_it_holds_the_lease(
    brand, integration, fake, monkeypatch, settings
):
    """Another run failed (and alerted) between this run reading the row and taking the lease."""
    settings.INTEGRATION_FAILURE_ALERT_AFTER = 3

    def another_run_failed(integ):
        with scopes_disabled():
            Integration.objects.filter(pk=integ.pk).update(
                consecutive_failures=3, failing_notified=True
            )

    take_lease_after(monkeypatch, another_run_failed)
    fake.responses.append(json_response(500, {}))
    run = sync.sync_integration(integration.pk)

    assert run.outcome == SyncRun.Outcome.FAILED
    integration.refresh_from_db()
    assert (integration.consecutive_failures, integration.failing_notified) == (4, True)
    with scopes_disabled():
        assert not Notification.objects.filter(event="integration_sync_failing").exists()


def test_a_connection_disconnected_before_the_lease_is_not_synced(
    brand, integration, fake, monkeypatch
):

    def disconnected(integ):
        with scopes_disabled():
            Integration.objects.filter(pk=integ.pk).update(is_active=False)

    take_lease_after(monkeypatch, disconnected)
    run = sync.sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.SKIPPED
    assert fake.requests == []
    integration.refresh_from_db()
    assert integration.sync_locked_until is None


def test_saving_the_connection_keeps_a_running_syncs_lease_and_cursor(
    brand, integration, admin_member
):
    """The Connect modal reads the row, checks the token (seconds), then saves: a sync that
    started meanwhile must keep its lease, cursor and failure count."""
    with brand_scope(brand):
        loaded = get_integration(brand, integration.platform)
    lease = sync.sync_lease(integration)
    assert lease.acquire()
    with scopes_disabled():
        Integration.objects.filter(pk=integration.pk).update(
            sync_cursor="2026-04-01T00:00:00+00:00", consecutive_failures=2
        )
    with brand_scope(brand):
        save_connection(
            loaded, ConnectionSettings(token="", is_active=True, members=[admin_member])
        )
    integration.refresh_from_db()
    assert integration.sync_locked_until == lease.held
    assert integration.sync_cursor == "2026-04-01T00:00:00+00:00"
    assert integration.consecutive_failures == 2
    assert not sync.sync_lease(integration).acquire()  # still held: no second sync can start


def _sync_queries(brand, integration, fake, numbers: list[str], lines: int = 1) -> int:
    with scopes_disabled():
        for note in notes(brand, *numbers):
            for _ in range(lines - 1):
                DeliveryNoteLineFactory(note=note)
    fake.shipments = [shipment(number) for number in numbers]
    with CaptureQueriesContext(connection) as queries:
        run = sync.sync_integration(integration.pk)
    assert run.applied == len(numbers), run.error
    return len(queries)


def test_sync_queries_do_not_grow_with_the_lines_of_a_note(brand, integration, fake):
    one_line = _sync_queries(brand, integration, fake, ["L-1", "L-2"])
    five_lines = _sync_queries(brand, integration, fake, ["L-3", "L-4"], lines=5)
    assert five_lines == one_line


def test_the_synced_summary_costs_no_query_per_shipment(brand, integration, fake, monkeypatch):
    monkeypatch.setattr(facts, "PAGE_SIZE", 100)
    measured = []
    summarise = notices.shipments_synced

    def counted(integ, shipments, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            summarise(integ, shipments, **kwargs)
        measured.append(len(queries))

    monkeypatch.setattr(notices, "shipments_synced", counted)
    _sync_queries(brand, integration, fake, ["S-1", "S-2"])
    _sync_queries(brand, integration, fake, [f"S-{i}" for i in range(3, 9)])
    assert len(measured) == 2
    assert measured[0] == measured[1]


def test_a_digest_that_fails_to_send_is_sent_by_the_next_run(
    brand, admin_member, fake, monkeypatch, digest_hour_now
):
    integration = make_integration(
        brand, members=[admin_member], config={"notify_mode": NotifyMode.DAILY}
    )
    notes(brand, "DG-1")
    fake.shipments = [shipment("DG-1")]
    sync.sync_integration(integration.pk)
    summarise = notices.shipments_synced

    def broken(*args, **kwargs):
        summarise(*args, **kwargs)  # the notification rows are written, then it fails
        raise RuntimeError("template bug")

    monkeypatch.setattr(notices, "shipments_synced", broken)
    with pytest.raises(RuntimeError):
        send_shipment_digests()
    integration.refresh_from_db()
    assert "last_digest_at" not in integration.config
    with scopes_disabled():
        assert not Notification.objects.exists()  # rolled back with the mark

    monkeypatch.setattr(notices, "shipments_synced", summarise)
    assert send_shipment_digests() == 1
