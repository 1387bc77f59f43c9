"""ShipStation sandbox page and controls over real HTTP: marked as not real, account picker,
refresh with errors shown plainly, create label (quantities or whole order), void; mounting."""

from __future__ import annotations

import httpx

from sandbox.server import SandboxServer
from tests.sandbox.shipstation_helpers import (
    FakeHakobu,
    connect,
    control,
    export_xml,
    ok,
    order_xml,
    v1,
    v1_order,
)


def page_client(sandbox) -> httpx.Client:
    return httpx.Client(base_url=f"{sandbox.url}/shipstation", follow_redirects=True, timeout=30)


def test_mounted_beside_shipandco(sandbox):
    health = httpx.get(f"{sandbox.url}/healthz").json()
    assert health["emulators"] == ["/shipandco", "/shipstation", "/webshipper"]
    index = httpx.get(f"{sandbox.url}/").text
    assert 'href="/shipstation/"' in index and 'href="/shipandco/"' in index
    assert httpx.get(f"{sandbox.url}/shipandco/v1/carriers").status_code == 403  # unchanged


def test_page_is_marked_and_shows_the_credentials(sandbox):
    with page_client(sandbox) as client:
        page = client.get("/").text
    assert "not the real ShipStation" in page
    assert "sandbox-ss-v1-key" in page and "sandbox-ss-v2-key" in page
    assert "Refresh stores" in page and "No refresh yet." in page


def test_refresh_label_and_void_from_the_page(sandbox):
    lines = (("DNL-81-1", "TS-001", 4), ("DNL-81-2", "CAP", 1))
    with (
        FakeHakobu(pages={1: export_xml(order_xml(lines=lines))}) as hakobu,
        page_client(sandbox) as client,
    ):
        connect(sandbox, hakobu)
        page = client.post("/refresh").text
        assert "Refresh: 1 order(s) imported." in page
        assert "DN-2026-00081" in page and "0 shipped, 4 left" in page
        [order] = ok(httpx.get(f"{sandbox.url}/shipstation/_orders", params={"account": 1}))
        form = {
            "order_id": str(order["orderId"]),
            "scope": "lines",
            "qty:DNL-81-1": "3",
            "qty:DNL-81-2": "0",
        }
        page = client.post("/label", data=form).text
        assert "Ship notice answered HTTP 200" in page and "3 shipped, 1 left" in page
        assert len(hakobu.notices()) == 1
        page = client.post("/label", data={"order_id": str(order["orderId"]), "scope": "all"}).text
        assert "4 shipped, 0 left" in page and "1 shipped, 0 left" in page
        labels = ok(httpx.get(f"{sandbox.url}/shipstation/_orders", params={"account": 1}))[0][
            "labels"
        ]
        page = client.post("/void", data={"label_id": str(labels[0]["shipmentId"])}).text
        assert "voided" in page and "1 shipped, 3 left" in page
        pdf = client.get(f"/labels/{labels[0]['shipmentId']}.pdf")
        assert pdf.headers["content-type"] == "application/pdf"


def test_refresh_errors_are_shown_plainly(sandbox):
    with FakeHakobu(pages={1: b""}) as hakobu, page_client(sandbox) as client:
        connect(sandbox, hakobu)
        page = client.post("/refresh").text
    assert "Error in XML. Root element is missing." in page
    assert 'class="flash err"' in page


def test_account_picker_shows_that_accounts_orders(sandbox):
    ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order("DN-ONE")))
    with page_client(sandbox) as client:
        assert "DN-ONE" in client.get("/").text
        page = client.post("/account", data={"account": "2"}).text
        assert "DN-ONE" not in page and "sandbox-ss-v2-key-2" in page


def test_page_sets_a_custom_store(sandbox):
    stores = ok(httpx.get(f"{sandbox.url}/shipstation/_custom_store", params={"account": 1}))
    with page_client(sandbox) as client:
        form = {
            "store_id": str(stores[0]["store_id"]),
            "url": "http://127.0.0.1:1/ss",
            "username": "u",
            "password": "p",
        }
        assert "saved" in client.post("/custom_store", data=form).text
        bad = client.post("/custom_store", data={**form, "url": "nope"}).text
        assert "must start with http" in bad
    [store] = ok(httpx.get(f"{sandbox.url}/shipstation/_custom_store", params={"account": 1}))
    assert store["url"] == "http://127.0.0.1:1/ss" and store["username"] == "u"


def test_reset_and_order_status_controls(sandbox):
    order = ok(v1(sandbox, "POST", "/orders/createorder", json=v1_order()))
    view = ok(
        control(
            sandbox,
            "_order_status",
            {"account": 1, "order_id": order["orderId"], "status": "cancelled"},
        )
    )
    assert view["orderStatus"] == "cancelled"
    assert (
        control(sandbox, "_label", {"account": 1, "order_id": order["orderId"]}).status_code == 400
    )
    assert ok(control(sandbox, "_reset", {})) == {"status": "reset"}
    assert ok(v1(sandbox, "GET", "/orders"))["total"] == 0
    assert control(sandbox, "_nothing", {"account": 1}).status_code == 404
    refresh = ok(control(sandbox, "_refresh", {"account": 1}))
    assert refresh["errors"] == ["No custom store is set up (POST /shipstation/_custom_store)."]


def test_state_survives_a_restart_with_a_data_dir(tmp_path):
    with SandboxServer(data_dir=tmp_path) as server:
        order = ok(v1(server, "POST", "/orders/createorder", json=v1_order()))
    assert (tmp_path / "shipstation.json").exists()
    with SandboxServer(data_dir=tmp_path) as server:
        assert ok(v1(server, "GET", f"/orders/{order['orderId']}"))["orderKey"] == "brand1-note1"
