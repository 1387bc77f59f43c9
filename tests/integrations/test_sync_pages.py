"""The sync writes each page through the set-based path: queries per page, not per shipment,
and a run that crashes part-way is completed by the next one, each shipment recorded once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes import shipping
from delivery_notes.models import Activity, Shipment, ShippingStatus
from integrations.models import SyncRun, UnmatchedShipment
from integrations.shipandco import facts
from integrations.sync import sync_integration
from integrations.sync_pages import PageWriter
from tests.integrations.fakes import shipment
from tests.integrations.test_sync_runner import notes, status_of


@pytest.fixture(autouse=True)
def one_page(monkeypatch):
    monkeypatch.setattr(facts, "PAGE_SIZE", 100)


def _first_sync_queries(brand, integration, fake, count: int, prefix: str) -> int:
    numbers = [f"{prefix}-{n}" for n in range(count)]
    notes(brand, *numbers)
    # A few shipments no note matches (yet): kept in bulk too.
    fake.shipments = [shipment(number) for number in numbers] + [
        shipment(f"{prefix}-missing-{n}") for n in range(count // 4)
    ]
    with CaptureQueriesContext(connection) as queries:
        run = sync_integration(integration.pk)
    assert (run.applied, run.unmatched) == (count, count // 4), run.error
    return len(queries)


def test_a_first_sync_costs_the_same_queries_for_8_and_40_new_shipments(brand, integration, fake):
    few = _first_sync_queries(brand, integration, fake, 8, "A")
    with scopes_disabled():
        Shipment.objects.all().delete()  # the second run must record everything again
        UnmatchedShipment.objects.all().delete()
        integration.refresh_from_db()
        integration.sync_cursor = ""
        integration.save(update_fields=["sync_cursor"])
    # (40: within one SQLite insert batch; PostgreSQL inserts any page in one statement)
    many = _first_sync_queries(brand, integration, fake, 40, "B")
    assert many == few


def test_a_run_that_crashes_mid_page_is_completed_by_the_next_once(
    brand, integration, fake, monkeypatch
):
    made = notes(brand, "C-1", "C-2", "C-3")
    fake.shipments = [shipment(note.number) for note in made]
    real = shipping._record_page

    def crash(items):
        real(items)  # written, then the worker dies before the page commits
        raise RuntimeError("worker killed")

    monkeypatch.setattr(shipping, "_record_page", crash)
    assert sync_integration(integration.pk).outcome == SyncRun.Outcome.FAILED
    with scopes_disabled():
        assert not Shipment.objects.exists()  # the page rolled back whole
    monkeypatch.setattr(shipping, "_record_page", real)
    assert sync_integration(integration.pk).applied == 3
    assert sync_integration(integration.pk).applied == 0
    with scopes_disabled():
        assert Shipment.objects.count() == 3
        assert Activity.objects.filter(verb="shipment").count() == 3
    assert {status_of(note) for note in made} == {ShippingStatus.SHIPPED}


def test_the_page_reads_known_shipments_with_the_platform_id_index_condition(brand, integration):
    """The unique index on (brand, platform, external_id) holds only `external_id <> ''`; with
    an IN list of more than 100 ids PostgreSQL cannot infer that condition, so the query must
    state it or it scans every shipment of the platform (tens of ms a page at 150,000)."""
    writer = PageWriter(integration, "Ship&co")
    with brand_scope(brand):
        sql, _params = writer.recorded_query(
            [f"id-{n}" for n in range(500)]
        ).query.sql_with_params()
    index = next(c for c in Shipment._meta.constraints if c.name == "unique_shipment_per_platform")
    assert index.condition == ~Q(external_id="")
    assert 'NOT ("delivery_notes_shipment"."external_id" = ' in sql
