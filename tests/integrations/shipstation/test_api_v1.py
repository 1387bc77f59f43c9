"""ShipStation API V1 (legacy, key + secret) against the sandbox over real HTTP: connect, push
orders idempotently, cancel, refusals, and labels read back through the shared ListingReader."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from django.core.cache import cache
from django.utils import timezone

from brands.scoping import scopes_disabled
from integrations.http import AuthRejected, PlatformUnavailable, RateLimited
from integrations.listing import ListingReader
from integrations.records import PlatformShipment
from integrations.shipstation.api import PushRefused, V1Client, make_pusher, make_source
from tests.integrations.shipstation.conftest import control, orders_with_key
from tests.integrations.shipstation.test_api_payloads import (
    V1_CREDENTIALS,
    V1_KEY,
    V1_SECRET,
    key_of,
    line_ids,
    note_for,
    reload,
)

pytestmark = pytest.mark.django_db


def v1_order(base: str, order_id: str) -> dict:
    response = httpx.get(
        f"{base}/v1/orders/{order_id.removeprefix('se-')}", auth=(V1_KEY, V1_SECRET)
    )
    assert response.status_code == 200, response.text
    return response.json()


def pusher(base: str):
    return make_pusher("v1", V1_CREDENTIALS, base_url=f"{base}/v1/")


def read_all(base: str, since) -> list[PlatformShipment]:
    source = make_source("v1", V1_CREDENTIALS, base_url=f"{base}/v1/")
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


def push(p, note, existing_id: str = "", warehouse_id: str = "") -> str:
    return p.push(
        note, key=key_of(note), existing_id=existing_id, warehouse_id=warehouse_id, store_id=""
    )


def test_check_accepts_the_key_pair_and_rejects_a_wrong_secret(shipstation):
    with V1Client(V1_KEY, V1_SECRET, f"{shipstation}/v1/") as client:
        client.check()
        assert client.rate_limit == (39, 40)
    wrong = V1Client(V1_KEY, "wrong-secret", f"{shipstation}/v1/")
    with wrong, pytest.raises(AuthRejected) as caught:
        wrong.check()
    assert "wrong-secret" not in str(caught.value)


def test_stores_and_warehouses(shipstation):
    with V1Client(V1_KEY, V1_SECRET, f"{shipstation}/v1/") as client:
        stores = client.stores()
        warehouses = client.warehouses()
    assert "Manual Orders" in [store.name for store in stores]
    assert all(store.id.isdigit() for store in stores)
    assert [w.name for w in warehouses] == ["Tokyo warehouse", "Osaka warehouse"]
    assert [w.is_default for w in warehouses] == [True, False]
    assert all(w.id.startswith("se-") for w in warehouses)


def test_push_creates_one_order_on_retry_and_after_a_lost_id(shipstation, brand):
    note = note_for(brand, order_reference="PO-7781")
    with V1Client(V1_KEY, V1_SECRET, f"{shipstation}/v1/") as client:
        osaka = client.warehouses()[1].id
    p = pusher(shipstation)
    first = push(p, note, warehouse_id=osaka)
    assert first.startswith("se-")
    assert push(p, note, first, osaka) == first  # a retry
    assert push(p, note, "", osaka) == first  # crashed before the id was stored
    p.close()
    assert len(orders_with_key(shipstation, key_of(note))) == 1
    order = v1_order(shipstation, first)
    assert order["orderNumber"] == note.number and order["orderStatus"] == "awaiting_shipment"
    assert [i["lineItemKey"] for i in order["items"]] == [str(pk) for pk in line_ids(note)]
    assert order["advancedOptions"]["warehouseId"] == int(osaka.removeprefix("se-"))
    assert order["advancedOptions"]["customField1"] == "PO-7781"
    assert order["items"][0]["weight"] == {"value": 250, "units": "grams"}


def test_an_edit_is_resent_whole_and_keeps_a_hold_set_in_shipstation(shipstation, brand):
    note = note_for(brand)
    p = pusher(shipstation)
    order_id = push(p, note)
    with scopes_disabled():
        type(note).objects.filter(pk=note.pk).update(city="Minato-ku")
    assert push(p, reload(note), order_id) == order_id
    assert v1_order(shipstation, order_id)["shipTo"]["city"] == "Minato-ku"
    control(shipstation, "_order_status", order_id=order_id, status="on_hold")
    push(p, reload(note), order_id)
    assert v1_order(shipstation, order_id)["orderStatus"] == "on_hold"
    p.close()


def test_cancel_is_idempotent_and_finds_the_order_by_key(shipstation, brand):
    note = note_for(brand)
    never_sent = note_for(brand, number="DN-API-NEVER")
    p = pusher(shipstation)
    order_id = push(p, note)
    p.cancel(note, key=key_of(note), existing_id="")  # the id was lost: found by key
    assert v1_order(shipstation, order_id)["orderStatus"] == "cancelled"
    p.cancel(note, key=key_of(note), existing_id=order_id)  # already cancelled: nothing to do
    p.cancel(never_sent, key=key_of(never_sent), existing_id="")
    p.close()
    assert orders_with_key(shipstation, key_of(never_sent)) == []


def test_a_shipped_order_is_refused_with_its_status(shipstation, brand):
    note = note_for(brand)
    p = pusher(shipstation)
    order_id = push(p, note)
    control(shipstation, "_label", order_number=note.number)
    with pytest.raises(PushRefused) as known:
        push(p, note, order_id)
    assert known.value.order_status == "shipped" and "shipped" in str(known.value)
    with pytest.raises(PushRefused) as lost:  # id lost: createorder itself refuses
        push(p, note)
    assert lost.value.order_status == "shipped" and lost.value.status == 400
    assert "can no longer be updated" in str(lost.value)  # ShipStation's own words
    with pytest.raises(PushRefused):
        p.cancel(note, key=key_of(note), existing_id=order_id)
    p.close()


def test_a_plan_refusal_shows_shipstation_s_message(shipstation, brand):
    note = note_for(brand)
    control(shipstation, "_faults", api="v1", status=403, count=1)
    p = pusher(shipstation)
    with pytest.raises(PushRefused, match="^Injected fault \\(ShipStation sandbox\\)$") as caught:
        push(p, note)
    assert caught.value.status == 403
    p.close()


def test_a_partial_label_reads_back_with_lines_tracking_and_cost(shipstation, brand):
    note = note_for(brand, quantities=(3, 2))
    first_line, _second = line_ids(note)
    since = timezone.now() - timedelta(hours=1)
    p = pusher(shipstation)
    push(p, note)
    p.close()
    label = control(
        shipstation,
        "_label",
        order_number=note.number,
        lines={str(first_line): 2},
        tracking_number="111122223333",
    )["shipment"]
    [shipment] = read_all(shipstation, since)
    assert shipment.external_id == f"se-{label['shipmentId']}"
    assert shipment.reference == note.number
    assert shipment.lines == ((first_line, 2),)
    assert shipment.tracking_numbers == ("111122223333",)
    assert shipment.cost == Decimal("13.0") and shipment.carrier == "fedex"
    assert shipment.live and abs(shipment.created_at - timezone.now()) < timedelta(minutes=1)


def test_a_voided_label_is_cancelled_even_when_voided_after_the_window_began(shipstation, brand):
    note = note_for(brand)
    p = pusher(shipstation)
    push(p, note)
    p.close()
    before = timezone.now() - timedelta(hours=1)
    label = control(shipstation, "_label", order_number=note.number)["shipment"]
    time.sleep(1.1)  # the label is older than the next window (V1 filters by the second)
    since = timezone.now()
    control(shipstation, "_void", shipmentId=label["shipmentId"])
    [recent] = read_all(shipstation, since)  # only the void listing has it
    assert recent.external_id == f"se-{label['shipmentId']}" and recent.cancelled
    [whole] = read_all(shipstation, before)
    assert whole.cancelled


def test_rate_limit_and_outage_kinds(shipstation):
    with V1Client(V1_KEY, V1_SECRET, f"{shipstation}/v1/") as client:
        control(shipstation, "_faults", api="v1", status=429, count=1)
        with pytest.raises(RateLimited) as caught:
            client.check()
        assert caught.value.retry_after and caught.value.retry_after <= 60  # X-Rate-Limit-Reset
        cache.clear()  # the wait ShipStation asked for is over
        control(shipstation, "_faults", api="v1", status=503, count=1)
        with pytest.raises(PlatformUnavailable):
            client.check()
        client.check()
