"""The Webshipper emulator: JSON:API paging and filters, 422/401/403, dispatching, signed webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import httpx

from sandbox.webshipper.facts import PAGE_SIZE

TOKEN = "sandbox-ws-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/vnd.api+json"}


def api(sandbox) -> str:
    return f"{sandbox.url}/webshipper/hakobu-demo/v2"


def order_body(ext_ref: str, *, rate: str | None = "2") -> dict:
    return {
        "data": {
            "type": "orders",
            "attributes": {
                "ext_ref": ext_ref,
                "visible_ref": ext_ref,
                "delivery_address": {"att_contact": "Mette", "country_code": "DK"},
                "order_lines": [
                    {"ext_ref": "11", "sku": "A", "description": "Shirt", "quantity": 3},
                    {"ext_ref": "12", "sku": "B", "description": "Cap", "quantity": 1},
                ],
            },
            "relationships": {
                "order_channel": {"data": {"type": "order_channels", "id": "1"}},
                "shipping_rate": {"data": {"type": "shipping_rates", "id": rate} if rate else None},
            },
        }
    }


def test_pages_hold_thirty_and_filters_narrow(sandbox):
    for n in range(PAGE_SIZE + 2):
        assert (
            httpx.post(
                f"{api(sandbox)}/orders", json=order_body(f"DN-{n}"), headers=HEADERS
            ).status_code
            == 201
        )
    first = httpx.get(
        f"{api(sandbox)}/orders", params={"page[number]": 1, "page[size]": 100}, headers=HEADERS
    )
    second = httpx.get(f"{api(sandbox)}/orders", params={"page[number]": 2}, headers=HEADERS)
    assert len(first.json()["data"]) == PAGE_SIZE
    assert len(second.json()["data"]) == 2
    found = httpx.get(f"{api(sandbox)}/orders", params={"filter[ext_ref]": "DN-7"}, headers=HEADERS)
    assert [o["attributes"]["ext_ref"] for o in found.json()["data"]] == ["DN-7"]


def test_duplicate_ext_ref_is_422_with_title_and_detail(sandbox):
    httpx.post(f"{api(sandbox)}/orders", json=order_body("DN-1"), headers=HEADERS)
    again = httpx.post(f"{api(sandbox)}/orders", json=order_body("DN-1"), headers=HEADERS)
    assert again.status_code == 422
    assert again.json()["errors"][0]["detail"] == "ext_ref has already been taken"
    assert again.json()["errors"][0]["title"]


def test_wrong_token_is_401_and_missing_feature_403(sandbox):
    assert (
        httpx.get(f"{api(sandbox)}/orders", headers={"Authorization": "Bearer nope"}).status_code
        == 401
    )
    httpx.post(f"{sandbox.url}/webshipper/_subscription", json={"lacks": ["webhooks"]})
    hook = {
        "data": {
            "type": "webhooks",
            "attributes": {"url": "http://x.example/", "topic": "order/created"},
        }
    }
    refused = httpx.post(f"{api(sandbox)}/webhooks", json=hook, headers=HEADERS)
    assert refused.status_code == 403
    assert "not in your subscription" in refused.json()["errors"][0]["detail"]


def test_dispatch_by_lines_then_rest(sandbox):
    order = httpx.post(f"{api(sandbox)}/orders", json=order_body("DN-9"), headers=HEADERS).json()[
        "data"
    ]
    first_line = order["attributes"]["order_lines"][0]["id"]
    shipment = httpx.post(
        f"{sandbox.url}/webshipper/_dispatch",
        json={"order_id": order["id"], "lines": {str(first_line): 2}},
    ).json()
    assert shipment["attributes"]["packages"][0]["order_lines"] == [
        {"id": first_line, "ext_ref": "11", "sku": "A", "quantity": 2}
    ]
    assert shipment["attributes"]["tracking_links"][0]["number"]
    status = httpx.get(f"{api(sandbox)}/orders/{order['id']}", headers=HEADERS).json()["data"][
        "attributes"
    ]["status"]
    assert status == "partly_dispatched"
    httpx.post(f"{sandbox.url}/webshipper/_dispatch", json={"order_id": order["id"]})
    status = httpx.get(f"{api(sandbox)}/orders/{order['id']}", headers=HEADERS).json()["data"][
        "attributes"
    ]["status"]
    assert status == "dispatched"


def test_webhook_deliveries_are_signed_over_the_raw_body(sandbox):
    hook = {
        "data": {
            "type": "webhooks",
            "attributes": {
                "url": "http://127.0.0.1:9/hook",
                "topic": "order/created",
                "secret": "s3cret",
            },
        }
    }
    assert httpx.post(f"{api(sandbox)}/webhooks", json=hook, headers=HEADERS).status_code == 201
    httpx.post(
        f"{sandbox.url}/webshipper/_create_order",
        json={
            "customer": {"name": "Ny Kunde"},
            "lines": [{"sku": "N", "description": "New", "quantity": 1}],
        },
    )
    [delivery] = httpx.get(f"{sandbox.url}/webshipper/_deliveries").json()
    expected = base64.b64encode(
        hmac.new(b"s3cret", delivery["body"].encode(), hashlib.sha256).digest()
    ).decode()
    assert delivery["headers"]["X-Webshipper-Hmac-Sha256"] == expected
    assert delivery["headers"]["X-Webshipper-Topic"] == "order/created"
    assert json.loads(delivery["body"])["data"]["attributes"]["source"] == "manual"


def test_page_lists_orders(sandbox):
    httpx.post(f"{api(sandbox)}/orders", json=order_body("DN-PAGE"), headers=HEADERS)
    page = httpx.get(f"{sandbox.url}/webshipper/")
    assert page.status_code == 200
    assert "DN-PAGE" in page.text and "Dispatch all" in page.text


def test_page_dispatches_by_lines_and_creates_an_order(sandbox):
    order = httpx.post(f"{api(sandbox)}/orders", json=order_body("DN-UI"), headers=HEADERS).json()[
        "data"
    ]
    line = order["attributes"]["order_lines"][1]["id"]
    page = f"{sandbox.url}/webshipper"
    form = {"account": "hakobu-demo", "order_id": order["id"], f"line_{line}": "1"}
    assert httpx.post(f"{page}/ui/dispatch", data=form).status_code == 303
    status = httpx.get(f"{api(sandbox)}/orders/{order['id']}", headers=HEADERS).json()["data"][
        "attributes"
    ]
    assert status["status"] == "partly_dispatched"
    new = {
        "account": "hakobu-demo",
        "channel_id": "1",
        "name": "Ny Kunde",
        "email": "ny@kunde.example",
        "country_code": "DK",
        "sku": "BRAND-NEW",
        "description": "Brand new thing",
        "quantity": "2",
        "unit_price": "10",
        "weight": "100",
    }
    assert httpx.post(f"{page}/ui/create", data=new).status_code == 303
    found = httpx.get(
        f"{api(sandbox)}/orders", params={"filter[sku]": "BRAND-NEW"}, headers=HEADERS
    ).json()
    assert found["data"] == [] or found["data"][0]["attributes"]["source"] == "manual"
    made = [
        o
        for o in httpx.get(f"{sandbox.url}/webshipper/_orders").json()
        if o["attributes"]["source"] == "manual"
    ]
    assert made[0]["attributes"]["order_lines"][0]["sku"] == "BRAND-NEW"
