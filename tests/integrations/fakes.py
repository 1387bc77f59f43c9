"""A scriptable Ship&co API for httpx.MockTransport: the faults the sandbox cannot produce."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count

import httpx

TOKEN = "fake-shipandco-token-0123456789"
_serial = count(1)


def shipment(
    ref: str,
    *,
    numbers: list[str] | None = None,
    state: str = "active",
    created_at: datetime | None = None,
    shipment_id: str | None = None,
    carrier: str = "yamato",
) -> dict:
    n = next(_serial)
    created = created_at or datetime.now(UTC) - timedelta(minutes=30) + timedelta(seconds=n)
    return {
        "id": shipment_id or f"shp{n:021d}",
        "state": state,
        "created_at": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "setup": {
            "ref_number": ref,
            "carrier": carrier,
            "service": "TA-Q-BIN",
            "date": "2026-04-01",
        },
        "delivery": {"tracking_numbers": [f"4{n:011d}"] if numbers is None else numbers},
    }


class FakeShipandco:
    """Serves /carriers and /shipments (limit/offset, sorted by created_at) from a list.

    `responses` is a queue of forced answers (an httpx.Response, an exception to raise, or a
    callable(request) -> Response) consumed one per request before the normal behaviour.
    """

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.shipments: list[dict] = []
        self.responses: list[httpx.Response | Exception | Callable] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.responses:
            forced = self.responses.pop(0)
            if isinstance(forced, Exception):
                raise forced
            return forced(request) if callable(forced) else forced
        if request.headers.get("x-access-token") != self.token:
            return httpx.Response(401, json={"error": {"code": 401, "message": "Invalid token"}})
        path = request.url.path.rstrip("/")
        if path.endswith("/carriers"):
            return httpx.Response(200, json=[{"id": "c1", "type": "yamato"}])
        if path.endswith("/shipments"):
            return httpx.Response(200, json=self.page(request))
        return httpx.Response(404, json={"error": {"code": 404, "message": "Not found"}})

    def page(self, request: httpx.Request) -> list[dict]:
        params = request.url.params
        limit, offset = int(params.get("limit", 20)), int(params.get("offset", 0))
        items = sorted(self.shipments, key=lambda s: (s["created_at"], s["id"]))
        if params.get("date_from"):
            since = datetime.fromisoformat(params["date_from"])
            items = [s for s in items if datetime.fromisoformat(s["created_at"]) >= since]
        return items[offset : offset + limit]

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def json_response(status: int, body: object, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers=headers)
