"""The note's "Shipping rates and labels" section shows only when it has something in it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from brands.scoping import scopes_disabled
from delivery_notes.models import ShippingStatus
from tests.integrations.shipstation.test_custom_store_endpoint import note_with_lines
from tests.integrations.shipstation.test_rates_labels import ship_from, turn_on

HEADING = 'id="shipstation-labels-heading"'


def detail(client, note) -> str:
    url = reverse("note_detail", kwargs={"brand_slug": note.brand.slug, "pk": note.pk})
    return client.get(url).content.decode()


def test_no_empty_heading_on_a_note_shipped_elsewhere_or_for_a_viewer(
    staff_client, viewer_member, brand, shipstation
):
    """A note shipped through another platform (no label) showed the heading and nothing
    under it; so did a shippable note to a Viewer, who may not buy labels."""
    ship_from(brand)
    turn_on(brand, "v2")
    with scopes_disabled():
        open_note = note_with_lines(brand, "DN-P-1")
        shipped = note_with_lines(brand, "DN-P-2", status=ShippingStatus.SHIPPED)
    assert HEADING in detail(staff_client, open_note)  # rates to get: shown
    assert HEADING not in detail(staff_client, shipped)
    viewer = Client()
    viewer.force_login(viewer_member.user)
    assert HEADING not in detail(viewer, open_note)
