"""ShipStation sandbox, API V2 over real HTTP: auth, rate limit, shipments, labels, paging."""

from __future__ import annotations

import re

import httpx
import pytest

from sandbox.shipstation import ACCOUNTS
from tests.sandbox.shipstation_helpers import control, ok, v1, v1_order, v2, v2_shipment

ISO_Z = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"


def create(sandbox, *entries, key=None) -> dict:
    kwargs = {} if key is None else {"key": key}
    return ok(v2(sandbox, "POST", "/shipments", json={"shipments": list(entries)}, **kwargs))


@pytest.mark.parametrize("key", [None, "", "wrong"])
def test_missing_or_wrong_key_is_401_with_errors(sandbox, key):
    response = v2(sandbox, "GET", "/warehouses", key=key)
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"request_id", "errors"} and body["request_id"]
    [error] = body["errors"]
    assert (error["error_source"], error["error_type"], error["error_code"]) == (
        "shipstation",
        "security",
        "unauthorized",
    )
    assert error["message"]


def test_rate_limit_200_per_minute_then_429_with_retry_after(sandbox):
    first = v2(sandbox, "GET", "/warehouses")
    assert first.headers["X-Rate-Limit-Limit"] == "200"
    assert first.headers["X-Rate-Limit-Remaining"] == "199"
    for _ in range(199):
        v2(sandbox, "GET", "/warehouses")
    over = v2(sandbox, "GET", "/warehouses")
    assert over.status_code == 429 and int(over.headers["Retry-After"]) >= 1
    assert over.json()["errors"][0]["error_code"] == "rate_limit_exceeded"
    assert v2(sandbox, "GET", "/warehouses", key=ACCOUNTS["2"]["v2_key"]).status_code == 200


def test_warehouses_and_no_stores_endpoint(sandbox):
    warehouses = ok(v2(sandbox, "GET", "/warehouses"))["warehouses"]
    assert all(w["warehouse_id"].startswith("se-") for w in warehouses)
    assert {"name", "is_default", "origin_address", "created_at"} <= set(warehouses[0])
    one = ok(v2(sandbox, "GET", f"/warehouses/{warehouses[0]['warehouse_id']}"))
    assert one == warehouses[0]
    assert v2(sandbox, "GET", "/stores").status_code == 404  # not in the V2 reference
    assert ok(v2(sandbox, "GET", "/carriers"))["carriers"][0]["carrier_id"].startswith("se-")


def test_create_shipments_and_read_them_back(sandbox):
    answer = create(sandbox, v2_shipment())
    assert answer["has_errors"] is False
    [shipment] = answer["shipments"]
    assert re.fullmatch(r"se-\d+", shipment["shipment_id"]) and shipment["errors"] == []
    assert shipment["external_shipment_id"] == "brand1-dn-77"
    assert shipment["shipment_status"] == "pending" and shipment["shipment_number"] == "DN-77"
    assert re.fullmatch(ISO_Z, shipment["created_at"]) and shipment["store_id"].startswith("se-")
    assert shipment["ship_to"]["city_locality"] == "Minato-ku"
    by_id = ok(v2(sandbox, "GET", f"/shipments/{shipment['shipment_id']}"))
    by_external = ok(v2(sandbox, "GET", "/shipments/external_shipment_id/brand1-dn-77"))
    assert by_id == by_external and by_id["items"][0]["external_order_item_id"] == "DNL-77-1"
    assert v2(sandbox, "GET", "/shipments/external_shipment_id/nope").status_code == 404
    assert v2(sandbox, "GET", "/shipments/se-1").status_code == 404
    # the same order through V1 (a V2 shipment is a V1 order)
    order = ok(v1(sandbox, "GET", f"/orders/{shipment['shipment_id'][3:]}"))
    assert order["orderKey"] == "brand1-dn-77" and order["orderStatus"] == "awaiting_shipment"


def test_duplicate_external_shipment_id_is_an_error_not_an_upsert(sandbox):
    create(sandbox, v2_shipment())
    answer = create(sandbox, v2_shipment(), v2_shipment("brand1-dn-78"))
    assert answer["has_errors"] is True
    duplicate, fresh = answer["shipments"]
    assert duplicate["shipment_id"] is None and "already exists" in duplicate["errors"][0]
    assert fresh["errors"] == [] and fresh["shipment_id"]
    # a V1 orderKey counts too
    ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order(key="v1-key")))
    assert create(sandbox, v2_shipment("v1-key"))["has_errors"] is True
    assert ok(v2(sandbox, "GET", "/shipments"))["total"] == 3


def test_invalid_entries_and_bodies(sandbox):
    answer = create(sandbox, {"external_shipment_id": "x"})
    assert answer["has_errors"] and "ship_to is required." in answer["shipments"][0]["errors"]
    bad = v2(sandbox, "POST", "/shipments", json={"shipments": []})
    assert bad.status_code == 400 and bad.json()["errors"][0]["error_type"] == "validation"


def test_list_shipments_filters_sorts_and_links(sandbox):
    for n in range(5):
        create(sandbox, v2_shipment(f"ext-{n}", shipment_number=f"DN-{n}"))
    page = ok(
        v2(sandbox, "GET", "/shipments", params={"page_size": 2, "page": 2, "sort_dir": "asc"})
    )
    assert (page["total"], page["pages"], page["page"]) == (5, 3, 2)
    assert [s["external_shipment_id"] for s in page["shipments"]] == ["ext-2", "ext-3"]
    assert "page=1" in page["links"]["first"]["href"] and "page=3" in page["links"]["next"]["href"]
    assert "page=1" in page["links"]["prev"]["href"]
    last = ok(v2(sandbox, "GET", "/shipments", params={"page_size": 2, "page": 3}))
    assert last["links"]["next"] == {}
    newest = ok(v2(sandbox, "GET", "/shipments"))["shipments"][0]
    assert newest["external_shipment_id"] == "ext-4"  # default: created_at desc
    one = ok(v2(sandbox, "GET", "/shipments", params={"external_shipment_id": "ext-1"}))
    assert [s["shipment_number"] for s in one["shipments"]] == ["DN-1"]
    assert (
        ok(v2(sandbox, "GET", "/shipments", params={"modified_at_start": "2999-01-01T00:00:00Z"}))[
            "total"
        ]
        == 0
    )
    assert (
        v2(sandbox, "GET", "/shipments", params={"shipment_status": "shipped"}).status_code == 400
    )
    assert (
        v2(sandbox, "GET", "/shipments", params={"created_at_start": "yesterday"}).status_code
        == 400
    )


def test_labels_partial_then_complete_with_items_and_polling(sandbox):
    [shipment] = create(sandbox, v2_shipment())["shipments"]
    sid = shipment["shipment_id"]
    first = ok(
        control(sandbox, "_label", {"account": 1, "order_id": sid, "lines": {"DNL-77-1": 2}})
    )
    assert first["order"]["items"][0]["left"] == 1
    purchased = ok(v2(sandbox, "GET", "/shipments", params={"shipment_status": "label_purchased"}))
    assert [s["shipment_id"] for s in purchased["shipments"]] == [sid]
    labels = ok(v2(sandbox, "GET", "/labels", params={"shipment_id": sid}))
    [label] = labels["labels"]
    assert (
        label["label_id"] == f"se-{first['shipment']['shipmentId']}"
        and label["status"] == "completed"
    )
    assert label["items"] == [
        {"external_order_item_id": "DNL-77-1", "sku": "TS-001", "name": "Shirt", "quantity": 2}
    ]
    assert label["shipment_cost"]["amount"] > 0 and label["shipment_cost"]["currency"]
    assert label["tracking_number"] and label["tracking_url"].endswith(label["tracking_number"])
    assert label["voided"] is False and label["voided_at"] is None and label["carrier_code"]
    assert re.fullmatch(ISO_Z, label["created_at"]) and label["ship_date"].endswith("T00:00:00Z")
    ok(control(sandbox, "_label", {"account": 1, "order_id": sid}))
    assert ok(v1(sandbox, "GET", f"/orders/{sid[3:]}"))["orderStatus"] == "shipped"
    assert ok(v2(sandbox, "GET", "/labels", params={"shipment_id": sid}))["total"] == 2
    pdf = v2(sandbox, "GET", "/labels").json()["labels"][0]["label_download"]["pdf"]
    assert httpx.get(pdf).content.startswith(b"%PDF")


def test_void_shows_in_label_polling_and_cancel_needs_it(sandbox):
    [shipment] = create(sandbox, v2_shipment())["shipments"]
    sid = shipment["shipment_id"]
    label = ok(control(sandbox, "_label", {"account": 1, "order_id": sid}))["shipment"]
    assert v2(sandbox, "PUT", f"/shipments/{sid}/cancel").status_code == 400
    voided = ok(v2(sandbox, "PUT", f"/labels/se-{label['shipmentId']}/void"))
    assert voided["approved"] is True
    assert ok(v2(sandbox, "PUT", f"/labels/se-{label['shipmentId']}/void"))["approved"] is False
    polled = ok(
        v2(
            sandbox,
            "GET",
            "/labels",
            params={"label_status": "voided", "created_at_start": shipment["created_at"]},
        )
    )
    [again] = polled["labels"]
    assert (
        again["voided"] is True
        and re.fullmatch(ISO_Z, again["voided_at"])
        and again["status"] == "voided"
    )
    cancel = v2(sandbox, "PUT", f"/shipments/{sid}/cancel")
    assert cancel.status_code == 204 and cancel.content == b""
    assert ok(v2(sandbox, "GET", f"/shipments/{sid}"))["shipment_status"] == "cancelled"


def test_rates_then_label_from_rate(sandbox):
    [shipment] = create(sandbox, v2_shipment())["shipments"]
    answer = ok(v2(sandbox, "POST", "/rates", json={"shipment_id": shipment["shipment_id"]}))
    rate = answer["rate_response"]["rates"][0]
    label = ok(
        v2(sandbox, "POST", f"/labels/rates/{rate['rate_id']}", json={"label_format": "pdf"})
    )
    assert label["service_code"] == rate["service_code"]
    assert sum(i["quantity"] for i in label["items"]) == 5
    assert v2(sandbox, "POST", f"/labels/rates/{rate['rate_id']}", json={}).status_code == 404


def test_v2_faults_and_isolation(sandbox):
    create(sandbox, v2_shipment())
    other = ACCOUNTS["2"]["v2_key"]
    assert ok(v2(sandbox, "GET", "/shipments", key=other))["total"] == 0
    ok(control(sandbox, "_faults", {"account": 1, "api": "v2", "status": 429, "count": 1}))
    faulted = v2(sandbox, "GET", "/shipments")
    assert faulted.status_code == 429 and faulted.headers["Retry-After"]
    assert v2(sandbox, "GET", "/shipments").status_code == 200
