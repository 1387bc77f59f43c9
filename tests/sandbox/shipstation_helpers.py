"""Helpers for the ShipStation sandbox tests: API calls and a tiny stand-in for Hakobu's
Custom Store endpoint (canned XML per page, Basic auth checked, ship notices captured)."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx

from sandbox.server import SandboxServer
from sandbox.shipstation import ACCOUNTS

V1 = ACCOUNTS["1"]
V1_AUTH = (V1["v1_key"], V1["v1_secret"])
V2_KEY = V1["v2_key"]
EMPTY_EXPORT = '<?xml version="1.0" encoding="utf-8"?>\n<Orders pages="0"/>'


def v1(
    sandbox: SandboxServer, method: str, path: str, auth=V1_AUTH, **kwargs: Any
) -> httpx.Response:
    return httpx.request(method, f"{sandbox.url}/shipstation/v1{path}", auth=auth, **kwargs)


def v2(
    sandbox: SandboxServer, method: str, path: str, key: str | None = V2_KEY, **kwargs: Any
) -> httpx.Response:
    headers = {"API-Key": key} if key is not None else {}
    return httpx.request(method, f"{sandbox.url}/shipstation/v2{path}", headers=headers, **kwargs)


def control(sandbox: SandboxServer, path: str, payload: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{sandbox.url}/shipstation/{path}", json=payload, timeout=30)


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def v1_order(
    number: str = "DN-1", key: str | None = "brand1-note1", **extra: Any
) -> dict[str, Any]:
    """A createorder body with two lines."""
    address = {"name": "Sato Hanako", "street1": "5-1-1 Minami-Aoyama", "city": "Minato-ku",
               "state": "Tokyo", "postalCode": "107-0062", "country": "JP", "phone": "03"}  # fmt: skip
    body = {
        "orderNumber": number,
        "orderDate": "2026-11-20T08:46:27.0000000",
        "orderStatus": "awaiting_shipment",
        "billTo": address,
        "shipTo": address,
        "items": [
            {
                "lineItemKey": "L1",
                "sku": "TS-001",
                "name": "Linen shirt",
                "quantity": 4,
                "unitPrice": 120.0,
            },
            {"lineItemKey": "L2", "sku": "CAP-9", "name": "Cap", "quantity": 1, "unitPrice": 30.0},
        ],  # fmt: skip
        **extra,
    }
    if key is not None:
        body["orderKey"] = key
    return body


def v2_shipment(external: str = "brand1-dn-77", **extra: Any) -> dict[str, Any]:
    return {
        "external_shipment_id": external,
        "shipment_number": "DN-77",
        "ship_to": {
            "name": "Sato Hanako",
            "address_line1": "5-1-1 Minami-Aoyama",
            "city_locality": "Minato-ku",
            "state_province": "Tokyo",
            "postal_code": "107-0062",
            "country_code": "JP",
            "phone": "03",
        },  # fmt: skip
        "items": [
            {"external_order_item_id": "DNL-77-1", "sku": "TS-001", "name": "Shirt", "quantity": 3},
            {"external_order_item_id": "DNL-77-2", "sku": "SO-2", "name": "Socks", "quantity": 2},
        ],
        "amount_paid": {"currency": "jpy", "amount": 1000},
        **extra,
    }


def export_xml(*orders: str, pages: int = 1) -> str:
    return f'<?xml version="1.0" encoding="utf-8"?>\n<Orders pages="{pages}">{"".join(orders)}</Orders>'


def order_xml(order_id: str = "81", number: str = "DN-2026-00081", status: str = "ready",
              modified: str = "11/21/2026 06:02", lines: tuple = (("DNL-81-1", "TS-001-BLK-M", 4),)) -> str:  # fmt: skip
    items = "".join(
        f"<Item><LineItemID><![CDATA[{lid}]]></LineItemID><SKU><![CDATA[{sku}]]></SKU>"
        f"<Name><![CDATA[Item {sku}]]></Name><Quantity>{qty}</Quantity>"
        "<UnitPrice>12000.00</UnitPrice></Item>"
        for lid, sku, qty in lines
    )
    return (
        f"<Order><OrderID><![CDATA[{order_id}]]></OrderID>"
        f"<OrderNumber><![CDATA[{number}]]></OrderNumber>"
        f"<OrderDate>11/20/2026 00:30</OrderDate><LastModified>{modified}</LastModified>"
        f"<OrderStatus><![CDATA[{status}]]></OrderStatus><OrderTotal>47520.00</OrderTotal>"
        "<ShippingAmount>0.00</ShippingAmount><CustomField1><![CDATA[PO-7781]]></CustomField1>"
        "<Customer><CustomerCode><![CDATA[buyer@shop.example]]></CustomerCode>"
        "<BillTo><Name>Sato Hanako</Name><Email>buyer@shop.example</Email></BillTo>"
        "<ShipTo><Name><![CDATA[Sato Hanako]]></Name><Company>Select Shop Aoyama</Company>"
        "<Address1>5-1-1 Minami-Aoyama</Address1><City>Minato-ku</City><State>Tokyo</State>"
        "<PostalCode>107-0062</PostalCode><Country>JP</Country></ShipTo></Customer>"
        f"<Items>{items}</Items></Order>"
    )


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Captured:
    method: str
    raw_query: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeHakobu:
    """Hakobu's Custom Store endpoint on loopback: ``pages`` maps page → XML (or a callable),
    ``notice_status`` is what a ship notice gets; every request is kept in ``requests``."""

    username: str = "ss-user"
    password: str = "s3cret pass"
    pages: dict[int, str | bytes] = field(default_factory=lambda: {1: EMPTY_EXPORT})
    export_status: int = 200
    notice_status: int = 200
    requests: list[Captured] = field(default_factory=list)
    _server: WSGIServer | None = None
    on_export: Callable[[dict[str, str]], None] | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}/integrations/shipstation/brand-1/"

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""), True).items()}
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        self.requests.append(
            Captured(
                environ["REQUEST_METHOD"], environ.get("QUERY_STRING", ""), query, headers, body
            )
        )
        expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        by_query = (query.get("SS-UserName"), query.get("SS-Password")) == (
            self.username,
            self.password,
        )
        if headers.get("Authorization") != expected and not by_query:
            start_response("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="Hakobu"')])
            return [b"unauthorized"]
        if query.get("action") == "shipnotify":
            start_response(f"{self.notice_status} X", [("Content-Type", "text/plain")])
            return [b"stored" if self.notice_status < 300 else b"refused"]
        if self.on_export:
            self.on_export(query)
        page = self.pages.get(int(query.get("page", "1")), EMPTY_EXPORT)
        data = page.encode() if isinstance(page, str) else page
        start_response(f"{self.export_status} X", [("Content-Type", "text/xml; charset=utf-8")])
        return [data]

    def exports(self) -> list[Captured]:
        return [r for r in self.requests if r.query.get("action") == "export"]

    def notices(self) -> list[Captured]:
        return [r for r in self.requests if r.query.get("action") == "shipnotify"]

    def __enter__(self) -> FakeHakobu:
        self._server = make_server("127.0.0.1", 0, self, handler_class=_Quiet)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()


def connect(sandbox: SandboxServer, hakobu: FakeHakobu, account: int = 1, **extra: Any) -> dict:
    payload = {"account": account, "url": hakobu.url, "username": hakobu.username,
               "password": hakobu.password, **extra}  # fmt: skip
    return ok(control(sandbox, "_custom_store", payload))
