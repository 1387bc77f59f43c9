"""Hakobu → Webshipper over HTTP against the sandbox: Connect, unmapped terms held then
released, orders on creation (no duplicate on retry, edits, cancel), shipments on shipment
creation (two parcels), tracking back by webhook and by polling, a manual shipment marking the
order dispatched."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import Shipment, ShipmentRequest, ShippingStatus
from delivery_notes.services import cancel_note, log_note_saved, record_shipment
from integrations import outbox
from integrations.models import InboundCall, OutboundOrder
from integrations.sync import sync_integration
from integrations.webshipper.models import RateMapping
from tests.integrations.webshipper.conftest import (
    connect,
    control,
    deliveries,
    integration_of,
    new_note,
    refreshed,
    replay,
    sandbox_orders,
    settings_url,
)


def map_terms(admin_client, brand, captured, terms: str, rate_name: str) -> None:
    integration = integration_of(brand)
    page = admin_client.get(settings_url(brand)).content.decode()
    assert rate_name in page  # the rates come from the account's channel
    with scopes_disabled():
        row = RateMapping.objects.get(integration=integration, delivery_terms=terms)
    rates = {"GLS Business": "2", "PostNord MyPack Collect": "3", "DAO Direct": "4"}
    with captured(execute=True):
        response = admin_client.post(
            reverse("webshipper:save_rates", kwargs={"brand_slug": brand.slug}),
            {f"rate_{row.pk}": rates[rate_name]},
        )
    assert response.status_code == 302


def push_row(note, part: str = "") -> OutboundOrder:
    with scopes_disabled():
        return OutboundOrder.objects.get(note=note, action="push", part=part)


def test_connect_refuses_a_wrong_token_and_saves_nothing(admin_client, brand, webshipper):
    response = connect(admin_client, brand, api_token="wrong-token")
    assert response.status_code == 200
    assert "token rejected" in response.content.decode()
    with scopes_disabled():
        assert not brand.integrations_integration_set.exists()


def test_connect_subscribes_webhooks_and_lists_channels(admin_client, brand, webshipper):
    assert connect(admin_client, brand).status_code == 302
    integration = integration_of(brand)
    assert integration.is_integrated
    assert integration.webshipper.order_channel_label == "Hakobu API"
    topics = sorted(hook["topic"] for hook in integration.webshipper.webhooks)
    assert topics == ["order/created", "order/updated", "shipment/created", "shipment/updated"]
    assert integration.secret("webhook_secret")
    page = admin_client.get(settings_url(brand)).content.decode()
    assert "Webshop" in page  # another channel of the account can be picked
    assert "sandbox-ws-token" not in page


def test_unmapped_terms_hold_the_note_and_mapping_releases_it(
    admin_client, brand, webshipper, django_capture_on_commit_callbacks
):
    connect(admin_client, brand)
    note = new_note(brand, "DN-WS-1", captured=django_capture_on_commit_callbacks)
    row = push_row(note)
    assert row.status == "held"
    assert "Erhverv" in row.reason and "not mapped" in row.reason
    assert "not mapped" in admin_client.get(settings_url(brand)).content.decode()
    assert sandbox_orders(webshipper) == []

    map_terms(admin_client, brand, django_capture_on_commit_callbacks, "Erhverv", "GLS Business")
    assert push_row(note).status == "sent"
    [order] = sandbox_orders(webshipper)
    attributes = order["attributes"]
    assert attributes["ext_ref"] == "DN-WS-1" and attributes["visible_ref"] == "DN-WS-1"
    assert order["relationships"]["shipping_rate"]["data"]["id"] == "2"
    assert attributes["delivery_address"]["att_contact"] == "Mette Hansen"
    line = attributes["order_lines"][0]
    assert line["sku"] == "SKU-0" and line["description"] == "Linen tote bag"
    assert line["quantity"] == 3 and line["unit_price"] == 3500.0
    assert line["weight"] == 300 and line["weight_unit"] == "g"
    assert "volume" not in str(attributes)


@pytest.fixture
def mapped(admin_client, brand, webshipper, django_capture_on_commit_callbacks):
    connect(admin_client, brand)
    with brand_scope(brand):
        RateMapping.objects.create(
            brand=brand, integration=integration_of(brand), delivery_terms="Erhverv", rate_id="2"
        )


def test_a_retry_finds_the_order_by_ext_ref_instead_of_duplicating(
    mapped, brand, webshipper, django_capture_on_commit_callbacks
):
    note = new_note(brand, "DN-WS-2", captured=django_capture_on_commit_callbacks)
    first = push_row(note)
    assert first.status == "sent"
    # The answer was lost: Hakobu never learnt the id and sends again.
    with scopes_disabled():
        OutboundOrder.objects.filter(pk=first.pk).update(external_id="", status="failed")
        outbox.retry(first)
        with django_capture_on_commit_callbacks(execute=True):
            outbox.retry(first)
    assert push_row(note).external_id == first.external_id
    assert len(sandbox_orders(webshipper)) == 1


def test_edits_update_the_order_and_a_cancel_deletes_it(
    mapped, brand, webshipper, django_capture_on_commit_callbacks
):
    note = new_note(brand, "DN-WS-3", captured=django_capture_on_commit_callbacks)
    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        note.city = "Odense C"
        note.save()
        log_note_saved(note, created=False, changed=["city"])
    [order] = sandbox_orders(webshipper)
    assert order["attributes"]["delivery_address"]["city"] == "Odense C"
    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        cancel_note(refreshed(note))
    assert sandbox_orders(webshipper) == []
    assert sandbox_orders(webshipper, deleted=True)[0]["deleted"]


def test_partial_dispatch_comes_back_by_webhook_duplicates_and_tampering_change_nothing(
    mapped, client, brand, webshipper, django_capture_on_commit_callbacks
):
    note = new_note(brand, "DN-WS-4", captured=django_capture_on_commit_callbacks)
    [order] = sandbox_orders(webshipper)
    first_line = order["attributes"]["order_lines"][0]["id"]
    already = len(deliveries(webshipper))
    control(webshipper, "_dispatch", order_id=order["id"], lines={str(first_line): 2})
    assert replay(client, webshipper, django_capture_on_commit_callbacks, since=already) == [
        200,
        200,
    ]
    note = refreshed(note)
    assert note.status == ShippingStatus.PARTIALLY_SHIPPED
    with scopes_disabled():
        [shipment] = Shipment.objects.filter(note=note)
        assert shipment.platform == "webshipper" and shipment.carrier == "GLS"
        assert len(shipment.tracking_numbers[0]) == 18
        assert [(line.line.sku, line.quantity) for line in shipment.lines.all()] == [("SKU-0", 2)]

    # The same deliveries again: still one shipment.
    assert replay(client, webshipper, django_capture_on_commit_callbacks, since=already) == [
        200,
        200,
    ]
    with scopes_disabled():
        assert Shipment.objects.filter(note=note).count() == 1

    # A tampered body (signature of the original) is refused and logged, never applied.
    delivery = deliveries(webshipper)[-2]
    path = delivery["url"].split("testserver", 1)[1]
    forged = delivery["body"].replace(order["id"], "999999")
    response = client.post(
        path,
        data=forged.encode(),
        content_type="application/vnd.api+json",
        HTTP_X_WEBSHIPPER_HMAC_SHA256=delivery["headers"]["X-Webshipper-Hmac-Sha256"],
        HTTP_X_WEBSHIPPER_TOPIC="shipment/created",
    )
    assert response.status_code == 401
    unsigned = client.post(
        path, data=delivery["body"].encode(), content_type="application/vnd.api+json"
    )
    assert unsigned.status_code == 401
    with scopes_disabled():
        assert InboundCall.objects.filter(outcome="denied").count() == 2


def test_a_missed_webhook_is_caught_by_polling(
    mapped, brand, webshipper, django_capture_on_commit_callbacks
):
    note = new_note(brand, "DN-WS-5", captured=django_capture_on_commit_callbacks)
    [order] = sandbox_orders(webshipper)
    already = len(deliveries(webshipper))
    control(webshipper, "_drop_webhooks", count=10)
    control(webshipper, "_dispatch", order_id=order["id"])
    assert len(deliveries(webshipper)) == already  # lost on the way
    with brand_scope(brand):
        run = sync_integration(integration_of(brand).pk)
    assert run.outcome == "success" and run.applied == 1
    assert refreshed(note).status == ShippingStatus.SHIPPED


def test_on_shipment_creation_one_note_goes_in_two_parcels(
    admin_client, client, brand, webshipper, django_capture_on_commit_callbacks
):
    connect(admin_client, brand, trigger="on_shipment")
    with brand_scope(brand):
        RateMapping.objects.create(
            brand=brand, integration=integration_of(brand), delivery_terms="Erhverv", rate_id="3"
        )
    note = new_note(brand, "DN-WS-6", captured=django_capture_on_commit_callbacks)
    assert sandbox_orders(webshipper) == []  # nothing goes before a shipment is created
    with scopes_disabled():
        first, second = note.lines.order_by("position")
    url = reverse("note_request_shipment", kwargs={"brand_slug": brand.slug, "pk": note.pk})
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {f"request_line_{first.pk}": 3})
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {f"request_line_{second.pk}": 2})
    orders = sandbox_orders(webshipper)
    assert [o["attributes"]["ext_ref"] for o in orders] == ["DN-WS-6-S1", "DN-WS-6-S2"]
    assert [
        [(li["sku"], li["quantity"]) for li in o["attributes"]["order_lines"]] for o in orders
    ] == [
        [("SKU-0", 3)],
        [("SKU-1", 2)],
    ]
    already = len(deliveries(webshipper))
    control(webshipper, "_dispatch", order_id=orders[0]["id"])
    replay(client, webshipper, django_capture_on_commit_callbacks, since=already)
    assert refreshed(note).status == ShippingStatus.PARTIALLY_SHIPPED
    already = len(deliveries(webshipper))
    control(webshipper, "_dispatch", order_id=orders[1]["id"])
    replay(client, webshipper, django_capture_on_commit_callbacks, since=already)
    assert refreshed(note).status == ShippingStatus.SHIPPED
    with scopes_disabled():
        requests = list(ShipmentRequest.objects.filter(note=note).select_related("shipment"))
        assert [r.status for r in requests] == ["shipped", "shipped"]
        assert requests[0].shipment != requests[1].shipment
        assert requests[0].shipment.tracking_numbers != requests[1].shipment.tracking_numbers
    page = admin_client.get(
        reverse("note_detail", kwargs={"brand_slug": brand.slug, "pk": note.pk})
    )
    assert "DN-WS-6-S2" in page.content.decode()


def test_a_shipment_recorded_in_hakobu_marks_the_order_dispatched(
    mapped, brand, webshipper, django_capture_on_commit_callbacks
):
    note = new_note(brand, "DN-WS-7", captured=django_capture_on_commit_callbacks)
    with brand_scope(brand), django_capture_on_commit_callbacks(execute=True):
        record_shipment(refreshed(note), carrier="gls", tracking_numbers=["GLS123"])
    [order] = sandbox_orders(webshipper)
    assert order["attributes"]["status"] == "dispatched"
    assert "GLS123" in order["attributes"]["internal_comment"]
