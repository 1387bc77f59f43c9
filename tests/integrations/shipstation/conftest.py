"""The ShipStation sandbox on loopback, with Hakobu's API settings pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sandbox.server import SandboxServer


@pytest.fixture
def shipstation(settings) -> Iterator[str]:
    """The base URL of the sandbox's ShipStation (`…/shipstation`)."""
    with SandboxServer() as server:
        base = f"{server.url}/shipstation"
        settings.SHIPSTATION_V1_API_URL = f"{base}/v1/"
        settings.SHIPSTATION_V2_API_URL = f"{base}/v2/"
        yield base


def control(base: str, action: str, **payload) -> dict:
    """A sandbox control call for account 1 (`_label`, `_refresh`, `_custom_store`, ...)."""
    response = httpx.post(f"{base}/{action}", json={"account": 1, **payload}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def sandbox_orders(base: str) -> list[dict]:
    """Every order account 1 holds, as the sandbox shows it."""
    return httpx.get(f"{base}/_orders", params={"account": 1}, timeout=30).json()


def orders_with_key(base: str, key: str) -> list[dict]:
    return [order for order in sandbox_orders(base) if order["orderKey"] == key]
