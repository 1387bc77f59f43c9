"""A person's first minute, in a real Chromium: log in, land on the dashboard, find a note.

Needs a Chromium binary: `apt-get install chromium`, or CHROMIUM_PATH=/path/to/chrome. CI sets
HAKOBU_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse

from brands.models import Role
from tests.factories import BrandFactory, DeliveryNoteFactory, MembershipFactory, UserFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium() -> str:
    if not Path(CHROMIUM).is_file():
        message = (
            f"Chromium not found at {CHROMIUM}: `apt-get install chromium` "
            "or set CHROMIUM_PATH to a Chromium/Chrome binary to run the browser test"
        )
        if os.environ.get("HAKOBU_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def page(chromium, live_server, transactional_db, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls made here around it
    # are ordinary synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-US")
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            # ORM calls made while Playwright runs get their own connection: close it, or the
            # test database cannot be dropped at the end of the session.
            connections.close_all()


def test_admin_logs_in_and_finds_a_delivery_note(page, live_server):
    from playwright.sync_api import expect

    brand = BrandFactory(name="Browser Brand", slug="browser-brand")
    admin = UserFactory(email="admin@browser.example", name="Browser Admin")
    MembershipFactory(brand=brand, user=admin, role=Role.ADMIN)
    DeliveryNoteFactory(brand=brand, number="DN-BROWSER-0042", recipient_company="株式会社ブラウザ")
    dashboard = live_server.url + reverse("dashboard", kwargs={"brand_slug": brand.slug})
    note_list = live_server.url + reverse("note_list", kwargs={"brand_slug": brand.slug})

    page.goto(live_server.url + reverse("login"))
    page.locator("input[name=username]").fill("admin@browser.example")
    page.locator("input[name=password]").fill("password")
    page.locator("form button[type=submit]").first.click()

    page.wait_for_url(dashboard)
    expect(page.locator("nav")).to_contain_text("Browser Brand")
    page.locator("nav").get_by_role("link", name="Delivery Notes").click()

    page.wait_for_url(f"{note_list}**")
    expect(page.get_by_text("DN-BROWSER-0042").first).to_be_visible()
