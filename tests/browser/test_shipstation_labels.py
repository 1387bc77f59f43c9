"""Method 3 in a real Chromium against the ShipStation sandbox: the note's rates load in the
background (htmx), a label is bought from them, and the note shows it shipped.

With HAKOBU_SHOTS=<dir> it also saves screenshots of the rates panel and the settings page, in
English and Japanese, 1280 and 390 px wide.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from brands.models import Role
from brands.scoping import scopes_disabled
from delivery_notes.models import ShippingStatus
from tests.browser.test_login_and_notes import chromium, page  # noqa: F401  (fixtures)
from tests.factories import BrandFactory, MembershipFactory, UserFactory
from tests.integrations.shipstation.conftest import shipstation  # noqa: F401  (fixture)
from tests.integrations.shipstation.test_custom_store_endpoint import note_with_lines
from tests.integrations.shipstation.test_rates_labels import ship_from, turn_on

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("HAKOBU_SHOTS")


def shoot(page, user, name: str) -> None:  # noqa: F811
    """Screenshots of the current page (EN and JA, 1280 and 390 px) when HAKOBU_SHOTS is set."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    url = page.url
    for language in ("en", "ja"):
        with scopes_disabled():
            user.language = language
            user.save(update_fields=["language"])
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=f"{SHOTS}/{name}-{language}-{width}.png", full_page=True)
    with scopes_disabled():
        user.language = "en"
        user.save(update_fields=["language"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)


def test_rates_load_then_a_label_ships_the_note(page, live_server, shipstation):  # noqa: F811
    from playwright.sync_api import expect

    brand = BrandFactory(name="Label Brand", slug="label-brand")
    user = UserFactory(email="staff@labels.example", name="Label Staff")
    MembershipFactory(brand=brand, user=user, role=Role.ADMIN)
    ship_from(brand)
    turn_on(brand, "v2")
    note = note_with_lines(brand, "DN-BROWSER-LABEL", quantities=(3, 2))

    page.goto(live_server.url + reverse("login"))
    page.locator("input[name=username]").fill("staff@labels.example")
    page.locator("input[name=password]").fill("password")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")

    settings_url = reverse("shipstation:settings", kwargs={"brand_slug": brand.slug})
    page.goto(live_server.url + settings_url)
    expect(page.locator("#shipstation-carriers")).to_contain_text("FedEx")
    shoot(page, user, "settings")

    page.goto(
        live_server.url + reverse("note_detail", kwargs={"brand_slug": brand.slug, "pk": note.pk})
    )
    rates = page.locator("table.shipstation-rates")
    expect(rates).to_be_visible()
    expect(page.locator(".shipstation-carrier-error")).to_contain_text("no postage balance")
    shoot(page, user, "note-rates")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tr.shipstation-rate button[type=submit]").first.click()
    expect(page.locator(".shipstation-label-list")).to_contain_text("Bought")
    with scopes_disabled():
        note.refresh_from_db()
    assert note.status == ShippingStatus.SHIPPED
    shoot(page, user, "note-label")
