"""The note list and the settings page update themselves, and bulk actions ask before acting.

In a real Chromium against the live server: "Sync now" is followed until its run ends (the run
is played here by the test, as the worker would, against the fake Ship&co API), and the bulk
Cancel is disabled until a note is selected, then names how many notes it cancels.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from brands.models import Role
from brands.scoping import scopes_disabled
from delivery_notes.models import DeliveryNote, ShippingStatus
from integrations import views as integration_views
from integrations.tasks import sync_brand
from tests.delivery_notes.helpers import make_note
from tests.factories import MembershipFactory, UserFactory
from tests.integrations import conftest as integration_fixtures
from tests.integrations.conftest import make_integration
from tests.integrations.fakes import shipment

pytestmark = pytest.mark.browser
fake = integration_fixtures.fake  # the in-process Ship&co API


@pytest.fixture
def staff(brand):
    return MembershipFactory(
        brand=brand, user=UserFactory(email="staff@live.example"), role=Role.STAFF
    )


@pytest.fixture
def worker_busy(monkeypatch):
    """Sync now queues the task, but no worker has picked it up yet: the test runs it."""
    queued = []
    monkeypatch.setattr(integration_views, "enqueue_sync", queued.append)
    return queued


def status_of(number: str) -> str:
    with scopes_disabled():
        return DeliveryNote.objects.get(number=number).status


def test_sync_now_shows_its_result_on_the_settings_page_and_the_list(
    page,
    live_server,
    log_in,
    brand,
    staff,
    fake,
    worker_busy,
):
    from playwright.sync_api import expect

    integration = make_integration(brand, members=[staff])
    make_note(brand, number="DN-LIVE-1", recipient_company="Live Shop")
    fake.shipments.append(shipment("DN-LIVE-1", numbers=["400000000001"]))
    log_in("staff@live.example")

    page.goto(live_server.url + reverse("shipandco:settings", args=[brand.slug]))
    expect(page.get_by_text("No sync has run yet.")).to_be_visible()
    page.get_by_role("button", name="Sync now").click()
    banner = page.locator(".sync-watch")
    expect(banner).to_contain_text("Syncing with Ship&co")

    # The list, opened while the run is waiting, follows it too.
    page.goto(live_server.url + reverse("note_list", args=[brand.slug]))
    expect(page.locator(".sync-watch")).to_contain_text("Syncing with Ship&co")
    row = page.locator("tr", has_text="DN-LIVE-1")
    expect(row).to_contain_text("Unshipped")

    assert len(worker_busy) == 1
    sync_brand(brand.pk, integration.pk)  # the worker runs it
    assert status_of("DN-LIVE-1") == ShippingStatus.SHIPPED

    expect(page.locator(".sync-watch")).to_contain_text("ended: Success", timeout=10_000)
    expect(page.locator("tr", has_text="DN-LIVE-1")).to_contain_text("Shipped")
    expect(page.locator("tr", has_text="DN-LIVE-1")).to_contain_text("400000000001")


def test_the_settings_page_shows_the_run_when_it_ends(
    page,
    live_server,
    log_in,
    brand,
    staff,
    fake,
    worker_busy,
):
    from playwright.sync_api import expect

    integration = make_integration(brand, members=[staff])
    log_in("staff@live.example")
    page.goto(live_server.url + reverse("shipandco:settings", args=[brand.slug]))
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator(".sync-watch")).to_contain_text("Syncing with Ship&co")
    sync_brand(brand.pk, integration.pk)
    expect(page.locator(".sync-watch")).to_contain_text("ended: Success", timeout=10_000)
    expect(page.locator("#sync-results")).not_to_contain_text("No sync has run yet.")
    expect(page.locator("#sync-results tbody tr")).to_have_count(1)


def test_bulk_cancel_is_disabled_until_a_selection_and_names_the_count(
    page, live_server, log_in, brand, staff
):
    from playwright.sync_api import expect

    for n in range(1, 4):
        make_note(brand, number=f"DN-BULK-{n}")
    log_in("staff@live.example")
    page.goto(live_server.url + reverse("note_list", args=[brand.slug]))
    cancel = page.locator("#bulk-cancel")
    expect(cancel).to_be_disabled()

    page.get_by_label("Select DN-BULK-1").check()
    page.get_by_label("Select DN-BULK-2").check()
    expect(cancel).to_be_enabled()
    expect(page.locator("#bulk-count")).to_have_text("2 selected")

    dialogs = []

    def answer(dialog, accept):
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    cancel.click()
    assert dialogs[-1].startswith("Cancel 2 delivery notes?")
    assert status_of("DN-BULK-1") == ShippingStatus.UNSHIPPED  # refused: nothing changed

    page.get_by_label("Select all 3 notes matching this filter").check()
    expect(page.locator("#bulk-count")).to_have_text("All 3 matching the filter selected")
    page.once("dialog", lambda d: answer(d, True))
    cancel.click()
    assert "ALL 3 delivery notes matching the filter" in dialogs[-1]
    expect(page.get_by_text("3 delivery notes cancelled.")).to_be_visible()
    assert {status_of(f"DN-BULK-{n}") for n in range(1, 4)} == {ShippingStatus.CANCELLED}


def test_after_the_ship_and_co_download_the_list_shows_shipping_requested(
    page, live_server, log_in, brand, staff
):
    from playwright.sync_api import expect

    make_integration(brand, members=[staff])
    make_note(brand, number="DN-DL-1", recipient_company="Download Shop")
    log_in("staff@live.example")
    page.goto(live_server.url + reverse("note_list", args=[brand.slug]))
    row = page.locator("tr", has_text="DN-DL-1")
    expect(row).to_contain_text("Unshipped")
    page.get_by_label("Select DN-DL-1").check()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV for Ship&co").click()
    assert download.value.suggested_filename.endswith(".csv")
    expect(page.locator("tr", has_text="DN-DL-1")).to_contain_text("Shipping requested")
    assert page.url.startswith(live_server.url + reverse("note_list", args=[brand.slug]))
