"""ShipStation sandbox, API V1 over real HTTP: auth, rate limit, orders upsert, shipments, dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sandbox.shipstation import ACCOUNTS
from tests.sandbox.shipstation_helpers import V1_AUTH, control, ok, v1, v1_order, v2

PACIFIC_FORMAT = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}"
SECOND = (ACCOUNTS["2"]["v1_key"], ACCOUNTS["2"]["v1_secret"])


@pytest.mark.parametrize("auth", [None, ("sandbox-ss-v1-key", "wrong"), ("nobody", "x")])
def test_wrong_or_missing_credentials_are_401_with_a_message(sandbox, auth):
    response = v1(sandbox, "GET", "/stores", auth=auth)
    assert response.status_code == 401
    assert response.json()["Message"]
    assert "X-Rate-Limit-Limit" not in response.headers


def test_the_v2_key_does_not_open_v1(sandbox):
    assert v1(sandbox, "GET", "/stores", auth=(ACCOUNTS["1"]["v2_key"], "")).status_code == 401


def test_stores_warehouses_carriers(sandbox):
    stores = ok(v1(sandbox, "GET", "/stores"))
    assert {s["marketplaceName"] for s in stores} == {"ShipStation", "Custom Store"}
    assert any(s["storeName"] == "Manual Orders" for s in stores)
    assert all({"storeId", "storeName", "marketplaceName"} <= set(s) for s in stores)
    warehouses = ok(v1(sandbox, "GET", "/warehouses"))
    assert [w["isDefault"] for w in warehouses].count(True) == 1
    assert all({"warehouseId", "warehouseName", "originAddress"} <= set(w) for w in warehouses)
    assert re.fullmatch(PACIFIC_FORMAT, warehouses[0]["createDate"])
    carriers = ok(v1(sandbox, "GET", "/carriers"))
    assert {"name", "code"} <= set(carriers[0])


def test_rate_limit_headers_on_every_answer_then_429(sandbox):
    first = v1(sandbox, "GET", "/stores")
    assert first.headers["X-Rate-Limit-Limit"] == "40"
    assert first.headers["X-Rate-Limit-Remaining"] == "39"
    assert 1 <= int(first.headers["X-Rate-Limit-Reset"]) <= 60
    missing = v1(sandbox, "GET", "/orders/999")
    assert missing.status_code == 404 and missing.headers["X-Rate-Limit-Remaining"] == "38"
    for _ in range(38):
        v1(sandbox, "GET", "/stores")
    over = v1(sandbox, "GET", "/stores")
    assert over.status_code == 429
    assert over.headers["X-Rate-Limit-Remaining"] == "0" and over.json()["Message"]
    # another key pair (another account) has its own window, and V2 its own
    assert v1(sandbox, "GET", "/stores", auth=SECOND).status_code == 200
    assert v2(sandbox, "GET", "/warehouses").status_code == 200


def test_createorder_returns_the_order_with_pacific_dates(sandbox):
    order = ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order()))
    assert isinstance(order["orderId"], int) and order["orderKey"] == "brand1-note1"
    assert order["orderDate"] == "2026-11-20T08:46:27.0000000"  # Pacific in, Pacific out
    assert re.fullmatch(PACIFIC_FORMAT, order["createDate"])
    created = datetime.fromisoformat(order["createDate"][:19]).replace(
        tzinfo=ZoneInfo("America/Los_Angeles")
    )
    assert abs((created - datetime.now(UTC)).total_seconds()) < 120
    assert [i["lineItemKey"] for i in order["items"]] == ["L1", "L2"]
    assert all(isinstance(i["orderItemId"], int) for i in order["items"])
    assert ok(v1(sandbox, "GET", f"/orders/{order['orderId']}"))["orderNumber"] == "DN-1"


def test_createorder_upserts_by_order_key_while_open(sandbox):
    first = ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order()))
    again = ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order(customerNotes="noon")))
    assert again["orderId"] == first["orderId"] and again["customerNotes"] == "noon"
    assert [i["orderItemId"] for i in again["items"]] == [i["orderItemId"] for i in first["items"]]
    assert ok(v1(sandbox, "GET", "/orders"))["total"] == 1
    ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order(orderStatus="on_hold")))
    cancelled = v1_order(orderStatus="cancelled")
    ok(v1(sandbox, "POST", "/orders/createorder", json=cancelled))
    refused = v1(sandbox, "POST", "/orders/createorder", json=v1_order())
    assert refused.status_code == 400 and "cancelled" in refused.json()["Message"]


def test_createorder_validates_required_fields_and_status(sandbox):
    body = v1_order()
    del body["shipTo"]
    assert v1(sandbox, "POST", "/orders/createorder", json=body).status_code == 400
    bad = v1(sandbox, "POST", "/orders/createorder", json=v1_order(orderStatus="ready"))
    assert bad.status_code == 400 and "orderStatus" in bad.json()["Message"]


def test_createorders_reports_per_order_results(sandbox):
    shipped = ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order("DN-9", "k9")))
    ok(control(sandbox, "_label", {"account": 1, "order_id": shipped["orderId"]}))
    batch = [v1_order("DN-2", "k2"), v1_order("DN-9", "k9"), {"orderNumber": "x"}]
    answer = ok(v1(sandbox, "POST", "/orders/createorders", json=batch))
    assert answer["hasErrors"] is True
    first, second, third = answer["results"]
    assert first["success"] and first["orderId"] and first["orderKey"] == "k2"
    assert not second["success"] and "shipped" in second["errorMessage"]
    assert not third["success"] and third["orderId"] is None
    too_many = v1(sandbox, "POST", "/orders/createorders", json=[v1_order()] * 101)
    assert too_many.status_code == 400


def test_list_orders_filters_and_pages(sandbox):
    for n in range(1, 6):
        ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order(f"DN-{n}", f"k{n}")))
    ok(
        v1(
            sandbox,
            "POST",
            "/orders/createorder",
            json=v1_order("XX-1", "x1", orderStatus="on_hold"),
        )
    )
    page = ok(
        v1(sandbox, "GET", "/orders", params={"orderNumber": "dn-", "pageSize": 2, "page": 3})
    )
    assert (page["total"], page["pages"], page["page"], len(page["orders"])) == (5, 3, 3, 1)
    held = ok(v1(sandbox, "GET", "/orders", params={"orderStatus": "on_hold"}))
    assert [o["orderNumber"] for o in held["orders"]] == ["XX-1"]
    later = ok(v1(sandbox, "GET", "/orders", params={"modifyDateStart": "2999-01-01 00:00:00"}))
    assert later["total"] == 0
    store_id = held["orders"][0]["advancedOptions"]["storeId"]
    assert ok(v1(sandbox, "GET", "/orders", params={"storeId": store_id}))["total"] == 6
    too_big = v1(sandbox, "GET", "/orders", params={"pageSize": 501})
    assert too_big.status_code == 400
    assert (
        ok(
            v1(
                sandbox,
                "GET",
                "/orders",
                params={"orderNumber": "DN-", "sortBy": "OrderDate", "sortDir": "DESC"},
            )
        )["total"]
        == 5
    )


def test_modify_date_filter_is_read_in_pacific_time(sandbox):
    order = ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order()))
    modified = order["modifyDate"]  # Pacific wall time
    hit = ok(
        v1(sandbox, "GET", "/orders", params={"modifyDateStart": modified[:19].replace("T", " ")})
    )
    assert hit["total"] == 1
    utc_wall = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")  # hours ahead of Pacific
    assert ok(v1(sandbox, "GET", "/orders", params={"modifyDateStart": utc_wall}))["total"] == 0


def test_delete_hides_the_order(sandbox):
    order = ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order()))
    assert ok(v1(sandbox, "DELETE", f"/orders/{order['orderId']}"))["success"] is True
    assert v1(sandbox, "GET", f"/orders/{order['orderId']}").status_code == 404
    assert ok(v1(sandbox, "GET", "/orders"))["total"] == 0


def test_mark_as_shipped_ships_the_order_without_a_shipment(sandbox):
    order = ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order()))
    body = {"orderId": order["orderId"], "carrierCode": "other", "shipDate": "2026-11-22",
            "trackingNumber": "123456789012", "notifyCustomer": False}  # fmt: skip
    assert ok(v1(sandbox, "POST", "/orders/markasshipped", json=body)) == {
        "orderId": order["orderId"],
        "orderNumber": "DN-1",
    }
    again = ok(v1(sandbox, "GET", f"/orders/{order['orderId']}"))
    assert again["orderStatus"] == "shipped" and again["shipDate"] == "2026-11-22"
    assert ok(v1(sandbox, "GET", "/shipments"))["total"] == 0
    assert v1(sandbox, "POST", "/orders/markasshipped", json=body).status_code == 400


def test_partial_labels_show_in_shipments_and_ship_the_order_when_complete(sandbox):
    order = ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order()))
    first = ok(
        control(sandbox, "_label", {"account": 1, "order_id": order["orderId"], "lines": {"L1": 3}})
    )
    assert first["status"] is None and first["order"]["orderStatus"] == "awaiting_shipment"
    listed = ok(v1(sandbox, "GET", "/shipments", params={"includeShipmentItems": "true"}))
    [shipment] = listed["shipments"]
    assert shipment["orderId"] == order["orderId"] and shipment["orderKey"] == "brand1-note1"
    assert [(i["lineItemKey"], i["sku"], i["quantity"]) for i in shipment["shipmentItems"]] == [
        ("L1", "TS-001", 3)
    ]
    assert re.fullmatch(r"\d{12}", shipment["trackingNumber"])
    assert shipment["voided"] is False and shipment["voidDate"] is None
    assert re.fullmatch(PACIFIC_FORMAT, shipment["createDate"])
    assert ok(v1(sandbox, "GET", "/shipments"))["shipments"][0]["shipmentItems"] is None
    rest = ok(control(sandbox, "_label", {"account": 1, "order_number": "DN-1"}))
    assert {i["lineItemKey"]: i["quantity"] for i in rest["shipment"]["shipmentItems"]} == {
        "L1": 1,
        "L2": 1,
    }
    assert ok(v1(sandbox, "GET", f"/orders/{order['orderId']}"))["orderStatus"] == "shipped"
    nothing = control(sandbox, "_label", {"account": 1, "order_id": order["orderId"]})
    assert nothing.status_code == 400


def test_a_later_void_needs_the_void_date_filter(sandbox):
    order = ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order()))
    label = ok(control(sandbox, "_label", {"account": 1, "order_id": order["orderId"]}))["shipment"]
    poll_start = ok(v1(sandbox, "GET", f"/orders/{order['orderId']}"))["modifyDate"][:19]
    voided = ok(control(sandbox, "_void", {"account": 1, "shipmentId": label["shipmentId"]}))
    assert (
        voided["shipment"]["voided"] is True
        and voided["order"]["orderStatus"] == "awaiting_shipment"
    )
    by_void = ok(v1(sandbox, "GET", "/shipments", params={"voidDateStart": poll_start}))
    assert [s["shipmentId"] for s in by_void["shipments"]] == [label["shipmentId"]]
    assert re.fullmatch(PACIFIC_FORMAT, by_void["shipments"][0]["voidDate"])
    created_later = ok(v1(sandbox, "GET", "/shipments", params={"createDateStart": "2999-01-01"}))
    assert created_later["total"] == 0
    by_order = ok(v1(sandbox, "GET", "/shipments", params={"orderNumber": "DN-1"}))
    assert by_order["total"] == 1 and by_order["shipments"][0]["voided"] is True


def test_accounts_are_isolated(sandbox):
    order = ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order()))
    assert ok(v1(sandbox, "GET", "/orders", auth=SECOND))["total"] == 0
    assert v1(sandbox, "GET", f"/orders/{order['orderId']}", auth=SECOND).status_code == 404
    assert ok(v1(sandbox, "GET", "/orders", auth=V1_AUTH))["total"] == 1


def test_injected_faults_answer_the_status_then_clear(sandbox):
    ok(control(sandbox, "_faults", {"account": 1, "api": "v1", "status": 503, "count": 2}))
    assert [v1(sandbox, "GET", "/stores").status_code for _ in range(3)] == [503, 503, 200]
    assert v1(sandbox, "GET", "/stores", auth=SECOND).status_code == 200
    assert (
        control(sandbox, "_faults", {"account": 1, "api": "v3", "status": 500}).status_code == 400
    )
