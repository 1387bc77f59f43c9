"""ShipStation sandbox pulling a stand-in for Hakobu's Custom Store endpoint over real HTTP:
export windows and paging, Basic auth, XML errors, status mapping, ship notices, voids."""

from __future__ import annotations

import base64
import re
import time
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own captured notices
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote_plus

import httpx
import pytest

from sandbox.server import SandboxServer
from sandbox.shipstation.custom_store import store_url
from sandbox.shipstation.refresh import AutoRefresher
from tests.sandbox.shipstation_helpers import (
    FakeHakobu,
    connect,
    control,
    export_xml,
    ok,
    order_xml,
    v1,
    v2,
)


def refresh(sandbox, **extra) -> dict:
    return ok(control(sandbox, "_refresh", {"account": 1, **extra}))


@pytest.fixture
def hakobu():
    with FakeHakobu() as fake:
        yield fake


def test_custom_store_control_configures_the_built_in_store(sandbox, hakobu):
    store = connect(sandbox, hakobu, name="Brand 1")
    assert store["url"] == hakobu.url and store["username"] == "ss-user"
    assert store["last_refresh_utc"] is None and store["auth"] == "basic"
    stores = ok(v1(sandbox, "GET", "/stores"))
    [custom] = [s for s in stores if s["marketplaceName"] == "Custom Store"]
    assert custom["storeId"] == store["store_id"] and custom["storeName"] == "Brand 1"
    again = connect(sandbox, hakobu, password="new")
    assert again["store_id"] == store["store_id"] and again["password"] == "new"
    assert control(sandbox, "_custom_store", {"account": 1, "url": "ftp://x"}).status_code == 400
    assert control(sandbox, "_custom_store", {"account": 3, "url": hakobu.url}).status_code == 400


def test_refresh_pulls_every_page_with_basic_auth_and_a_utc_window(sandbox, hakobu):
    hakobu.pages = {
        1: export_xml(order_xml("81", "DN-81"), pages=2),
        2: export_xml(
            order_xml("82", "DN-82", lines=(("DNL-82-1", "A", 1), ("DNL-82-2", "B", 2))), pages=2
        ),
    }
    connect(sandbox, hakobu)
    before = datetime.now(UTC)
    result = refresh(sandbox)
    assert result["errors"] == [] and result["imported"] == 2 and result["created"] == 2
    exports = hakobu.exports()
    assert [r.query["page"] for r in exports] == ["1", "2"]
    expected = "Basic " + base64.b64encode(b"ss-user:s3cret pass").decode()
    assert all(r.headers["Authorization"] == expected for r in exports)
    assert all(r.method == "GET" for r in exports)
    start = datetime.strptime(exports[0].query["start_date"], "%m/%d/%Y %H:%M").replace(tzinfo=UTC)
    end = datetime.strptime(exports[0].query["end_date"], "%m/%d/%Y %H:%M").replace(tzinfo=UTC)
    assert abs(end - before) < timedelta(minutes=2)  # UTC, not Pacific
    assert abs((end - start) - timedelta(days=30)) < timedelta(minutes=2)
    views = {o["orderNumber"]: o for o in result["orders"]}
    dn82 = views["DN-82"]
    assert dn82["custom_order_id"] == "82" and dn82["store_status"] == "ready"
    assert dn82["orderStatus"] == "awaiting_shipment"
    assert [(i["key"], i["sku"], i["quantity"]) for i in dn82["items"]] == [
        ("DNL-82-1", "A", 1),
        ("DNL-82-2", "B", 2),
    ]
    assert dn82["ship_to"]["postalCode"] == "107-0062" and dn82["ship_to"]["country"] == "JP"
    # the same orders through the APIs
    listed = ok(v1(sandbox, "GET", "/orders", params={"storeId": dn82["store_id"]}))
    assert sorted(o["orderNumber"] for o in listed["orders"]) == ["DN-81", "DN-82"]
    assert listed["orders"][0]["orderDate"] == "2026-11-19T16:30:00.0000000"  # 00:30 UTC in PST


def test_the_window_is_encoded_like_shipstation(sandbox, hakobu):
    connect(sandbox, hakobu)
    refresh(sandbox, start_date="01/23/2012 17:28", end_date="01/24/2012 17:28")
    [export] = hakobu.exports()
    assert "start_date=01%2f23%2f2012+17%3a28" in export.raw_query
    assert export.query["start_date"] == "01/23/2012 17:28"
    assert export.query["end_date"] == "01/24/2012 17:28"


def test_raw_query_string_has_lowercase_escapes(sandbox):
    url = store_url(
        "https://h.example/ss?brand=1", {"action": "export", "start_date": "01/23/2012 17:28"}
    )
    assert url == "https://h.example/ss?brand=1&action=export&start_date=01%2f23%2f2012+17%3a28"
    assert unquote_plus(url.split("start_date=")[1]) == "01/23/2012 17:28"


def test_next_window_starts_at_the_last_refresh_minus_a_few_minutes(sandbox, hakobu):
    store = connect(sandbox, hakobu)
    refresh(sandbox)
    last = ok(
        control(
            sandbox,
            "_custom_store",
            {"account": 1, "url": hakobu.url, "username": "ss-user", "password": "s3cret pass"},
        )
    )
    assert last["store_id"] == store["store_id"] and last["last_refresh_utc"]
    refresh(sandbox)
    second = hakobu.exports()[-1]
    start = datetime.strptime(second.query["start_date"], "%m/%d/%Y %H:%M").replace(tzinfo=UTC)
    assert timedelta(minutes=4) <= datetime.now(UTC) - start <= timedelta(minutes=7)


def test_re_export_updates_by_order_id_and_keeps_status(sandbox, hakobu):
    hakobu.pages = {1: export_xml(order_xml("81", "DN-81"))}
    connect(sandbox, hakobu)
    [first] = refresh(sandbox)["orders"]
    hakobu.pages = {
        1: export_xml(
            order_xml("81", "DN-81", status="cancelled", lines=(("DNL-81-1", "TS-001-BLK-M", 5),))
        )
    }
    result = refresh(sandbox)
    assert (result["created"], result["updated"]) == (0, 1)
    [again] = result["orders"]
    assert again["orderId"] == first["orderId"]
    assert again["orderStatus"] == "cancelled" and again["store_status"] == "cancelled"
    assert again["items"][0]["quantity"] == 5
    assert len(ok(control_get(sandbox))) == 1


def control_get(sandbox: SandboxServer):
    return httpx.get(f"{sandbox.url}/shipstation/_orders", params={"account": 1})


def test_empty_export_is_fine(sandbox, hakobu):
    connect(sandbox, hakobu)
    result = refresh(sandbox)
    assert result["errors"] == [] and result["imported"] == 0


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "Error in XML. Root element is missing."),
        (b"   \n", "Root element is missing."),
        (b"<Orders pages='1'><Order>", "Error in XML"),
        (b"<html><body>Server error</body></html>", "not <Orders>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Orders pages="0"/>',
            "DOCTYPE",
        ),
    ],
)
def test_a_broken_answer_is_a_clear_xml_error(sandbox, hakobu, body, fragment):
    hakobu.pages = {1: body}
    connect(sandbox, hakobu)
    result = refresh(sandbox)
    assert result["imported"] == 0
    [error] = result["errors"]
    assert fragment in error and "An error occurred attempting to update orders" in error
    store = ok(
        control(
            sandbox,
            "_custom_store",
            {"account": 1, "url": hakobu.url, "username": "ss-user", "password": "s3cret pass"},
        )
    )
    assert store["last_refresh_utc"] is None  # a failed refresh does not move the window


def test_wrong_password_and_unreachable_store_are_reported(sandbox, hakobu):
    connect(sandbox, hakobu, password="wrong")
    [error] = refresh(sandbox)["errors"]
    assert "HTTP 401" in error
    ok(
        control(
            sandbox, "_custom_store", {"account": 1, "url": "http://127.0.0.1:9/x", "name": "Gone"}
        )
    )
    errors = refresh(sandbox)["errors"]
    assert any("Could not reach the store" in e for e in errors)


def test_bad_order_is_named_and_unmapped_status_is_a_warning(sandbox, hakobu):
    bad = order_xml("90", "DN-90").replace(
        "<OrderDate>11/20/2026 00:30</OrderDate>", "<OrderDate>2026-11-20</OrderDate>"
    )
    hakobu.pages = {1: export_xml(bad)}
    connect(sandbox, hakobu)
    [error] = refresh(sandbox)["errors"]
    assert "DN-90" in error and "MM/dd/yyyy" in error
    hakobu.pages = {1: export_xml(order_xml("91", "DN-91", status="Ready"))}  # case-sensitive
    result = refresh(sandbox)
    assert result["imported"] == 0 and "Ready" in result["warnings"][0]
    connect(sandbox, hakobu, statuses={"awaiting_shipment": "Ready, Paid"})
    assert refresh(sandbox)["imported"] == 1


def test_query_credentials_fallback(sandbox, hakobu):
    connect(sandbox, hakobu, auth="query")
    assert refresh(sandbox)["errors"] == []
    [export] = hakobu.exports()
    assert "Authorization" not in export.headers
    assert export.query["SS-UserName"] == "ss-user" and export.query["SS-Password"] == "s3cret pass"


def test_partial_label_posts_a_ship_notice_per_the_reference(sandbox, hakobu):
    lines = (("DNL-81-1", "TS-001-BLK-M", 4), ("DNL-81-2", "CAP", 1))
    hakobu.pages = {1: export_xml(order_xml("81", "DN-2026-00081", lines=lines))}
    connect(sandbox, hakobu)
    [order] = refresh(sandbox)["orders"]
    answer = ok(
        control(
            sandbox,
            "_label",
            {
                "account": 1,
                "order_number": "DN-2026-00081",
                "lines": {"DNL-81-1": 2},
                "notes_to_customer": "Thank you",
            },
        )
    )
    assert answer["status"] == 200 and answer["notice"]["ok"] is True
    [notice] = hakobu.notices()
    assert notice.method == "POST"
    assert (
        notice.query["action"] == "shipnotify" and notice.query["order_number"] == "DN-2026-00081"
    )
    assert notice.query["carrier"] == "Other" and notice.query["service"] == ""
    assert re.fullmatch(r"\d{12}", notice.query["tracking_number"])
    assert notice.headers["Authorization"].startswith("Basic ")
    assert notice.headers["Content-Type"].startswith("application/xml")
    assert notice.body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(notice.body)  # noqa: S314 - our own document
    assert root.tag == "ShipNotice"
    tags = [child.tag for child in root]
    assert tags[:13] == ["OrderNumber", "OrderID", "CustomerCode", "CustomerNotes", "InternalNotes",
                         "NotesToCustomer", "NotifyCustomer", "LabelCreateDate", "ShipDate", "Carrier",
                         "Service", "TrackingNumber", "ShippingCost"]  # fmt: skip
    assert (
        root.findtext("OrderID") == "81" and root.findtext("CustomerCode") == "buyer@shop.example"
    )
    assert (
        root.findtext("NotesToCustomer") == "Thank you"
        and root.findtext("NotifyCustomer") == "false"
    )
    assert root.findtext("TrackingNumber") == notice.query["tracking_number"]
    assert root.findtext("Carrier") == "Other" and root.findtext("Service") == ""
    assert re.fullmatch(r"\d+\.\d{2}", root.findtext("ShippingCost") or "")
    created = datetime.strptime(root.findtext("LabelCreateDate") or "", "%m/%d/%Y %H:%M").replace(
        tzinfo=UTC
    )
    assert abs(created - datetime.now(UTC)) < timedelta(minutes=2)  # UTC
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", root.findtext("ShipDate") or "")
    assert root.findtext("CustomField1") == "PO-7781"
    assert (
        root.findtext("Recipient/PostalCode") == "107-0062"
        and root.findtext("Recipient/Name") == "Sato Hanako"
    )
    items = [
        (i.findtext("LineItemID"), i.findtext("SKU"), i.findtext("Quantity"))
        for i in root.iter("Item")
    ]
    assert items == [("DNL-81-1", "TS-001-BLK-M", "2")]
    view = answer["order"]
    assert [(i["shipped"], i["left"]) for i in view["items"]] == [(2, 2), (0, 1)]
    assert view["orderStatus"] == "awaiting_shipment"
    # the label is visible to API polling too, with the notice outcome
    [shipment] = ok(v1(sandbox, "GET", "/shipments", params={"includeShipmentItems": "true"}))[
        "shipments"
    ]
    assert shipment["marketplaceNotified"] is True and shipment["orderId"] == order["orderId"]
    assert ok(v2(sandbox, "GET", "/labels"))["labels"][0]["items"][0]["quantity"] == 2
    # the rest ships the order
    rest = ok(
        control(
            sandbox,
            "_label",
            {
                "account": 1,
                "order_id": order["orderId"],
                "tracking_number": "999988887777",
                "carrier": "FedEx",
                "service": "fedex_international_priority",
            },
        )
    )
    assert rest["order"]["orderStatus"] == "shipped"
    second = hakobu.notices()[-1]
    assert second.query["tracking_number"] == "999988887777" and second.query["carrier"] == "FedEx"
    root = ET.fromstring(second.body)  # noqa: S314
    assert {i.findtext("LineItemID"): i.findtext("Quantity") for i in root.iter("Item")} == {
        "DNL-81-1": "2",
        "DNL-81-2": "1",
    }
    # a later export with an open status does not un-ship it
    assert refresh(sandbox)["orders"][0]["orderStatus"] == "shipped"


def test_a_refused_ship_notice_is_recorded(sandbox, hakobu):
    hakobu.pages = {1: export_xml(order_xml())}
    connect(sandbox, hakobu)
    refresh(sandbox)
    hakobu.notice_status = 500
    answer = ok(
        control(sandbox, "_label", {"account": 1, "order_number": "DN-2026-00081", "cdata": True})
    )
    assert answer["status"] == 500 and answer["notice"]["ok"] is False
    assert "<![CDATA[DN-2026-00081]]>" in answer["notice"]["body"]
    [shipment] = ok(v1(sandbox, "GET", "/shipments"))["shipments"]
    assert shipment["marketplaceNotified"] is False and "500" in shipment["notifyErrorMessage"]


def test_void_reopens_the_lines(sandbox, hakobu):
    hakobu.pages = {1: export_xml(order_xml())}
    connect(sandbox, hakobu)
    refresh(sandbox)
    label = ok(control(sandbox, "_label", {"account": 1, "order_number": "DN-2026-00081"}))
    assert label["order"]["orderStatus"] == "shipped"
    label_id = f"se-{label['shipment']['shipmentId']}"
    voided = ok(control(sandbox, "_void", {"account": 1, "label_id": label_id}))
    assert (
        voided["order"]["orderStatus"] == "awaiting_shipment"
        and voided["order"]["items"][0]["left"] == 4
    )
    assert len(hakobu.notices()) == 1  # ShipStation tells a custom store nothing about voids
    assert control(sandbox, "_void", {"account": 1, "label_id": label_id}).status_code == 400


def test_bad_label_requests(sandbox, hakobu):
    hakobu.pages = {1: export_xml(order_xml())}
    connect(sandbox, hakobu)
    refresh(sandbox)
    too_many = control(
        sandbox, "_label", {"account": 1, "order_number": "DN-2026-00081", "lines": {"DNL-81-1": 5}}
    )
    assert too_many.status_code == 400 and "only 4 left" in too_many.json()["error"]
    unknown = control(
        sandbox, "_label", {"account": 1, "order_number": "DN-2026-00081", "lines": {"NOPE": 1}}
    )
    assert unknown.status_code == 400 and "DNL-81-1" in unknown.json()["error"]
    assert control(sandbox, "_label", {"account": 1, "order_number": "DN-404"}).status_code == 404
    assert (
        control(sandbox, "_label", {"account": 2, "order_number": "DN-2026-00081"}).status_code
        == 404
    )


def test_background_refresh_runs_only_when_asked(hakobu):
    with SandboxServer() as server:
        connect(server, hakobu)
        app = server.app.emulators["/shipstation"]
        assert app.refresher._thread is None  # tests: no background thread
        refresher = AutoRefresher(app.state, interval=0.05)
        refresher.start()
        try:
            deadline = datetime.now(UTC) + timedelta(seconds=5)
            while not hakobu.exports() and datetime.now(UTC) < deadline:
                time.sleep(0.02)
        finally:
            refresher.stop()
        assert hakobu.exports()
    with SandboxServer(background=True) as server:
        assert server.app.emulators["/shipstation"].refresher._thread is not None
