"""Webshipper's background work: a webhook's hint re-read from the API, and the order poll."""

from __future__ import annotations

import contextlib

from celery import shared_task

from brands.scoping import scopes_disabled
from brands.task_base import brand_task
from delivery_notes.services import NoteNotCancellable, cancel_note
from integrations.http import PlatformUnavailable
from integrations.models import ConnectionStatus, Integration, PlatformOrder
from integrations.sync import SyncRunner
from integrations.webshipper import WEBSHIPPER, facts
from integrations.webshipper.client import NotFound, make_client
from integrations.webshipper.importing import import_order, poll_orders
from integrations.webshipper.models import Direction
from integrations.webshipper.services import subscribe_if_missing
from integrations.webshipper.shipments import ShipmentSource, parse


def _integration(integration_id: int) -> Integration | None:
    integration = Integration.objects.filter(pk=integration_id, platform=WEBSHIPPER).first()
    if integration is None or not integration.is_syncable:
        return None
    if getattr(integration, "webshipper", None) is None:
        return None
    return integration


def apply_shipments(integration: Integration, client, items) -> int:
    """Record (or bring up to date) each shipment as a sync run would; returns how many."""
    runner = SyncRunner(integration, ShipmentSource(client))
    return sum(1 for item in items if runner.apply_one(parse(item), item).value != "known")


@brand_task(transient=(PlatformUnavailable,), max_retries=5, backoff=10, backoff_max=600)
def handle_hint(
    self, brand, integration_id: int, kind: str, record_id: str, deleted: bool = False
) -> str:
    """A webhook said an order or shipment changed: read it and apply what it now says.

    Idempotent: it applies the record's current state, so a duplicate delivery is harmless."""
    integration = _integration(integration_id)
    if integration is None:
        return "not_connected"
    client = make_client(integration)
    try:
        if kind == "shipments":
            if deleted:
                return "ignored"
            apply_shipments(integration, client, [client.one(f"shipments/{record_id}")])
            return "shipment"
        try:
            order = client.one(f"orders/{record_id}")
        except NotFound:
            _order_gone(record_id)
            return "order_gone"
        if integration.webshipper.direction == Direction.FROM_WEBSHIPPER:
            import_order(integration, order)
        status = (order.get("attributes") or {}).get("status")
        if status in (facts.DISPATCHED, facts.PARTLY_DISPATCHED):
            apply_shipments(integration, client, client.shipments_of(record_id))
        return "order"
    finally:
        client.close()


def _order_gone(order_id: str) -> None:
    """An order deleted in Webshipper cancels the open note that came from it."""
    row = (
        PlatformOrder.objects.filter(
            platform=WEBSHIPPER, external_id=order_id, route=PlatformOrder.Route.PULLED
        )
        .select_related("note")
        .first()
    )
    if row is not None:
        with contextlib.suppress(NoteNotCancellable):
            cancel_note(row.note)


@brand_task(transient=(PlatformUnavailable,), max_retries=4, backoff=30, backoff_max=900)
def poll_brand(self, brand, integration_id: int) -> str:
    """Webshipper → Hakobu: the safety net behind webhooks (orders updated since the cursor)."""
    integration = _integration(integration_id)
    if integration is None:
        return "not_polled"
    subscribe_if_missing(integration)
    if integration.webshipper.direction != Direction.FROM_WEBSHIPPER:
        return "not_polled"
    client = make_client(integration)
    try:
        return f"imported {poll_orders(integration, client)}"
    finally:
        client.close()


@shared_task
def poll_all() -> int:
    with scopes_disabled():
        rows = list(
            Integration.objects.filter(
                platform=WEBSHIPPER, is_active=True, status=ConnectionStatus.INTEGRATED
            ).values_list("brand_id", "pk")
        )
    for brand_id, integration_id in rows:
        poll_brand.delay(brand_id, integration_id)
    return len(rows)


@brand_task(transient=(), max_retries=0)
def subscribe_brand(self, brand, integration_id: int) -> str:
    """Subscribe the webhooks of a connection that has none yet, then read what it missed."""
    integration = _integration(integration_id)
    if integration is None:
        return "not_connected"
    subscribe_if_missing(integration)
    if integration.webshipper.webhooks:
        poll_brand.delay(brand.pk, integration_id)
    return "subscribed" if integration.webshipper.webhooks else "not_subscribed"


@shared_task
def subscribe_missing() -> int:
    """Beat entry (every minute, one query): connections made without the API (the demo's), or
    whose subscription failed for an outage, get their webhooks as soon as Webshipper answers."""
    with scopes_disabled():
        rows = [
            (integration.brand_id, integration.pk)
            for integration in Integration.objects.filter(
                platform=WEBSHIPPER,
                is_active=True,
                status=ConnectionStatus.INTEGRATED,
                webshipper__webhooks=[],
            )
            if not (integration.config or {}).get("webhooks_problem")
        ]
    for brand_id, integration_id in rows:
        subscribe_brand.delay(brand_id, integration_id)
    return len(rows)
