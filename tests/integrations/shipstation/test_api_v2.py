"""ShipStation API V2 (current, one key) against the sandbox over real HTTP: connect, push
shipments without duplicates, what V2 cannot change, cancel, and labels read back through the
shared ListingReader (the same ids as V1 reads)."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from django.utils import timezone

from integrations.http import AuthRejected, PlatformUnavailable, RateLimited
from integrations.listing import ListingReader
from integrations.records import PlatformShipment
from integrations.shipstation.api import PushRefused, V2Client, make_pusher, make_source
from tests.integrations.shipstation.conftest import control, orders_with_key
from tests.integrations.shipstation.test_api_payloads import (
    V1_CREDENTIALS,
    V2_CREDENTIALS,
    V2_KEY,
    key_of,
    line_ids,
    note_for,
)

pytestmark = pytest.mark.django_db


def v2_shipment(base: str, shipment_id: str) -> dict:
    response = httpx.get(f"{base}/v2/shipments/{shipment_id}", headers={"API-Key": V2_KEY})
    assert response.status_code == 200, response.text
    return response.json()


def pusher(base: str):
    return make_pusher("v2", V2_CREDENTIALS, base_url=f"{base}/v2/")


def push(p, note, existing_id: str = "", *, update: bool = False, warehouse_id: str = "") -> str:
    return p.push(
        note,
        key=key_of(note),
        existing_id=existing_id,
        warehouse_id=warehouse_id,
        store_id="",
        update=update,
    )


def read_all(base: str, since, version: str = "v2") -> list[PlatformShipment]:
    credentials = V2_CREDENTIALS if version == "v2" else V1_CREDENTIALS
    source = make_source(version, credentials, base_url=f"{base}/{version}/")
    reader = ListingReader(
        source.fetch_page,
        source.parse,
        platform_name=source.platform_name,
        first_page=source.first_page,
    )
    try:
        return [item.shipment for batch in reader.pages(since) for item in batch]
    finally:
        source.close()


def test_check_accepts_the_key_and_rejects_a_wrong_one(shipstation):
    with V2Client(V2_KEY, f"{shipstation}/v2/") as client:
        client.check()
        assert client.rate_limit == (199, 200)
    wrong = V2Client("not-the-key", f"{shipstation}/v2/")
    with wrong, pytest.raises(AuthRejected) as caught:
        wrong.check()
    assert "not-the-key" not in str(caught.value)


def test_no_stores_in_v2_but_warehouses(shipstation):
    with V2Client(V2_KEY, f"{shipstation}/v2/") as client:
        assert client.stores() == []
        warehouses = client.warehouses()
    assert [(w.name, w.is_default) for w in warehouses] == [
        ("Tokyo warehouse", True),
        ("Osaka warehouse", False),
    ]
    assert all(w.id.startswith("se-") for w in warehouses)


def test_push_creates_one_shipment_on_retry_and_after_a_lost_id(shipstation, brand):
    note = note_for(brand)
    with V2Client(V2_KEY, f"{shipstation}/v2/") as client:
        osaka = client.warehouses()[1].id
    p = pusher(shipstation)
    first = push(p, note, warehouse_id=osaka)
    assert first.startswith("se-")
    assert push(p, note, first, warehouse_id=osaka) == first  # a retry
    assert push(p, note, warehouse_id=osaka) == first  # crashed before the id was stored
    assert push(p, note, update=True) == first  # no id stored: nothing known to have changed
    p.close()
    assert len(orders_with_key(shipstation, key_of(note))) == 1
    shipment = v2_shipment(shipstation, first)
    assert shipment["shipment_number"] == note.number
    assert shipment["external_shipment_id"] == key_of(note)
    assert shipment["warehouse_id"] == osaka and shipment["shipment_status"] == "pending"
    assert [i["external_order_item_id"] for i in shipment["items"]] == [
        str(pk) for pk in line_ids(note)
    ]


def test_v2_cannot_change_a_shipment_once_created(shipstation, brand):
    note = note_for(brand)
    p = pusher(shipstation)
    shipment_id = push(p, note)
    with pytest.raises(PushRefused, match="cannot change an order once created") as caught:
        push(p, note, shipment_id, update=True)
    assert caught.value.order_status == "pending"
    p.close()


def test_a_validation_error_is_refused_in_shipstation_s_words(shipstation, brand):
    note = note_for(brand, address_line1="")
    p = pusher(shipstation)
    with pytest.raises(PushRefused, match=r"^ship_to\.address_line1 is required\.$"):
        push(p, note)
    control(shipstation, "_faults", api="v2", status=403, count=1)
    with pytest.raises(PushRefused, match="Injected fault") as plan:
        push(p, note_for(brand, number="DN-API-2"))
    assert plan.value.status == 403
    p.close()
    assert orders_with_key(shipstation, key_of(note)) == []


def test_cancel_is_idempotent_and_refused_while_a_label_is_active(shipstation, brand):
    note, labelled = note_for(brand), note_for(brand, number="DN-API-LABEL")
    never_sent = note_for(brand, number="DN-API-NEVER")
    p = pusher(shipstation)
    shipment_id = push(p, note)
    p.cancel(note, key=key_of(note), existing_id="")  # id lost: found by key
    assert v2_shipment(shipstation, shipment_id)["shipment_status"] == "cancelled"
    p.cancel(note, key=key_of(note), existing_id=shipment_id)
    p.cancel(never_sent, key=key_of(never_sent), existing_id="")
    assert orders_with_key(shipstation, key_of(never_sent)) == []
    labelled_id = push(p, labelled)
    control(shipstation, "_label", order_number=labelled.number)
    with pytest.raises(PushRefused, match="Void the shipment's labels") as caught:
        p.cancel(labelled, key=key_of(labelled), existing_id=labelled_id)
    assert caught.value.order_status == "label_purchased"
    p.close()


def test_a_partial_label_reads_back_with_its_note_number_lines_and_cost(shipstation, brand):
    note = note_for(brand, quantities=(3, 2))
    _first, second_line = line_ids(note)
    since = timezone.now() - timedelta(hours=1)
    p = pusher(shipstation)
    push(p, note)
    p.close()
    label = control(
        shipstation,
        "_label",
        order_number=note.number,
        lines={str(second_line): 2},
        tracking_number="999988887777",
    )["shipment"]
    [shipment] = read_all(shipstation, since)
    assert shipment.external_id == f"se-{label['shipmentId']}"
    assert shipment.reference == note.number  # from the label's shipment
    assert shipment.lines == ((second_line, 2),)
    assert shipment.tracking_numbers == ("999988887777",)
    assert shipment.cost == Decimal("13.0") and shipment.service == "fedex_international_priority"
    assert shipment.live and shipment.ship_date is not None
    # V1 reads the same label under the same id: switching versions records nothing twice
    [through_v1] = read_all(shipstation, since, version="v1")
    assert (through_v1.external_id, through_v1.lines) == (shipment.external_id, shipment.lines)


def test_a_voided_label_is_cancelled_even_when_voided_after_the_window_began(shipstation, brand):
    note = note_for(brand)
    p = pusher(shipstation)
    push(p, note)
    p.close()
    label = control(shipstation, "_label", order_number=note.number)["shipment"]
    time.sleep(1.1)
    since = timezone.now()
    control(shipstation, "_void", label_id=f"se-{label['shipmentId']}")
    [voided] = read_all(shipstation, since)  # from the re-read of recent voided labels
    assert voided.external_id == f"se-{label['shipmentId']}" and voided.cancelled


def test_rate_limit_and_outage_kinds(shipstation):
    with V2Client(V2_KEY, f"{shipstation}/v2/") as client:
        control(shipstation, "_faults", api="v2", status=429, count=1)
        with pytest.raises(RateLimited) as caught:
            client.check()
        assert caught.value.retry_after == 1  # Retry-After
        control(shipstation, "_faults", api="v2", status=500, count=1)
        with pytest.raises(PlatformUnavailable):
            client.check()
        client.check()
