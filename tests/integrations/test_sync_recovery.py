"""Recorded shipments that change on the platform, and runs whose worker dies or stalls."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from django.core import mail
from django.utils import timezone

from brands.scoping import scopes_disabled
from delivery_notes.activity import describe
from delivery_notes.models import Activity, Shipment, ShippingStatus
from delivery_notes.services import record_shipment
from integrations import sync
from integrations.models import SyncRun
from integrations.shipandco import SHIPANDCO
from integrations.sync import sync_integration
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory
from tests.integrations.fakes import shipment


def make_note(brand, number="DN-1"):
    note = DeliveryNoteFactory(brand=brand, number=number)
    DeliveryNoteLineFactory(note=note)
    return note


def recorded(brand) -> list[Shipment]:
    with scopes_disabled():
        return list(Shipment.objects.filter(brand=brand).order_by("id"))


# --- changes to recorded shipments ---------------------------------------------------------


def test_a_tracking_number_added_later_is_applied_and_the_old_value_kept(brand, integration, fake):
    note = make_note(brand)
    fake.shipments = [shipment("DN-1", numbers=["400000000011"])]
    sync_integration(integration.pk)

    fake.shipments[0]["delivery"]["tracking_numbers"] = ["400000000011", "400000000022"]
    run = sync_integration(integration.pk)
    assert (run.outcome, run.changed, run.applied) == (SyncRun.Outcome.SUCCESS, 1, 0)
    (only,) = recorded(brand)
    assert only.tracking_numbers == ["400000000011", "400000000022"]
    with scopes_disabled():
        change = Activity.objects.get(note=note, verb="shipment_changed")
    assert change.platform == SHIPANDCO
    assert change.data["old_tracking_numbers"] == ["400000000011"]
    assert "400000000022" in describe(change) and "400000000011" in describe(change)

    assert sync_integration(integration.pk).changed == 0  # applied once


def test_a_reprinted_label_with_another_carrier_replaces_number_and_carrier(
    brand, integration, fake
):
    make_note(brand)
    fake.shipments = [shipment("DN-1", numbers=["400000000011"], carrier="yamato")]
    sync_integration(integration.pk)
    fake.shipments[0]["delivery"].update(
        carrier="sagawa", method="sagawa_regular", tracking_numbers=["500000000033"]
    )
    sync_integration(integration.pk)
    (only,) = recorded(brand)
    assert (only.carrier, only.service, only.tracking_numbers) == (
        "sagawa",
        "sagawa_regular",
        ["500000000033"],
    )
    assert only.tracking_links[0][1]  # the new carrier's tracking page


def test_a_number_dropped_from_a_live_label_keeps_what_was_recorded(brand, integration, fake):
    make_note(brand)
    fake.shipments = [shipment("DN-1", numbers=["400000000011"])]
    sync_integration(integration.pk)
    fake.shipments[0]["delivery"]["tracking_numbers"] = []
    assert sync_integration(integration.pk).changed == 0
    assert recorded(brand)[0].tracking_numbers == ["400000000011"]


# --- a worker that dies or stalls ----------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self):
        return timezone.now() + self.offset


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Every sync lease reads this clock, which a test moves forward."""
    clock = Clock()
    real = sync.sync_lease

    def lease_on_clock(integration):
        lease = real(integration)
        lease.clock = clock
        return lease

    monkeypatch.setattr(sync, "sync_lease", lease_on_clock)
    return clock


def test_a_killed_workers_lease_lapses_within_minutes(brand, integration, fake, clock):
    """Was: a killed worker blocked the brand's sync for 15 minutes."""
    make_note(brand)
    fake.shipments = [shipment("DN-1")]
    assert sync.sync_lease(integration).acquire()  # a worker takes the brand, then is killed
    with scopes_disabled():
        abandoned = SyncRun.objects.create(brand=brand, integration=integration)

    assert sync_integration(integration.pk).outcome == SyncRun.Outcome.SKIPPED
    clock.offset = sync.LEASE + timedelta(seconds=1)
    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.SUCCESS
    assert timedelta(minutes=2) >= sync.LEASE
    with scopes_disabled():
        abandoned.refresh_from_db()
    assert abandoned.outcome == SyncRun.Outcome.INTERRUPTED
    assert abandoned.finished_at is not None and abandoned.error


def test_a_long_run_keeps_its_lease_by_heartbeat(brand, integration, fake, clock, monkeypatch):
    from integrations.shipandco import facts

    monkeypatch.setattr(facts, "PAGE_SIZE", 1)
    for n in range(8):
        make_note(brand, f"DN-{n}")
    fake.shipments = [shipment(f"DN-{n}") for n in range(8)]
    rivals = []

    def slow_page(request):
        clock.offset += timedelta(seconds=45)  # each page takes 45 s: 6 minutes in all
        if len(fake.requests) == 7:
            rivals.append(sync_integration(integration.pk))
        return httpx.Response(200, json=fake.page(request))

    fake.responses += [slow_page] * 9
    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.SUCCESS
    assert [rival.outcome for rival in rivals] == [SyncRun.Outcome.SKIPPED]


def test_a_run_whose_lease_was_taken_over_stops_as_interrupted(brand, integration, fake, clock):
    make_note(brand)
    fake.shipments = [shipment("DN-1")]

    def taken_over(request):
        with scopes_disabled():
            type(integration).objects.filter(pk=integration.pk).update(
                sync_locked_until=timezone.now() + timedelta(hours=1)
            )
        clock.offset += sync.HEARTBEAT + timedelta(seconds=1)
        return httpx.Response(200, json=fake.page(request))

    fake.responses.append(taken_over)
    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.INTERRUPTED
    integration.refresh_from_db()
    assert integration.sync_cursor == ""
    assert integration.sync_locked_until is not None  # the other worker's lease is left alone


def test_shipments_of_an_interrupted_run_are_announced_by_the_next(
    brand, integration, fake, clock, django_capture_on_commit_callbacks
):
    """Was: what a killed worker had applied never appeared in any "shipments synced" email."""
    note = make_note(brand)
    with scopes_disabled():
        SyncRun.objects.create(brand=brand, integration=integration)  # the dead run
        record_shipment(note, platform=SHIPANDCO, external_id="dead-1", tracking_numbers=["4001"])
    fake.shipments = []
    with django_capture_on_commit_callbacks(execute=True):
        run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.SUCCESS
    assert len(mail.outbox) == 1
    assert note.number in mail.outbox[0].body
    with scopes_disabled():
        note.refresh_from_db()
    assert note.status == ShippingStatus.SHIPPED
