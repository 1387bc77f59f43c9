"""Orders marked shipped in ShipStation without a label ("Mark as Shipped") are *fulfillments*:
they never appear among the labels, so the poll reads them too and ships the whole note."""

from __future__ import annotations

import pytest
from django.utils import timezone

from brands.scoping import scopes_disabled
from delivery_notes.models import Shipment, ShippingStatus
from integrations.models import PlatformOrder
from integrations.shipstation import facts
from integrations.shipstation.api.clients import V1Client
from integrations.shipstation.models import ShipstationSettings
from integrations.sync import sync_integration
from tests.integrations.shipstation.conftest import orders_with_key
from tests.integrations.shipstation.test_api_orders_flow import (
    CREDENTIALS,
    label,
    status_of,
    turn_on,
)
from tests.integrations.shipstation.test_api_v1_batches import send_selected
from tests.integrations.shipstation.test_custom_store_endpoint import note_with_lines


def mark_shipped(base: str, order_id: int, tracking: str) -> None:
    """What a ShipStation user's "Mark as Shipped" does (V1 markasshipped on the same account)."""
    client = V1Client(
        CREDENTIALS["v1"]["v1_api_key"], CREDENTIALS["v1"]["v1_api_secret"], base_url=f"{base}/v1/"
    )
    try:
        client.post_json(
            "orders/markasshipped",
            {
                "orderId": order_id,
                "carrierCode": "fedex",
                "shipDate": timezone.localdate().isoformat(),
                "trackingNumber": tracking,
                "notifyCustomer": False,
                "notifySalesChannel": False,
            },
        )
    finally:
        client.close()


def pushed_note(admin_client, brand, base, version, capture, number):
    turn_on(admin_client, brand, version)
    note = note_with_lines(brand, number, quantities=(2, 1))
    send_selected(admin_client, brand, [note], capture)
    with scopes_disabled():
        key = PlatformOrder.objects.get(note=note)
        integration = ShipstationSettings.objects.get().integration
    assert key.route == PlatformOrder.Route.PUSHED
    (order,) = orders_with_key(base, f"hakobu-{brand.pk}-{note.pk}")
    return note, order, integration


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_an_order_marked_shipped_without_a_label_ships_the_note(
    admin_client, brand, shipstation, version, django_capture_on_commit_callbacks
):
    note, order, integration = pushed_note(
        admin_client, brand, shipstation, version, django_capture_on_commit_callbacks, "DN-MS1"
    )
    mark_shipped(shipstation, order["orderId"], "794600000001")

    run = sync_integration(integration.pk)

    assert run.outcome == "success", run.error
    assert status_of(note) == ShippingStatus.SHIPPED
    with scopes_disabled():
        (shipment,) = Shipment.objects.filter(note=note)
        assert shipment.tracking_numbers == ["794600000001"]
        assert shipment.external_id.startswith(facts.FULFILLMENT_ID_PREFIX)
    assert sync_integration(integration.pk).outcome == "success"
    with scopes_disabled():
        assert Shipment.objects.filter(note=note).count() == 1  # read again: nothing changes


def test_without_a_fulfillments_endpoint_labels_still_sync(
    admin_client, brand, shipstation, monkeypatch, django_capture_on_commit_callbacks
):
    note, order, integration = pushed_note(
        admin_client, brand, shipstation, "v1", django_capture_on_commit_callbacks, "DN-MS2"
    )
    with scopes_disabled():
        first, second = note.lines.order_by("position").values_list("pk", flat=True)
    label(shipstation, note.number, {str(first): 2, str(second): 1})
    monkeypatch.setattr(V1Client, "fulfillments_path", "no-such-endpoint")  # a 404

    run = sync_integration(integration.pk)

    assert run.outcome == "success", run.error
    assert status_of(note) == ShippingStatus.SHIPPED
