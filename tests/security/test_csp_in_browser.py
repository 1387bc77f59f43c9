"""In Chromium, with the real Content-Security-Policy: no page reports a violation, and what moved
out of inline scripts (add a line, select a page, confirm, progress bars) still works."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brands.models import Role
from tests.browser.test_login_and_notes import chromium, page  # noqa: F401  (fixtures)
from tests.factories import BrandFactory, DeliveryNoteFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def test_pages_run_without_policy_violations(page, live_server):  # noqa: F811
    brand = BrandFactory(name="CSP Brand", slug="csp-brand")
    admin = UserFactory(email="admin@csp.example")
    MembershipFactory(brand=brand, user=admin, role=Role.ADMIN)
    DeliveryNoteFactory(brand=brand, number="DN-CSP-1")
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    def url(name: str, **kwargs) -> str:
        return live_server.url + reverse(name, kwargs={"brand_slug": brand.slug, **kwargs})

    page.goto(live_server.url + reverse("login"))
    page.locator("input[name=username]").fill(admin.email)
    page.locator("input[name=password]").fill("password")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/b/csp-brand/**")

    page.goto(url("note_create"))
    rows = page.locator("#lines-formset tbody tr:not(.empty-form)")
    before = rows.count()
    page.locator("#add-line").click()
    assert rows.count() == before + 1

    page.goto(url("note_list"))
    page.locator("#select-page").check()
    assert page.locator("#bulk-form .note-select").first.is_checked()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Cancel selected").click()
    assert page.url.startswith(url("note_list"))  # dismissed: nothing was submitted

    page.goto(url("member_list"))  # an htmx form in a Bootstrap modal
    page.get_by_role("link", name="Invite member").click()
    page.locator("#modal.show input[name=email]").wait_for()

    for name in ("brand_settings", "integration_list", "note_import"):
        page.goto(url(name))
    assert violations == []
