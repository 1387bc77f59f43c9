"""Helpers for the sandbox tests: API calls, control endpoints, the UI, a sample CSV."""

from __future__ import annotations

from typing import Any

import httpx

from sandbox.server import SandboxServer
from sandbox.shipandco import DEFAULT_TOKEN

HEADER = (
    "OrderName,CurrencyCode,RecipientProvince,RecipientCountryCode,RecipientZIP,"
    "RecipientFirstName,RecipientLastName,RecipientPhone,RecipientAddress1,RecipientCity,"
    "RecipientCompany,Date,RecipientMail,RecipientAddress2,ProductName,ProductQuantity,"
    "ProductPrice,ProductWeight,ProductSKU,ProductHSCode,ProductOriginCountry,SomethingElse"
)
ROWS = [
    "DN-0001,JPY,東京都,JP,1000001,太郎,山田,0312345678,千代田1-1,千代田区,,2024-04-01,,,"
    "ソックス 表地,2,1200,150,SKU-1,,JP,x",
    "DN-0001,JPY,東京都,JP,1000001,太郎,山田,0312345678,千代田1-1,千代田区,,2024-04-01,,,"
    "帽子,1,3000,200,SKU-2,,JP,y",
    "DN-0002,JPY,大阪府,JP,5300001,,,0612345678,梅田1-1,大阪市北区,株式会社サンプル,,,,"
    "シャツ,3,5000,300,SKU-3,,JP,z",
]


def make_csv(rows: list[str] = ROWS, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def api(
    sandbox: SandboxServer,
    path: str,
    token: str | None = DEFAULT_TOKEN,
    *,
    root: str = "/v1",
    method: str = "GET",
    **params: Any,
) -> httpx.Response:
    """One API call; ``params`` become the query string."""
    headers = {"x-access-token": token} if token is not None else {}
    url = f"{sandbox.url}/shipandco{root}{path}"
    return httpx.request(method, url, headers=headers, params=params)


def listed(sandbox: SandboxServer, token: str = DEFAULT_TOKEN, **params: Any) -> list[dict]:
    response = api(sandbox, "/shipments", token, **params)
    assert response.status_code == 200, response.text
    assert isinstance(response.json(), list)
    return response.json()


def refs(sandbox: SandboxServer, token: str = DEFAULT_TOKEN, **params: Any) -> list[str]:
    """The ``setup.ref_number`` of each listed shipment, in the order answered."""
    return [s["setup"]["ref_number"] for s in listed(sandbox, token, **params)]


def control(sandbox: SandboxServer, path: str, payload: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{sandbox.url}/shipandco/{path}", json=payload)


def seed(
    sandbox: SandboxServer, shipments: list[dict[str, Any]], token: str = DEFAULT_TOKEN
) -> list[dict[str, Any]]:
    response = control(sandbox, "_seed", {"token": token, "shipments": shipments})
    assert response.status_code == 201, response.text
    return response.json()["shipments"]


def set_listing(sandbox: SandboxServer, token: str = DEFAULT_TOKEN, **behaviour: Any) -> dict:
    response = control(sandbox, "_listing", {"token": token, **behaviour})
    assert response.status_code == 200, response.text
    return response.json()


def orders(sandbox: SandboxServer, token: str = DEFAULT_TOKEN) -> list[dict[str, Any]]:
    response = httpx.get(f"{sandbox.url}/shipandco/_orders", headers={"x-access-token": token})
    assert response.status_code == 200
    return response.json()


def ui_client(sandbox: SandboxServer, token: str = DEFAULT_TOKEN) -> httpx.Client:
    client = httpx.Client(base_url=f"{sandbox.url}/shipandco", follow_redirects=True)
    response = client.post("/login", data={"token": token})
    assert response.status_code == 200
    assert "not the real Ship&amp;co" in response.text
    return client


def import_csv(client: httpx.Client, data: bytes, name: str = "orders.csv") -> httpx.Response:
    return client.post("/import", files={"file": (name, data, "text/csv")})


def assert_validation_error(response: httpx.Response, field: str) -> None:
    """A 400 in Ship&co's shape whose ``details`` name ``field``."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert body["debug_id"].startswith("err_") and body["message"]
    assert field in [d["field"] for d in body["details"]], body
