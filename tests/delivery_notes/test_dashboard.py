from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from brands.scoping import scopes_disabled
from delivery_notes.models import ShippingStatus
from integrations.models import ConnectionStatus, Integration
from tests.delivery_notes.helpers import brand_url, make_note, ship

pytestmark = pytest.mark.django_db


def test_dashboard_counts_waiting_notes_and_activity(staff_client, brand, other_brand):
    make_note(brand, number="W-NEW", issue_date=date(2025, 3, 1))
    make_note(
        brand,
        number="W-OLD",
        issue_date=date(2025, 1, 1),
        status=ShippingStatus.SHIPPING_REQUESTED,
    )
    shipped = make_note(brand, number="S-1", issue_date=date(2024, 12, 1))
    ship(shipped, carrier="yamato")
    make_note(other_brand, number="FOREIGN", issue_date=date(2020, 1, 1))

    response = staff_client.get(brand_url("dashboard", brand))
    assert response.status_code == 200
    counts = {item.status: item.count for item in response.context["status_counts"]}
    assert counts == {
        "unshipped": 1,
        "shipping_requested": 1,
        "partially_shipped": 0,
        "shipped": 1,
        "delivered": 0,
        "cancelled": 0,
    }
    assert [note.number for note in response.context["waiting"]] == ["W-OLD", "W-NEW"]
    assert [a.verb for a in response.context["activities"]] == ["status", "shipment"]
    content = response.content.decode()
    assert f"{brand_url('note_list', brand)}?status=shipped" in content
    assert "FOREIGN" not in content


def test_integration_tiles_default_to_not_integrated(staff_client, brand, other_brand):
    with scopes_disabled():
        Integration.objects.create(
            brand=brand, platform="shipandco", status=ConnectionStatus.INTEGRATED
        )
        Integration.objects.create(
            brand=other_brand, platform="webshipper", status=ConnectionStatus.INTEGRATED
        )
    response = staff_client.get(brand_url("dashboard", brand))
    tiles = {tile.platform: tile.status_label for tile in response.context["integration_tiles"]}
    assert tiles == {
        "shipandco": "Integrated",
        "shipstation": "Not Integrated",
        "webshipper": "Not Integrated",
    }
    content = response.content.decode()
    assert reverse("shipandco:settings", kwargs={"brand_slug": brand.slug}) in content
    assert f"{brand_url('integration_list', brand)}#webshipper" in content


def test_viewer_sees_dashboard(viewer_client, brand):
    assert viewer_client.get(brand_url("dashboard", brand)).status_code == 200


def test_dashboard_of_another_brand_is_404(staff_client, other_brand):
    assert staff_client.get(brand_url("dashboard", other_brand)).status_code == 404
