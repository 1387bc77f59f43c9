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
    method: str = "yamato_regular",
    shipment_date: str = "2026-04-01",
    test: bool = False,
) -> dict:
    """A shipment as Ship&co's API returns it (shape of the recorded responses in the reference)."""
    n = next(_serial)
    created = created_at or datetime.now(UTC) - timedelta(minutes=30) + timedelta(seconds=n)
    return {
        "id": shipment_id or f"shp{n:021d}",
        "state": state,
        "test": test,
        "created_at": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "setup": {
            "ref_number": ref,
            "shipment_date": shipment_date,
            "date": "2026-04-03",  # the requested delivery date, not the ship date
            "time": "16-18",
        },
        "delivery": {
            "carrier": carrier,
            "method": method,
            "tracking_numbers": [f"4{n:011d}"] if numbers is None else numbers,
            "label": f"https://labels.example/{n}.pdf",
            "warnings": [],
        },
    }


class FakeShipandco:
    """Serves /carriers and /shipments (limit + 1-based page, oldest first) from a list.

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
            return httpx.Response(403, json={"auth": False, "message": "Wrong token!"})
        path = request.url.path.rstrip("/")
        if path.endswith("/carriers"):
            return httpx.Response(200, json=[{"id": "c1", "type": "yamato"}])
        if path.endswith("/shipments"):
            return httpx.Response(200, json=self.page(request))
        return httpx.Response(404, json={"code": "NOT_FOUND", "message": "Not found"})

    def page(self, request: httpx.Request) -> list[dict]:
        params = request.url.params
        limit, page = int(params.get("limit", 50)), int(params.get("page", 1))
        items = sorted(self.shipments, key=lambda s: (s["created_at"], s["id"]))
        if params.get("created_after"):
            since = datetime.fromisoformat(params["created_after"])
            items = [s for s in items if datetime.fromisoformat(s["created_at"]) >= since]
        if params.get("created_before"):
            until = datetime.fromisoformat(params["created_before"])
            items = [s for s in items if datetime.fromisoformat(s["created_at"]) <= until]
        return items[(page - 1) * limit : page * limit]

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def json_response(status: int, body: object, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers=headers)
