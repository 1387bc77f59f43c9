"""Emails about an integration, to its notification members. Same events for every platform.

Templates: templates/notifications/integration_<event>/; context always has `platform_name`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from brands.models import Brand
from delivery_notes.models import Shipment
from integrations.models import Integration
from integrations.registry import get_platform
from notifications.services import absolute_url, notify


@dataclass(frozen=True)
class SyncedShipment:
    """One line of the "shipments synced" summary: a note and the numbers it received."""

    number: str
    url: str
    carrier: str
    tracking_numbers: tuple[str, ...]


def note_url(brand: Brand, note_id: int) -> str:
    return reverse("note_detail", kwargs={"brand_slug": brand.slug, "pk": note_id})


def synced_items(brand: Brand, shipments: Iterable[Shipment]) -> list[SyncedShipment]:
    """The summary lines; the integration's brand builds the links (no query per shipment)."""
    return [
        SyncedShipment(
            number=shipment.note.number,
            url=absolute_url(note_url(brand, shipment.note_id)),
            carrier=shipment.carrier,
            tracking_numbers=tuple(shipment.tracking_numbers),
        )
        for shipment in shipments
    ]


def _send(integration: Integration, event: str, *, url: str = "", **context) -> None:
    spec = get_platform(integration.platform)
    notify(
        brand=integration.brand,
        members=integration.notification_members.select_related("user", "brand"),
        event=f"integration_{event}",
        url=url or spec.settings_url(integration.brand),
        context={"platform_name": spec.display_name, "integration": integration, **context},
    )


def connected(integration: Integration) -> None:
    _send(integration, "connected")


def disconnected(integration: Integration) -> None:
    _send(integration, "disconnected")


def token_rejected(integration: Integration) -> None:
    _send(integration, "token_rejected")


def sync_failing(integration: Integration, error: str) -> None:
    _send(integration, "sync_failing", failures=integration.consecutive_failures, error=error)


def sync_recovered(integration: Integration) -> None:
    _send(integration, "sync_recovered")


def shipments_synced(
    integration: Integration,
    shipments: Iterable[Shipment],
    *,
    digest_since: datetime | None = None,
) -> None:
    """The summary of notes that got tracking numbers (one sync, or a day when `digest_since`)."""
    items = synced_items(integration.brand, shipments)
    if not items:
        return
    _send(
        integration,
        "shipments_synced",
        url=reverse("note_list", kwargs={"brand_slug": integration.brand.slug}),
        items=items,
        digest_since=digest_since,
    )
