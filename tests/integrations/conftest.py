"""Fixtures for the integration tests: a Ship&co (sandbox over HTTP, or a MockTransport fake)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.utils import timezone

from brands.scoping import scopes_disabled
from integrations.models import ConnectionStatus, Integration
from integrations.shipandco import SHIPANDCO
from integrations.shipandco import client as client_module
from integrations.shipandco import sync as shipandco_sync
from sandbox.server import SandboxServer
from sandbox.shipandco import DEFAULT_TOKEN
from tests.integrations.fakes import TOKEN, FakeShipandco


@pytest.fixture
def sandbox(settings) -> Iterator[SandboxServer]:
    """The Ship&co sandbox on loopback, and Hakobu pointed at it."""
    with SandboxServer() as server:
        settings.SHIPANDCO_API_URL = f"{server.url}/shipandco/v1/"
        yield server


def seed(sandbox: SandboxServer, shipments: list[dict], token: str = DEFAULT_TOKEN) -> list[dict]:
    response = httpx.post(
        f"{sandbox.url}/shipandco/_seed", json={"token": token, "shipments": shipments}
    )
    assert response.status_code == 201, response.text
    return response.json()["shipments"]


def fault(sandbox: SandboxServer, status: int, count: int, token: str = DEFAULT_TOKEN) -> None:
    response = httpx.post(
        f"{sandbox.url}/shipandco/_faults", json={"token": token, "status": status, "count": count}
    )
    assert response.status_code == 200, response.text


@pytest.fixture
def fake(monkeypatch) -> FakeShipandco:
    """Every Ship&co client Hakobu builds talks to this in-process fake."""
    fake = FakeShipandco()
    patched = functools.partial(client_module.ShipandcoClient, transport=fake.transport)
    monkeypatch.setattr(shipandco_sync, "ShipandcoClient", patched)
    return fake


def make_integration(brand, *, token: str = TOKEN, members=(), **fields) -> Integration:
    """An integrated, active Ship&co connection (as after a successful Connect)."""
    values = {
        "platform": SHIPANDCO,
        "is_active": True,
        "status": ConnectionStatus.INTEGRATED,
        "credentials": {"access_token": token},
        "connected_at": timezone.now(),
        **fields,
    }
    with scopes_disabled():
        integration = Integration.objects.create(brand=brand, **values)
        integration.notification_members.set(members)
    return integration


@pytest.fixture
def integration(brand, admin_member) -> Integration:
    return make_integration(brand, members=[admin_member])


@pytest.fixture
def digest_hour_now(brand, settings) -> None:
    """Make it the daily digest's hour where `brand` is."""
    settings.INTEGRATION_DIGEST_HOUR = timezone.localtime(
        timezone.now(), ZoneInfo(brand.time_zone)
    ).hour


def listing(sandbox: SandboxServer, token: str = DEFAULT_TOKEN, **behaviour) -> dict:
    """Make the sandbox's shipment listing misbehave (see sandbox/shipandco/__init__.py).

    Keys: order ("desc" | "asc" | "unordered"), max_limit, ignore_page, repeat_page,
    ignore_dates; no keys restores the defaults.
    """
    response = httpx.post(f"{sandbox.url}/shipandco/_listing", json={"token": token, **behaviour})
    assert response.status_code == 200, response.text
    return response.json()


def update_shipment(
    sandbox: SandboxServer, shipment_id: str, token: str = DEFAULT_TOKEN, **changes
) -> dict:
    """Change a sandbox shipment (tracking_numbers, carrier, method, state, test).

    Returns the shipment in the API shape.
    """
    response = httpx.post(
        f"{sandbox.url}/shipandco/_update_shipment",
        json={"token": token, "id": shipment_id, **changes},
    )
    assert response.status_code == 200, response.text
    return response.json()


def rate_limit(
    sandbox: SandboxServer, maximum: int, window: float = 60, token: str = DEFAULT_TOKEN
) -> None:
    """Set the sandbox account's API call limit (``maximum`` calls per ``window`` seconds)."""
    response = httpx.post(
        f"{sandbox.url}/shipandco/_rate_limit",
        json={"token": token, "max": maximum, "window": window},
    )
    assert response.status_code == 200, response.text
