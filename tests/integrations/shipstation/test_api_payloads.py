"""ShipStation API (modes 2 and 3) without a network: note payloads, label parsing, and how the
clients read ShipStation's answers (error kinds, rate headers, masking)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest

from brands.scoping import scopes_disabled
from delivery_notes.models import DeliveryNote
from integrations.http import AuthRejected, RateLimited, UnreadableRejection
from integrations.records import MalformedShipment
from integrations.shipstation.api import PushRefused, V1Client, V2Client, make_pusher
from integrations.shipstation.api.orders import check_key, v1_order, v2_shipment
from integrations.shipstation.api.sources import parse_v1_shipment, parse_v2_label
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory

V1_KEY, V1_SECRET = "sandbox-ss-v1-key", "sandbox-ss-v1-secret"
V2_KEY = "sandbox-ss-v2-key"
V1_CREDENTIALS = {"v1_api_key": V1_KEY, "v1_api_secret": V1_SECRET}
V2_CREDENTIALS = {"v2_api_key": V2_KEY}


def note_for(brand, number: str = "DN-API-1", quantities=(3, 2), **fields) -> DeliveryNote:
    """A note with lines (options, weights), read back as the pusher gets it: lines prefetched."""
    with scopes_disabled():
        note = DeliveryNoteFactory(brand=brand, number=number, **fields)
        for position, quantity in enumerate(quantities):
            DeliveryNoteLineFactory(
                note=note,
                quantity=quantity,
                position=position,
                options={"Colour": "Black", "Size": "M"} if position == 0 else {},
            )
        return reload(note)


def reload(note: DeliveryNote) -> DeliveryNote:
    with scopes_disabled():
        return (
            DeliveryNote.objects.select_related("brand").prefetch_related("lines").get(pk=note.pk)
        )


def key_of(note: DeliveryNote) -> str:
    return f"hakobu-{note.brand_id}-{note.pk}"


def line_ids(note: DeliveryNote) -> list[int]:
    return [line.pk for line in note.lines.all()]


@pytest.mark.django_db
def test_v1_order_carries_the_note_whole(brand):
    note = note_for(brand, total_weight_grams=1250, internal_notes="Fragile", is_gift=True)
    body = v1_order(note, key=key_of(note), store_id="17", warehouse_id="se-42")
    assert body["orderNumber"] == note.number and body["orderKey"] == key_of(note)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.0000000", body["orderDate"])
    assert body["orderStatus"] == "awaiting_shipment"
    assert body["shipTo"]["name"] == note.recipient_name
    assert body["shipTo"]["company"] == note.recipient_company
    assert body["shipTo"]["state"] == note.prefecture and body["shipTo"]["country"] == "JP"
    assert body["billTo"] == body["shipTo"]
    assert [item["lineItemKey"] for item in body["items"]] == [str(pk) for pk in line_ids(note)]
    first = body["items"][0]
    assert first["weight"] == {"value": 250, "units": "grams"} and first["quantity"] == 3
    assert first["options"] == [
        {"name": "Colour", "value": "Black"},
        {"name": "Size", "value": "M"},
    ]
    assert body["weight"] == {"value": 1250, "units": "grams"}
    assert body["internalNotes"] == "Fragile" and body["gift"] is True
    assert body["advancedOptions"] == {
        "storeId": 17,
        "warehouseId": 42,
        "source": "Hakobu",
        "customField1": note.order_reference,
    }
    assert v1_order(note, key=key_of(note), status="cancelled")["orderStatus"] == "cancelled"


@pytest.mark.django_db
def test_v1_order_date_is_us_pacific(brand):
    note = note_for(brand)
    with scopes_disabled():
        DeliveryNote.objects.filter(pk=note.pk).update(
            created_at=datetime(2026, 11, 20, 0, 30, tzinfo=UTC), issue_date=date(2026, 11, 20)
        )
    body = v1_order(reload(note), key=key_of(note), time_zone="UTC")
    assert body["orderDate"] == "2026-11-19T16:30:00.0000000"  # PST = UTC-8


@pytest.mark.django_db
def test_v2_shipment_keys_and_lines(brand):
    note = note_for(brand, customer_notes="Before noon")
    body = v2_shipment(note, key=key_of(note), store_id="se-9", warehouse_id="42")
    assert body["external_shipment_id"] == key_of(note)
    assert body["shipment_number"] == note.number and body["create_sales_order"] is True
    assert body["warehouse_id"] == "se-42" and body["store_id"] == "se-9"
    assert [i["external_order_item_id"] for i in body["items"]] == [str(p) for p in line_ids(note)]
    assert body["items"][0]["weight"] == {"value": 250, "unit": "gram"}
    assert body["ship_to"]["city_locality"] == note.city
    assert body["ship_to"]["address_residential_indicator"] == "unknown"
    assert body["amount_paid"]["currency"] == "jpy"
    assert body["notes_from_buyer"] == "Before noon"
    assert "warehouse_id" not in v2_shipment(note, key=key_of(note))


def test_an_order_key_longer_than_ShipStation_keeps_is_refused():
    assert check_key("hakobu-1-2") == "hakobu-1-2"
    for bad in ("", "k" * 51):
        with pytest.raises(ValueError):
            check_key(bad)


def test_make_pusher_needs_the_credentials_of_its_version():
    with pytest.raises(ValueError):
        make_pusher("v1", {"v1_api_key": V1_KEY})
    with pytest.raises(ValueError):
        make_pusher("v2", V1_CREDENTIALS)
    with pytest.raises(ValueError):
        make_pusher("v3", V2_CREDENTIALS)


def test_v1_shipment_parses_pacific_dates_lines_and_voids():
    raw = {
        "shipmentId": 81,
        "orderNumber": "DN-81",
        "createDate": "2026-11-20T16:30:00.1234567",
        "shipDate": "2026-11-21",
        "trackingNumber": "123456789012",
        "carrierCode": "fedex",
        "serviceCode": "fedex_international_priority",
        "shipmentCost": 13.5,
        "voided": False,
        "shipmentItems": [
            {"lineItemKey": "7", "quantity": 2},
            {"lineItemKey": "7", "quantity": 1},
            {"lineItemKey": "discount", "quantity": 1},
            {"lineItemKey": None, "quantity": 4},
        ],
    }
    shipment = parse_v1_shipment(raw)
    assert shipment.external_id == "se-81" and shipment.reference == "DN-81"
    assert shipment.created_at == datetime(2026, 11, 21, 0, 30, 0, 123456, tzinfo=UTC)
    assert shipment.lines == ((7, 3),) and shipment.cost == Decimal("13.5")
    assert shipment.tracking_numbers == ("123456789012",) and shipment.live
    assert parse_v1_shipment({**raw, "voided": True}).cancelled
    with pytest.raises(MalformedShipment) as caught:
        parse_v1_shipment({**raw, "createDate": "yesterday"})
    assert caught.value.external_id == "se-81"


def test_v2_label_parses_dead_statuses_and_the_whole_shipment_without_items():
    raw = {
        "label_id": "se-90",
        "status": "completed",
        "shipment_number": "DN-90",
        "created_at": "2026-11-22T01:12:00.000Z",
        "ship_date": "2026-11-22T00:00:00Z",
        "tracking_number": "1Z",
        "packages": [{"tracking_number": "1Z"}, {"tracking_number": "2Z"}],
        "shipment_cost": {"currency": "usd", "amount": 12.5},
        "test_label": False,
    }
    label = parse_v2_label(raw)
    assert label.tracking_numbers == ("1Z", "2Z") and label.lines == ()
    assert label.ship_date.isoformat() == "2026-11-22" and label.cost == Decimal("12.5")
    assert label.created_at == datetime(2026, 11, 22, 1, 12, tzinfo=UTC)
    assert parse_v2_label({**raw, "status": "voided"}).cancelled
    assert parse_v2_label({**raw, "status": "error"}).cancelled
    assert not parse_v2_label({**raw, "test_label": True}).live
    with pytest.raises(MalformedShipment):
        parse_v2_label({**raw, "label_id": ""})


def answering(*responses: httpx.Response) -> httpx.MockTransport:
    queue = list(responses)
    return httpx.MockTransport(lambda request: queue.pop(0))


def test_rate_headers_pace_and_a_v1_429_waits_for_the_reset():
    headers = {"X-Rate-Limit-Limit": "40", "X-Rate-Limit-Remaining": "0"}
    transport = answering(
        httpx.Response(200, json=[], headers=headers),
        httpx.Response(429, json={"Message": "Too many requests"}, headers={
            **headers, "X-Rate-Limit-Reset": "37"
        }),
    )  # fmt: skip
    client = V1Client(V1_KEY, V1_SECRET, "https://ss.test/", transport)
    sleeps: list[float] = []
    client.sleep = sleeps.append
    client.check()
    assert client.rate_limit == (0, 40)
    with pytest.raises(RateLimited) as caught:
        client.check()
    assert caught.value.retry_after == 37 and sleeps  # paced before the second call


def test_error_kinds_and_shipstation_s_words():
    secret_echo = {"Message": f"Bad secret {V1_SECRET}"}
    transport = answering(
        httpx.Response(401, json=secret_echo, headers={"WWW-Authenticate": "Basic"}),
        httpx.Response(401, text="", headers={"WWW-Authenticate": 'Basic realm="x"'}),
        httpx.Response(403, json={"Message": "Your plan does not include API access."}),
        httpx.Response(403, text="<html>proxy</html>", headers={"Content-Type": "text/html"}),
        httpx.Response(400, json={"Message": "An error has occurred.", "ExceptionMessage": "No."}),
    )
    client = V1Client(V1_KEY, V1_SECRET, "https://ss.test/", transport)
    with pytest.raises(AuthRejected) as caught:
        client.check()
    assert V1_SECRET not in str(caught.value)
    with pytest.raises(AuthRejected):
        client.check()
    with pytest.raises(PushRefused, match="^Your plan does not include API access.$"):
        client.check()
    with pytest.raises(UnreadableRejection):
        client.check()
    with pytest.raises(PushRefused, match="^No.$"):
        client.check()

    errors = {"errors": [{"message": "ship_to.phone is required."}, {"message": "Bad SKU."}]}
    v2 = V2Client(V2_KEY, "https://ss.test/v2/", answering(
        httpx.Response(401, json={"errors": [{"message": "The request is missing a valid API key."}]}),
        httpx.Response(400, json=errors),
    ))  # fmt: skip
    with pytest.raises(AuthRejected):
        v2.check()
    with pytest.raises(PushRefused, match=r"^ship_to.phone is required.; Bad SKU.$"):
        v2.check()
