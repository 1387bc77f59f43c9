"""The Webshipper sandbox on loopback, Hakobu pointed at it, and helpers to play Webshipper."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from django.urls import reverse

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import DeliveryNote
from delivery_notes.services import log_note_saved
from integrations.models import Integration
from sandbox.server import SandboxServer
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory

ACCOUNT = "hakobu-demo"
TOKEN = "sandbox-ws-token"


@pytest.fixture
def webshipper(settings) -> Iterator[str]:
    """The base URL of the sandbox's Webshipper (`…/webshipper`)."""
    with SandboxServer() as server:
        base = f"{server.url}/webshipper"
        settings.WEBSHIPPER_API_URL = f"{base}/{{account}}/v2/"
        yield base


def control(base: str, action: str, **payload) -> dict | list:
    response = httpx.post(f"{base}/{action}", json={"account": ACCOUNT, **payload}, timeout=30)
    assert response.status_code in (200, 201), response.text
    return response.json()


def sandbox_orders(base: str, *, deleted: bool = False) -> list[dict]:
    orders = httpx.get(f"{base}/_orders", params={"account": ACCOUNT}, timeout=30).json()
    return [o for o in orders if deleted or not o["deleted"]]


def deliveries(base: str) -> list[dict]:
    return httpx.get(f"{base}/_deliveries", params={"account": ACCOUNT}, timeout=30).json()


def settings_url(brand) -> str:
    return reverse("webshipper:settings", kwargs={"brand_slug": brand.slug})


def connect(admin_client, brand, *, direction="to_webshipper", trigger="on_create", **extra):
    data = {
        "account": ACCOUNT,
        "api_token": TOKEN,
        "direction": direction,
        "trigger": trigger,
        "notify_mode": "per_sync",
        **extra,
    }
    return admin_client.post(settings_url(brand), data)


def replay(client, base: str, captured, *, since: int = 0) -> list[int]:
    """Post the sandbox's webhook deliveries (after index `since`) to Hakobu, as Webshipper
    would; returns the status codes."""
    codes = []
    for delivery in deliveries(base)[since:]:
        path = delivery["url"].split("testserver", 1)[1]
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in delivery["headers"].items()}
        headers.pop("HTTP_CONTENT_TYPE")
        with captured(execute=True):
            response = client.post(
                path,
                data=delivery["body"].encode(),
                content_type=delivery["headers"]["Content-Type"],
                **headers,
            )
        codes.append(response.status_code)
    return codes


def integration_of(brand) -> Integration:
    with scopes_disabled():
        return Integration.objects.select_related("webshipper").get(
            brand=brand, platform="webshipper"
        )


def new_note(
    brand, number: str, *, quantities=(3, 2), terms="Erhverv", captured=None, **fields
) -> DeliveryNote:
    """A note created in Hakobu (the "created" event platforms hear)."""
    with brand_scope(brand):
        values = {
            "country_code": "DK",
            "recipient_name": "Mette Hansen",
            "city": "Aarhus C",
            "postal_code": "8000",
            "address_line1": "Nørregade 12",
            "currency": "DKK",
            **fields,
        }
        note = DeliveryNoteFactory(brand=brand, number=number, delivery_terms=terms, **values)
        for position, quantity in enumerate(quantities):
            DeliveryNoteLineFactory(
                note=note,
                quantity=quantity,
                position=position,
                sku=f"SKU-{position}",
                weight_grams=300,
            )
        if captured is None:
            log_note_saved(note, created=True, changed=[])
        else:
            with captured(execute=True):
                log_note_saved(note, created=True, changed=[])
    return note


def refreshed(note: DeliveryNote) -> DeliveryNote:
    with scopes_disabled():
        note.refresh_from_db()
    return note
