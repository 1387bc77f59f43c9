"""Shipment requests: planned parcels of some lines, before any tracking (platform-neutral)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import ShipmentRequest, ShippingStatus
from delivery_notes.services import record_shipment
from delivery_notes.shipment_requests import RequestRefused, create_request, plannable_quantities
from delivery_notes.signals import note_changed
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory, MembershipFactory


@pytest.fixture
def note(brand):
    with brand_scope(brand):
        note = DeliveryNoteFactory(brand=brand, number="DN-REQ-1")
        DeliveryNoteLineFactory(note=note, quantity=3, position=0)
        DeliveryNoteLineFactory(note=note, quantity=2, position=1)
    return note


@pytest.fixture
def events():
    heard = []

    def listen(sender, *, note, event, **kwargs):
        heard.append(event)

    note_changed.connect(listen, dispatch_uid="test-events")
    yield heard
    note_changed.disconnect(dispatch_uid="test-events")


def _url(brand, note) -> str:
    return reverse("note_request_shipment", kwargs={"brand_slug": brand.slug, "pk": note.pk})


def test_a_request_plans_lines_and_tells_the_platforms(brand, note, events, staff_client):
    with scopes_disabled():
        first, second = note.lines.order_by("position")
    page = staff_client.get(
        reverse("note_detail", kwargs={"brand_slug": brand.slug, "pk": note.pk})
    )
    assert "Request shipment" in page.content.decode()
    response = staff_client.post(_url(brand, note), {f"request_line_{first.pk}": 2})
    assert response.status_code == 302
    with scopes_disabled():
        [request] = ShipmentRequest.objects.filter(note=note)
        assert request.reference == "DN-REQ-1-S1" and request.status == "requested"
        assert [(i.line_id, i.quantity) for i in request.lines.all()] == [(first.pk, 2)]
        note.refresh_from_db()
    assert note.status == ShippingStatus.SHIPPING_REQUESTED
    assert events == ["shipment_requested"]
    with brand_scope(brand):
        assert plannable_quantities(note) == {first.pk: 1, second.pk: 2}


def test_more_than_is_left_to_plan_is_refused(brand, note):
    with brand_scope(brand):
        first = note.lines.order_by("position").first()
        create_request(note, {first.pk: 3})
        with pytest.raises(RequestRefused):
            create_request(note, {first.pk: 1})  # all 3 are planned already
        with pytest.raises(RequestRefused):
            create_request(note, {})
        assert ShipmentRequest.objects.filter(note=note).count() == 1


def test_viewers_and_other_brands_cannot_request(brand, other_brand, note, viewer_member):
    viewer = Client()
    viewer.force_login(viewer_member.user)
    with scopes_disabled():
        line = note.lines.first()
    assert viewer.post(_url(brand, note), {f"request_line_{line.pk}": 1}).status_code == 403
    outsider = MembershipFactory(brand=other_brand, role="admin")
    other = Client()
    other.force_login(outsider.user)
    url = reverse("note_request_shipment", kwargs={"brand_slug": other_brand.slug, "pk": note.pk})
    assert other.post(url, {f"request_line_{line.pk}": 1}).status_code == 404
    with scopes_disabled():
        assert not ShipmentRequest.objects.exists()


def test_only_a_shipment_recorded_by_a_person_says_shipped(brand, note, events):
    with brand_scope(brand):
        first = note.lines.order_by("position").first()
        record_shipment(
            note,
            platform="shipstation",
            external_id="S-1",
            tracking_numbers=["1"],
            lines={first.pk: 1},
        )
        assert events == []
        record_shipment(note, tracking_numbers=["2"])
    assert events == ["shipped"]
