"""What ShipStation can do, declared to the integrations base (see integrations.registry)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from delivery_notes.models import DeliveryNote
from integrations.models import Integration
from integrations.registry import Capability, PeriodicTask, PlatformSpec, register
from integrations.shipstation import SHIPSTATION
from integrations.shipstation.endpoint import CustomStoreEndpoint
from integrations.shipstation.orders import on_note_changed
from integrations.shipstation.shipping import labels as _labels  # noqa: F401  (activity verbs)
from integrations.shipstation.shipping import tasks as _tasks  # noqa: F401  (Celery tasks)
from integrations.tasks import sync_brand

#: How often method 2 polls ShipStation for shipments (seconds).
POLL_EVERY = 10 * 60


class BrandPusher:
    """The outbox's OrderPusher for one brand: its API version, store and ship-from location."""

    def __init__(self, integration: Integration) -> None:
        from integrations.shipstation.api.pushers import make_pusher

        self.settings = integration.shipstation
        self.inner = make_pusher(self.settings.api_version, integration.credentials or {})
        # Only V1 sends several orders in one call; V2 creates one shipment per call.
        self.batch_size = getattr(self.inner, "batch_size", 1)

    def push_many(self, notes: list[tuple[DeliveryNote, str]]) -> dict:
        return self.inner.push_many(
            notes, warehouse_id=self.settings.warehouse_id, store_id=self.settings.store_id
        )

    def push(self, note: DeliveryNote, *, key: str, existing_id: str) -> str:
        return self.inner.push(
            note,
            key=key,
            existing_id=existing_id,
            warehouse_id=self.settings.warehouse_id,
            store_id=self.settings.store_id,
            update=bool(existing_id),
        )

    def cancel(self, note: DeliveryNote, *, key: str, existing_id: str) -> None:
        self.inner.cancel(note, key=key, existing_id=existing_id)

    def close(self) -> None:
        self.inner.close()


def build_source(integration: Integration):
    """Shipments are polled only for method 2 (method 1 hears of them by ship notices)."""
    from integrations.shipstation.api.sources import make_source

    settings = getattr(integration, "shipstation", None)
    if settings is None or not settings.api_orders:
        return None
    return make_source(settings.api_version, integration.credentials or {})


SPEC = register(
    PlatformSpec(
        platform=SHIPSTATION,
        label=_("ShipStation"),
        capabilities=frozenset(
            {
                Capability.INBOUND,
                Capability.PUSH_ORDERS,
                Capability.PULL_SHIPMENTS,
                Capability.RATES_LABELS,
            }
        ),
        settings_url_name="shipstation:settings",
        urls="integrations.shipstation.urls",
        inbound_view=CustomStoreEndpoint.as_view(),
        order_pusher=BrandPusher,
        on_note_changed=on_note_changed,
        build_source=build_source,
        sync_task=sync_brand,
        note_bulk_actions="integrations/shipstation/_note_bulk_actions.html",
        note_panel="integrations/shipstation/_note_panel.html",
        periodic_tasks=(
            PeriodicTask(
                "shipstation-sync-all",
                "integrations.tasks.sync_all_brands",
                POLL_EVERY,
                args=(SHIPSTATION,),
            ),
        ),
    )
)
