"""The set-up guide in a real Chromium: Settings → Ship&co → Connect with Ship&co → Connect."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brands.models import Role
from brands.scoping import scopes_disabled
from integrations.models import ConnectionStatus, Integration
from sandbox.shipandco import DEFAULT_TOKEN
from tests.browser.test_login_and_notes import chromium, page  # noqa: F401  (fixtures)
from tests.factories import BrandFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def test_admin_connects_shipandco_through_the_modal(page, live_server, sandbox):  # noqa: F811
    from playwright.sync_api import expect

    brand = BrandFactory(name="Modal Brand", slug="modal-brand")
    admin = UserFactory(email="admin@modal.example", name="Modal Admin")
    MembershipFactory(brand=brand, user=admin, role=Role.ADMIN)
    settings_url = live_server.url + reverse(
        "shipandco:settings", kwargs={"brand_slug": brand.slug}
    )

    page.goto(live_server.url + reverse("login"))
    page.locator("input[name=username]").fill("admin@modal.example")
    page.locator("input[name=password]").fill("password")
    page.locator("form button[type=submit]").first.click()
    page.goto(settings_url)
    expect(page.locator("#connection-status")).to_contain_text("Not Integrated")

    page.get_by_role("link", name="Connect with Ship&co").click()
    modal = page.locator("#modal")
    expect(modal.get_by_text("Connect To Ship&co")).to_be_visible()
    modal.get_by_label("Access Token").fill("wrong-token")
    modal.get_by_role("button", name="Connect").click()
    expect(modal).to_contain_text("token rejected")

    modal.get_by_label("Access Token").fill(DEFAULT_TOKEN)
    modal.get_by_label("Modal Admin <admin@modal.example> (Admin)").check()
    modal.get_by_role("button", name="Connect").click()
    page.wait_for_url(settings_url)
    expect(page.locator("#connection-status")).to_contain_text("Integrated")
    expect(page.locator(".alert-success")).to_contain_text("Connection Status: Integrated")
    with scopes_disabled():
        assert Integration.objects.get(brand=brand).status == ConnectionStatus.INTEGRATED
