"""`manage.py seed_demo`: the second demo brand receives its orders from the sandbox's Webshipper."""

from __future__ import annotations

import httpx
from django.core.management import call_command

from brands.models import Brand
from brands.scoping import scopes_disabled
from delivery_notes.models import DeliveryNote
from integrations.models import OutboundOrder, PlatformOrder
from integrations.registry import beat_schedule
from integrations.webshipper import demo
from integrations.webshipper.tasks import subscribe_missing
from tests.integrations.webshipper.conftest import integration_of


def test_the_second_demo_brand_takes_orders_from_webshipper(db, webshipper):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115  (idempotent)
    with scopes_disabled():
        brand = Brand.objects.get(slug="second")
        seeded = DeliveryNote.objects.filter(brand=brand).count()
        assert not OutboundOrder.objects.exists()  # the seeded history is not sent anywhere
    integration = integration_of(brand)
    assert integration.is_integrated and integration.webshipper.account == demo.ACCOUNT
    assert integration.webshipper.webhooks == []  # no call during the seed

    order = httpx.post(
        f"{webshipper}/_create_order",
        json={
            "account": demo.ACCOUNT,
            "customer": {"name": "Ny Kunde", "email": "ny@kunde.example"},
            "lines": [{"sku": "DEMO-NEW", "description": "New thing", "quantity": 1}],
        },
    ).json()
    schedule = beat_schedule()["webshipper-subscribe-missing"]
    assert schedule["task"] == subscribe_missing.name and schedule["schedule"] <= 60
    assert subscribe_missing.delay().get() == 1  # within a minute of `make run`
    assert len(integration_of(brand).webshipper.webhooks) == 4
    assert subscribe_missing.delay().get() == 0
    with scopes_disabled():
        assert DeliveryNote.objects.filter(brand=brand).count() == seeded + 1
        assert PlatformOrder.objects.get(external_id=order["id"]).note.brand == brand
