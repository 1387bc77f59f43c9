"""`manage.py seed_demo`: the second demo brand sends its notes to the sandbox's Webshipper."""

from __future__ import annotations

import httpx
from django.core.management import call_command

from brands.models import Brand
from brands.scoping import scopes_disabled
from integrations.models import OutboundOrder
from integrations.webshipper import demo
from tests.integrations.webshipper.conftest import integration_of, new_note


def test_the_second_demo_brand_sends_to_webshipper(
    db, webshipper, django_capture_on_commit_callbacks
):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115  (idempotent)
    with scopes_disabled():
        brand = Brand.objects.get(slug="second")
    integration = integration_of(brand)
    assert integration.is_integrated and integration.webshipper.account == demo.ACCOUNT
    with scopes_disabled():
        assert not OutboundOrder.objects.exists()  # the seeded history is not sent
    note = new_note(brand, "SB-NEW-1", terms="元払い", captured=django_capture_on_commit_callbacks)
    with scopes_disabled():
        assert OutboundOrder.objects.get(note=note).status == "sent"
    orders = httpx.get(f"{webshipper}/_orders", params={"account": demo.ACCOUNT}).json()
    assert [o["attributes"]["ext_ref"] for o in orders] == ["SB-NEW-1"]
    assert len(integration_of(brand).webshipper.webhooks) == 4  # subscribed on the first push
