"""Method 1 end to end through Django: the settings page, ShipStation's export and ship notices."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pytest
from defusedxml import ElementTree
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import DeliveryNote, Shipment, ShippingStatus
from integrations.models import InboundCall, Integration, PlatformOrder, UnmatchedShipment
from integrations.shipstation.custom_store.export import line_item_id
from integrations.shipstation.models import ShipstationSettings
from integrations.shipstation.services import MethodsConflict, ShipstationChoice, save_methods
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory

WINDOW = {"start_date": "01/01/2020 00:00", "end_date": "12/31/2099 23:59"}


def settings_url(brand) -> str:
    return reverse("shipstation:settings", kwargs={"brand_slug": brand.slug})


def enable(brand, members=()) -> tuple[Integration, str, str]:
    """Method 1 on, as the admin's Save does; returns (integration, endpoint path, password)."""
    with brand_scope(brand):
        integration, password = save_methods(
            brand,
            ShipstationChoice(
                custom_store=True,
                api_orders=False,
                rates_labels=False,
                ready_statuses=[ShippingStatus.UNSHIPPED, ShippingStatus.SHIPPING_REQUESTED],
                members=members,
            ),
        )
    path = reverse("inbound_shipstation", kwargs={"token": integration.inbound_token})
    return integration, path, password


def basic(username: str, password: str) -> dict:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def note_with_lines(brand, number: str, quantities=(3, 2), **fields) -> DeliveryNote:
    note = DeliveryNoteFactory(brand=brand, number=number, **fields)
    for position, quantity in enumerate(quantities):
        DeliveryNoteLineFactory(note=note, quantity=quantity, position=position)
    return note


@pytest.fixture
def store(brand, admin_member):
    integration, path, password = enable(brand, members=[admin_member])
    username = f"hakobu-{brand.slug}"
    return {"integration": integration, "path": path, "auth": basic(username, password)}


def export(client, store, **params):
    return client.get(store["path"], {"action": "export", **WINDOW, **params}, **store["auth"])


def orders_of(response) -> list:
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Orders"
    return root.findall("Order")


def notice_body(note: DeliveryNote, lines: dict, tracking: str = "123456789012") -> bytes:
    items = "".join(
        f"<Item><LineItemID>{line_item_id(pk)}</LineItemID><SKU>X</SKU>"
        f"<Quantity>{quantity}</Quantity></Item>"
        for pk, quantity in lines.items()
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><ShipNotice><OrderNumber>{note.number}</OrderNumber>'
        f"<OrderID>{note.pk}</OrderID><LabelCreateDate>11/22/2026 01:12</LabelCreateDate>"
        f"<ShipDate>11/22/2026</ShipDate><Carrier>Other</Carrier><Service></Service>"
        f"<TrackingNumber>{tracking}</TrackingNumber><ShippingCost>980.00</ShippingCost>"
        f"<Items>{items}</Items></ShipNotice>"
    ).encode()


def notify(client, store, body: bytes, **query):
    return client.post(
        f"{store['path']}?action=shipnotify&{'&'.join(f'{k}={v}' for k, v in query.items())}",
        data=body,
        content_type="application/xml",
        **store["auth"],
    )


# --- the settings page ---------------------------------------------------------------------


def test_switching_method_1_on_shows_url_user_and_a_password_once(admin_client, brand):
    response = admin_client.post(
        settings_url(brand),
        {"custom_store": "on", "ready_statuses": ["unshipped"], "notify_mode": "per_sync"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    password = response.context["new_password"]
    assert password and password in page
    assert "/inbound/shipstation/" in page and f"hakobu-{brand.slug}" in page
    assert "shipping_requested" not in response.context["status_fields"]["Shipped"]
    with scopes_disabled():
        stored = ShipstationSettings.objects.get()
        assert password not in stored.store_password_hash
        assert Integration.objects.get(platform="shipstation").status == "integrated"
    again = admin_client.get(settings_url(brand)).content.decode()
    assert password not in again  # shown once
    assert "Use either method 1 or method 2" in again


def test_methods_1_and_2_exclude_each_other_in_the_service_and_the_database(brand):
    choice = ShipstationChoice(True, True, False, ["unshipped"], [])
    with brand_scope(brand), pytest.raises(MethodsConflict):
        save_methods(brand, choice)
    integration, _path, _password = enable(brand)
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        ShipstationSettings.objects.filter(integration=integration).update(api_orders=True)


def test_staff_cannot_change_the_methods(staff_client, brand):
    assert staff_client.post(settings_url(brand), {"custom_store": "on"}).status_code == 403


def test_a_rotated_password_replaces_the_old_one(admin_client, client, brand, store):
    rotated = admin_client.post(
        reverse("shipstation:rotate_password", kwargs={"brand_slug": brand.slug})
    )
    new_password = rotated.context["new_password"]
    assert export(client, store).status_code == 401
    fresh = {**store, "auth": basic(f"hakobu-{brand.slug}", new_password)}
    assert export(client, fresh).status_code == 200


# --- export --------------------------------------------------------------------------------


def test_the_export_lists_ready_notes_with_lines_and_utc_dates(client, brand, store):
    ready = note_with_lines(brand, "DN-READY")
    note_with_lines(brand, "DN-NO-ADDRESS", address_line1="")
    note_with_lines(brand, "DN-DONE", status=ShippingStatus.DELIVERED)
    response = export(client, store)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    (order,) = orders_of(response)
    assert order.findtext("OrderNumber") == "DN-READY"
    assert order.findtext("OrderID") == str(ready.pk)
    assert len(order.findall("Items/Item")) == 2
    with scopes_disabled():
        assert PlatformOrder.objects.get().note_id == ready.pk


def test_an_empty_window_is_a_valid_empty_document(client, store):
    response = export(client, store)
    assert response.content.strip().endswith(b'<Orders pages="0"/>')


def test_a_note_in_the_feed_is_exported_again_when_cancelled(client, brand, store):
    note = note_with_lines(brand, "DN-LATER-CANCELLED")
    assert len(orders_of(export(client, store))) == 1
    with scopes_disabled():
        DeliveryNote.objects.filter(pk=note.pk).update(
            status=ShippingStatus.CANCELLED, updated_at=timezone.now()
        )
    (order,) = orders_of(export(client, store))
    assert order.findtext("OrderStatus") == ShippingStatus.CANCELLED


def test_the_export_never_shows_another_brands_notes(client, brand, other_brand, store):
    note_with_lines(other_brand, "DN-THEIRS")
    assert orders_of(export(client, store)) == []


def test_wrong_credentials_answer_401_and_are_logged_without_the_password(client, brand, store):
    response = client.get(
        store["path"], {"action": "export", **WINDOW}, **basic(f"hakobu-{brand.slug}", "guess")
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    with scopes_disabled():
        call = InboundCall.objects.get()
    assert (call.outcome, call.status_code) == (InboundCall.Outcome.DENIED, 401)
    assert "guess" not in call.message


def test_an_unknown_url_token_answers_401_like_a_wrong_password(client, store):
    response = client.get(
        reverse("inbound_shipstation", kwargs={"token": "not-a-token"}),
        {"action": "export", **WINDOW},
        **store["auth"],
    )
    assert response.status_code == 401
    with scopes_disabled():
        assert not InboundCall.objects.exists()


def test_the_query_parameter_fallback_is_accepted(client, brand, store):
    note_with_lines(brand, "DN-1")
    username, password = (
        base64.b64decode(store["auth"]["HTTP_AUTHORIZATION"].split()[1]).decode().split(":", 1)
    )
    response = client.get(
        store["path"],
        {"action": "export", **WINDOW, "SS-UserName": username, "SS-Password": password},
    )
    assert response.status_code == 200 and len(orders_of(response)) == 1


def test_a_bad_window_is_refused_with_a_message(client, store):
    response = client.get(
        store["path"],
        {"action": "export", "start_date": "yesterday", "end_date": "now"},
        **store["auth"],
    )
    assert response.status_code == 400
    assert b"Bad export request" in response.content


# --- ship notices --------------------------------------------------------------------------


def lines_of(note) -> list[int]:
    with scopes_disabled():
        return list(note.lines.order_by("position").values_list("pk", flat=True))


def status_of(note) -> str:
    with scopes_disabled():
        note.refresh_from_db()
    return note.status


def test_a_partial_then_a_full_shipment_move_the_note_to_shipped(client, brand, store):
    note = note_with_lines(brand, "DN-PARTIAL", quantities=(3, 2))
    first, second = lines_of(note)
    assert notify(client, store, notice_body(note, {first: 3}, "111111111111")).status_code == 200
    assert status_of(note) == ShippingStatus.PARTIALLY_SHIPPED
    body = notice_body(note, {second: 2}, "222222222222")
    assert notify(client, store, body).status_code == 200
    assert status_of(note) == ShippingStatus.SHIPPED
    with scopes_disabled():
        shipments = list(Shipment.objects.order_by("id"))
    assert [s.tracking_numbers for s in shipments] == [["111111111111"], ["222222222222"]]
    assert (shipments[0].carrier, str(shipments[0].cost)) == ("Other", "980.00")
    assert shipments[0].shipped_on.isoformat() == "2026-11-22"


def test_a_repeated_notice_changes_nothing(client, brand, store):
    note = note_with_lines(brand, "DN-TWICE")
    body = notice_body(note, dict.fromkeys(lines_of(note), 1))
    assert notify(client, store, body).status_code == 200
    assert notify(client, store, body).status_code == 200
    with scopes_disabled():
        assert Shipment.objects.count() == 1


def test_another_brands_order_is_unmatched_and_answered_with_an_error(
    client, brand, other_brand, store
):
    theirs = note_with_lines(other_brand, "DN-THEIRS")
    response = notify(client, store, notice_body(theirs, {}))
    assert response.status_code == 404
    with scopes_disabled():
        assert not Shipment.objects.exists()
        assert UnmatchedShipment.objects.get().reference == "DN-THEIRS"
        theirs.refresh_from_db()
    assert theirs.status == ShippingStatus.UNSHIPPED


def test_an_entity_bomb_is_refused_at_once(client, store):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'.encode()
            for i in range(9)
        )
        + b"]><ShipNotice><OrderNumber>&lol8;</OrderNumber></ShipNotice>"
    )
    started = time.monotonic()
    response = notify(client, store, bomb)
    assert response.status_code == 400
    assert time.monotonic() - started < 2


def test_a_huge_body_is_refused_unread(client, store):
    response = notify(client, store, b"<ShipNotice>" + b" " * (20 * 1024 * 1024))
    assert response.status_code == 413


def test_non_xml_is_refused_with_a_message_and_logged(client, store):
    response = notify(client, store, b"<html>hello</html")
    assert response.status_code == 400
    with scopes_disabled():
        call = InboundCall.objects.get()
    assert call.outcome == InboundCall.Outcome.REJECTED and "Bad ship notice" in call.message


def test_too_many_calls_are_throttled(client, store, monkeypatch):
    from django.core.cache import cache

    from integrations import inbound

    cache.clear()
    monkeypatch.setattr(inbound, "CALLS_PER_MINUTE", 2)
    codes = [export(client, store).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_ship_notice_is_announced_to_the_notification_members(
    client, brand, store, django_capture_on_commit_callbacks
):
    from django.core import mail

    note = note_with_lines(brand, "DN-MAIL")
    with django_capture_on_commit_callbacks(execute=True):
        notify(client, store, notice_body(note, dict.fromkeys(lines_of(note), 9)))
    assert len(mail.outbox) == 1 and "DN-MAIL" in mail.outbox[0].body


def test_dates_in_the_export_are_utc(client, brand, store):
    note = note_with_lines(brand, "DN-UTC")
    moment = datetime(2026, 11, 21, 6, 2, tzinfo=UTC)
    with scopes_disabled():
        DeliveryNote.objects.filter(pk=note.pk).update(updated_at=moment)
    window = {"start_date": "11/21/2026 06:00", "end_date": "11/21/2026 06:05"}
    (order,) = orders_of(client.get(store["path"], {"action": "export", **window}, **store["auth"]))
    assert order.findtext("LastModified") == "11/21/2026 06:02"
    outside = {"start_date": "11/21/2026 06:03", "end_date": "11/21/2026 07:00"}
    response = client.get(store["path"], {"action": "export", **outside}, **store["auth"])
    assert orders_of(response) == []


def test_the_note_shows_it_went_to_shipstation(client, staff_client, brand, store):
    note = note_with_lines(brand, "DN-SHOWN")
    export(client, store)
    page = staff_client.get(
        reverse("note_detail", kwargs={"brand_slug": brand.slug, "pk": note.pk})
    ).content.decode()
    assert "Order in ShipStation (Pulled by the platform)" in page
