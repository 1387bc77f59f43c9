"""The new-note form in Chromium: the suggested number, and services following the carrier."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brands.models import Role
from tests.delivery_notes.helpers import make_note
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def test_the_service_suggestions_follow_the_chosen_carrier(page, live_server, log_in, brand):
    from playwright.sync_api import expect

    MembershipFactory(brand=brand, user=UserFactory(email="s@form.example"), role=Role.STAFF)
    make_note(brand, number="DN-00007")
    log_in("s@form.example")
    page.goto(live_server.url + reverse("note_create", args=[brand.slug]))
    expect(page.locator("#id_number")).to_have_value("DN-00008")
    service = page.locator("#id_requested_service")
    expect(service).to_have_attribute("list", "services-none")
    page.select_option("#id_requested_carrier", "japanpost")
    expect(service).to_have_attribute("list", "services-japanpost")
    options = page.locator("#services-japanpost option")
    expect(options.first).to_have_attribute("value", "YU-PACK")
