"""The whole sync over HTTP against the sandbox listing each way Ship&co might: 0 lost, 0 twice.

Nothing confirms Ship&co's order, page-size maximum or paging (../shared/reference/shipandco.md),
so the sandbox is told to list oldest first, newest first or unordered, to cap pages at 20, 100
or 250, to ignore the page parameter, or to serve a page twice. Was: 280 of 300 shipments still
missing after six runs (a smaller real maximum), 150 of 250 never arriving (newest first with a
repeated page), while every run said "success".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from brands.scoping import scopes_disabled
from delivery_notes.models import DeliveryNote, Shipment
from integrations.models import SyncRun
from integrations.sync import sync_integration
from tests.factories import DeliveryNoteFactory
from tests.integrations.conftest import listing, make_integration, rate_limit, seed

COUNT = 120


@pytest.fixture
def busy_account(sandbox, brand):
    """COUNT notes, and a Ship&co shipment for each, created over the last ten hours."""
    rate_limit(sandbox, 100_000)
    now = datetime.now(UTC)
    numbers = [f"DN-{n:05d}" for n in range(COUNT)]
    for number in numbers:
        DeliveryNoteFactory(brand=brand, number=number)
    seed(
        sandbox,
        [
            {"ref_number": number, "created_at": (now - timedelta(minutes=5 * n)).isoformat()}
            for n, number in enumerate(numbers)
        ],
    )
    return numbers


def shipments_per_note(brand) -> dict[str, int]:
    with scopes_disabled():
        counts = {}
        for number in Shipment.objects.filter(brand=brand).values_list("note__number", flat=True):
            counts[number] = counts.get(number, 0) + 1
        return counts


def assert_all_once(brand, numbers) -> None:
    counts = shipments_per_note(brand)
    lost = [number for number in numbers if number not in counts]
    twice = [number for number, times in counts.items() if times > 1]
    assert (len(lost), twice) == (0, [])


BEHAVIOURS = [
    *[{"order": order, "max_limit": size} for order in ("asc", "desc", "unordered")
      for size in (20, 100, 250)],
    *[{"order": order, "max_limit": 50, "ignore_page": True}
      for order in ("asc", "desc", "unordered")],
    {"order": "desc", "max_limit": 20, "repeat_page": 2},
    {"order": "asc", "max_limit": 20, "repeat_page": 3},
]  # fmt: skip


@pytest.mark.parametrize("behaviour", BEHAVIOURS, ids=lambda b: "-".join(map(str, b.values())))
def test_one_run_reads_every_shipment_once(sandbox, brand, admin_member, busy_account, behaviour):
    listing(sandbox, **behaviour)
    integration = make_integration(brand, token=sandbox_token(), members=[admin_member])
    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.SUCCESS, run.error
    assert_all_once(brand, busy_account)
    integration.refresh_from_db()
    assert integration.sync_cursor  # moved, now that the whole listing was read

    again = sync_integration(integration.pk)
    assert (again.outcome, again.applied) == (SyncRun.Outcome.SUCCESS, 0)
    assert_all_once(brand, busy_account)


def test_a_listing_that_cannot_be_read_whole_fails_and_keeps_the_cursor(
    sandbox, brand, admin_member, busy_account
):
    listing(sandbox, max_limit=20, ignore_page=True, ignore_dates=True)
    integration = make_integration(brand, token=sandbox_token(), members=[admin_member])
    run = sync_integration(integration.pk)
    assert run.outcome == SyncRun.Outcome.FAILED
    assert "returned the same page twice" in run.error
    integration.refresh_from_db()
    assert integration.sync_cursor == ""
    with scopes_disabled():
        # What was read is kept; nothing is marked shipped twice on the next try.
        assert len(shipments_per_note(brand)) == 20
        assert DeliveryNote.objects.filter(brand=brand).count() == COUNT

    listing(sandbox)  # Ship&co behaves again: the next run completes
    assert sync_integration(integration.pk).outcome == SyncRun.Outcome.SUCCESS
    assert_all_once(brand, busy_account)


def sandbox_token() -> str:
    from sandbox.shipandco import DEFAULT_TOKEN

    return DEFAULT_TOKEN
