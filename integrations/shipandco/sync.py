"""Ship&co's part of the shared sync: where shipments come from and how a token is checked."""

from __future__ import annotations

from typing import Any

from integrations.listing import Window
from integrations.models import Integration
from integrations.records import PlatformShipment
from integrations.services import ACCESS_TOKEN
from integrations.shipandco import facts
from integrations.shipandco.client import ShipandcoClient
from integrations.shipandco.mapping import parse_shipment


class ShipandcoSource:
    """A `ShipmentSource` over the Ship&co API (see integrations.sync)."""

    platform_name = "Ship&co"
    first_page = facts.FIRST_PAGE

    def __init__(self, token: str) -> None:
        self.client = ShipandcoClient(token)

    def fetch_page(self, window: Window, page: int) -> list[Any]:
        return self.client.shipments_page(window, page)

    def parse(self, item: Any) -> PlatformShipment:
        return parse_shipment(item)

    def close(self) -> None:
        self.client.close()


def source_for(integration: Integration) -> ShipandcoSource:
    return ShipandcoSource(integration.secret(ACCESS_TOKEN))


def check_credentials(token: str) -> None:
    """Raise a PlatformError unless Ship&co accepts `token` (used by Connect / Update)."""
    with ShipandcoClient(token) as client:
        client.check_token()
