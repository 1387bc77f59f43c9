"""What Webshipper can do, declared to the integrations base (see integrations.registry)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from integrations.registry import Capability, PeriodicTask, PlatformSpec, register
from integrations.tasks import sync_brand
from integrations.webshipper import WEBSHIPPER, demo
from integrations.webshipper.pusher import WebshipperPusher
from integrations.webshipper.routing import on_note_changed
from integrations.webshipper.shipments import build_source, on_shipment_recorded
from integrations.webshipper.webhooks import WebhookView

#: How often shipments (both directions) and the channel's orders (Webshipper → Hakobu) are
#: polled behind the webhooks (seconds).
POLL_EVERY = 10 * 60
#: How often connections without webhooks (the demo's, or after an outage) try to subscribe.
SUBSCRIBE_EVERY = 60


def check_credentials(integration) -> None:
    from integrations.webshipper.client import make_client

    client = make_client(integration)
    try:
        client.channels()
    finally:
        client.close()


SPEC = register(
    PlatformSpec(
        platform=WEBSHIPPER,
        label=_("Webshipper"),
        capabilities=frozenset(
            {
                Capability.PUSH_ORDERS,
                Capability.PULL_SHIPMENTS,
                Capability.WEBHOOKS,
                Capability.INBOUND,
            }
        ),
        settings_url_name="webshipper:settings",
        urls="integrations.webshipper.urls",
        inbound_view=WebhookView.as_view(),
        order_pusher=WebshipperPusher,
        on_note_changed=on_note_changed,
        on_shipment_recorded=on_shipment_recorded,
        build_source=build_source,
        check_credentials=check_credentials,
        sync_task=sync_brand,
        demo_brand="second",
        demo_setup=demo.setup,
        periodic_tasks=(
            PeriodicTask(
                "webshipper-sync-all",
                "integrations.tasks.sync_all_brands",
                POLL_EVERY,
                args=(WEBSHIPPER,),
            ),
            PeriodicTask(
                "webshipper-orders-all", "integrations.webshipper.tasks.poll_all", POLL_EVERY
            ),
            PeriodicTask(
                "webshipper-subscribe-missing",
                "integrations.webshipper.tasks.subscribe_missing",
                SUBSCRIBE_EVERY,
            ),
        ),
    )
)
