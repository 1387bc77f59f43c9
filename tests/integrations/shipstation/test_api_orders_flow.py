"""Method 2 end to end against the ShipStation sandbox over HTTP, on API V1 and on API V2:
set-up on the page, notes sent from the list through the outbox, labels polled back."""

from __future__ import annotations

import httpx
import pytest
from django.test import Client
from django.urls import reverse

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import Shipment, ShippingStatus
from integrations import outbox
from integrations.models import OutboundOrder, PlatformOrder
from integrations.shipstation.models import ShipstationSettings
from integrations.sync import sync_integration
from tests.integrations.shipstation.conftest import sandbox_orders
from tests.integrations.shipstation.test_custom_store_endpoint import enable, note_with_lines

CREDENTIALS = {
    "v1": {"v1_api_key": "sandbox-ss-v1-key", "v1_api_secret": "sandbox-ss-v1-secret"},
    "v2": {"v2_api_key": "sandbox-ss-v2-key"},
}


def label(base: str, number: str, lines: dict) -> dict:
    response = httpx.post(
        f"{base}/_label", json={"account": 1, "order_number": number, "lines": lines}
    )
    assert response.status_code == 200, response.text
    return response.json()


def settings_url(brand) -> str:
    return reverse("shipstation:settings", kwargs={"brand_slug": brand.slug})


def turn_on(admin_client, brand, version: str) -> None:
    response = admin_client.post(
        settings_url(brand),
        {
            "api_orders": "on",
            "api_version": version,
            "push_trigger": "by_hand",
            "ready_statuses": ["unshipped", "shipping_requested"],
            "notify_mode": "per_sync",
            **CREDENTIALS[version],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def status_of(note) -> str:
    with scopes_disabled():
        note.refresh_from_db()
    return note.status


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_send_from_the_list_then_labels_come_back(
    admin_client, staff_member, brand, shipstation, version, django_capture_on_commit_callbacks
):
    turn_on(admin_client, brand, version)
    staff_client = Client()
    staff_client.force_login(staff_member.user)
    page = admin_client.get(settings_url(brand)).content.decode()
    assert "Tokyo" in page  # the ship-from locations come from the account, not typed
    note = note_with_lines(brand, f"DN-API-{version}", quantities=(3, 2))
    with scopes_disabled():
        first, second = note.lines.order_by("position").values_list("pk", flat=True)
        integration = ShipstationSettings.objects.get().integration
        assert "sandbox-ss" not in str(integration.credentials)  # masked in repr
    list_page = staff_client.get(reverse("note_list", kwargs={"brand_slug": brand.slug}))
    assert "Send to ShipStation" in list_page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("shipstation:send_selected", kwargs={"brand_slug": brand.slug}),
            {"selected": [note.pk]},
        )
    with scopes_disabled():
        row = OutboundOrder.objects.get(note=note)
    assert row.status == OutboundOrder.Status.SENT, row.reason
    assert status_of(note) == ShippingStatus.SHIPPING_REQUESTED
    assert [o["orderNumber"] for o in sandbox_orders(shipstation)] == [note.number]

    # A retry (a worker killed after ShipStation stored the order) never makes a second order.
    with scopes_disabled():
        OutboundOrder.objects.filter(pk=row.pk).update(
            status=OutboundOrder.Status.PENDING, external_id=""
        )
    with brand_scope(brand):
        assert outbox.send(row.pk) == OutboundOrder.Status.SENT
    assert len(sandbox_orders(shipstation)) == 1

    label(shipstation, note.number, {str(first): 3})
    run = sync_integration(integration.pk)
    assert run.outcome == "success", run.error
    assert status_of(note) == ShippingStatus.PARTIALLY_SHIPPED
    label(shipstation, note.number, {str(second): 2})
    sync_integration(integration.pk)
    assert status_of(note) == ShippingStatus.SHIPPED
    with scopes_disabled():
        shipments = list(Shipment.objects.filter(note=note))
        assert PlatformOrder.objects.get(note=note).route == PlatformOrder.Route.PUSHED
    assert len(shipments) == 2 and all(s.tracking_numbers for s in shipments)


def test_wrong_keys_are_refused_on_save_and_nothing_is_stored(admin_client, brand, shipstation):
    response = admin_client.post(
        settings_url(brand),
        {
            "api_orders": "on",
            "api_version": "v2",
            "v2_api_key": "not-the-key",
            "ready_statuses": ["unshipped"],
            "notify_mode": "per_sync",
        },
    )
    assert response.status_code == 200
    assert "rejected the API credentials" in response.content.decode()
    with scopes_disabled():
        assert not ShipstationSettings.objects.filter(api_orders=True).exists()


def test_both_methods_on_is_refused_on_the_page(admin_client, brand, shipstation):
    response = admin_client.post(
        settings_url(brand),
        {
            "custom_store": "on",
            "api_orders": "on",
            "api_version": "v2",
            "ready_statuses": ["unshipped"],
            "notify_mode": "per_sync",
            **CREDENTIALS["v2"],
        },
    )
    assert "Use either method 1 or method 2" in response.content.decode()
    with scopes_disabled():
        assert not ShipstationSettings.objects.exists()


def test_a_note_shipstation_pulled_is_never_pushed(
    admin_client, client, brand, shipstation, django_capture_on_commit_callbacks
):
    _integration, path, _password = enable(brand)
    note = note_with_lines(brand, "DN-PULLED")
    with scopes_disabled():
        PlatformOrder.objects.create(
            brand=brand, note=note, platform="shipstation", route=PlatformOrder.Route.PULLED
        )
        ShipstationSettings.objects.update(custom_store=False)
    turn_on(admin_client, brand, "v2")
    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(note, "shipstation")
    with scopes_disabled():
        row = OutboundOrder.objects.get(note=note)
    assert row.status == OutboundOrder.Status.HELD and "not sent a second time" in row.reason
    assert sandbox_orders(shipstation) == []


def test_automatic_sending_edits_and_cancellation_on_v1(
    admin_client, brand, shipstation, django_capture_on_commit_callbacks
):
    from delivery_notes.services import cancel_note, log_note_saved

    turn_on(admin_client, brand, "v1")
    with scopes_disabled():
        ShipstationSettings.objects.update(push_trigger="on_create")
    note = note_with_lines(brand, "DN-AUTO")
    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        log_note_saved(note, created=True, changed=[])
    (order,) = sandbox_orders(shipstation)
    assert order["orderNumber"] == "DN-AUTO" and order["orderStatus"] == "awaiting_shipment"

    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        cancel_note(note)
    (order,) = sandbox_orders(shipstation)
    assert order["orderStatus"] == "cancelled"
    with scopes_disabled():
        assert OutboundOrder.objects.get(note=note, action="cancel").status == "sent"


def test_a_refused_order_is_held_with_shipstations_message_and_can_be_retried(
    admin_client, staff_member, brand, shipstation, django_capture_on_commit_callbacks
):
    turn_on(admin_client, brand, "v2")
    note = note_with_lines(brand, "DN-REFUSED")
    httpx.post(
        f"{shipstation}/_faults", json={"account": 1, "status": 400, "count": 1, "api": "v2"}
    )
    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(note, "shipstation")
    with scopes_disabled():
        row = OutboundOrder.objects.get(note=note)
    assert row.status == OutboundOrder.Status.HELD and row.reason
    staff = Client()
    staff.force_login(staff_member.user)
    detail = staff.get(reverse("note_detail", kwargs={"brand_slug": brand.slug, "pk": note.pk}))
    assert row.reason[:30] in detail.content.decode()
    listed = staff.get(reverse("outbox_list", kwargs={"brand_slug": brand.slug}))
    assert "DN-REFUSED" in listed.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("outbox_retry", kwargs={"brand_slug": brand.slug, "pk": row.pk}))
    with scopes_disabled():
        row.refresh_from_db()
    assert row.status == OutboundOrder.Status.SENT
    assert [o["orderNumber"] for o in sandbox_orders(shipstation)] == ["DN-REFUSED"]


def test_a_label_reported_by_ship_notice_is_not_recorded_again_by_the_poll(
    admin_client, brand, shipstation, django_capture_on_commit_callbacks
):
    """Was: after switching from method 1 to method 2, the first poll recorded the labels the
    Custom Store's ship notices had already recorded, a second time."""
    from integrations.shipstation.custom_store.notify import apply_ship_notice
    from integrations.shipstation.custom_store.ship_notice import parse_ship_notice

    turn_on(admin_client, brand, "v2")
    note = note_with_lines(brand, "DN-BOTH-ROUTES", quantities=(2,))
    with scopes_disabled():
        (line,) = note.lines.values_list("pk", flat=True)
        integration = ShipstationSettings.objects.get().integration
    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(note, "shipstation")
    tracking = label(shipstation, note.number, {str(line): 2})["shipment"]["trackingNumber"]
    # The same label, as the Custom Store's ship notice reported it before the switch.
    body = (
        f"<ShipNotice><OrderID>{note.pk}</OrderID><OrderNumber>{note.number}</OrderNumber>"
        f"<Carrier>Other</Carrier><TrackingNumber>{tracking}</TrackingNumber></ShipNotice>"
    ).encode()
    with brand_scope(brand):
        assert apply_ship_notice(integration, parse_ship_notice(body, {})).recorded
    run = sync_integration(integration.pk)
    assert run.outcome == "success", run.error
    with scopes_disabled():
        assert Shipment.objects.filter(note=note).count() == 1


def test_sending_a_note_the_custom_store_pulled_says_so_and_moves_nothing(
    admin_client, staff_member, brand, shipstation
):
    """Was: "2 delivery notes are being sent" while both were held, and both moved status."""
    note = note_with_lines(brand, "DN-PULLED-EARLIER")
    with scopes_disabled():
        PlatformOrder.objects.create(
            brand=brand, note=note, platform="shipstation", route=PlatformOrder.Route.PULLED
        )
    turn_on(admin_client, brand, "v2")
    staff = Client()
    staff.force_login(staff_member.user)
    response = staff.post(
        reverse("shipstation:send_selected", kwargs={"brand_slug": brand.slug}),
        {"selected": [note.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "being sent" not in page and "Custom Store already" in page
    assert status_of(note) == ShippingStatus.UNSHIPPED
    with scopes_disabled():
        assert not OutboundOrder.objects.exists()
