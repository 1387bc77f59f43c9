"""The demo's second brand receives its orders from Webshipper (`manage.py seed_demo`).

It uses the sandbox's second account (`second-demo`: token `sandbox-ws-token-2`, channel 1
"Hakobu API"): an order created on the sandbox's page for that account becomes a note of Second
Brand, while a new user connects Demo Brand to the first account and sends its notes there, so
both directions can be seen without the brands' orders mixing. No call is made here (the
sandbox may not run yet): the webhooks are subscribed within a minute by
`tasks.subscribe_missing`. The delivery-terms mapping is ready for a switch of direction.
"""

from __future__ import annotations

from django.utils import timezone

from brands.models import Brand, Membership
from integrations.inbound import new_inbound_token
from integrations.models import ConnectionStatus, Integration
from integrations.webshipper import WEBSHIPPER
from integrations.webshipper.models import Direction, RateMapping, Trigger, WebshipperSettings
from integrations.webshipper.webhooks import WEBHOOK_SECRET, new_secret

ACCOUNT = "second-demo"
TOKEN = "sandbox-ws-token-2"
CHANNEL = ("1", "Hakobu API")
#: The demo notes' delivery terms: one mapped, one left for the user to map.
MAPPED = {"元払い": ("2", "PostNord Parcel")}
UNMAPPED = ("着払い",)


def setup(brand: Brand, memberships: list[Membership]) -> None:
    """Connect the brand to the sandbox's second account (once: an existing row is kept)."""
    if Integration.objects.filter(platform=WEBSHIPPER).exists():
        return
    now = timezone.now()
    integration = Integration.objects.create(
        brand=brand,
        platform=WEBSHIPPER,
        is_active=True,
        status=ConnectionStatus.INTEGRATED,
        credentials={"api_token": TOKEN, WEBHOOK_SECRET: new_secret()},
        inbound_token=new_inbound_token(),
        connected_at=now,
    )
    integration.notification_members.set(memberships[:1])
    WebshipperSettings.objects.create(
        brand=brand,
        integration=integration,
        account=ACCOUNT,
        order_channel_id=CHANNEL[0],
        order_channel_label=CHANNEL[1],
        direction=Direction.FROM_WEBSHIPPER,
        trigger=Trigger.ON_CREATE,
        direction_since=now,
    )
    for terms, (rate_id, rate_name) in MAPPED.items():
        RateMapping.objects.create(
            brand=brand,
            integration=integration,
            delivery_terms=terms,
            rate_id=rate_id,
            rate_name=rate_name,
        )
    for terms in UNMAPPED:
        RateMapping.objects.create(brand=brand, integration=integration, delivery_terms=terms)
