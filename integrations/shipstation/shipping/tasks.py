"""Background work of mode 3: telling ShipStation an order it holds left with a Hakobu label, and
looking up a purchase whose answer never came until its outcome is known."""

from __future__ import annotations

import logging

from django.db import transaction

from brands.task_base import brand_task
from integrations.http import PlatformError, PushRefused, TransientPlatformError
from integrations.models import PlatformOrder
from integrations.shipstation import SHIPSTATION
from integrations.shipstation.api.shipping import BoughtLabel, make_shipping
from integrations.shipstation.models import ShipstationLabel
from integrations.shipstation.shipping.rates import ShippingUnavailable, shipping_settings

logger = logging.getLogger(__name__)


class LabelStillPending(TransientPlatformError):
    """ShipStation could not be asked about a purchase in doubt yet: try again later."""


def mark_shipped(label: ShipstationLabel) -> int:
    """Mark the note's ShipStation order (mode 1 feed or mode 2 push) shipped with this label,
    so nobody labels it again there; how many orders were marked. Idempotent: a marked label,
    or an order ShipStation already closed, is left alone."""
    if label.marked_shipped or label.status != ShipstationLabel.Status.BOUGHT:
        return 0
    order = PlatformOrder.objects.filter(note=label.note_id, platform=SHIPSTATION).first()
    if order is None:
        return 0
    try:
        integration, _settings = shipping_settings(label.note.brand)
    except ShippingUnavailable:
        return 0
    api = make_shipping(label.api_version, integration.credentials or {})
    bought = BoughtLabel(
        label_id=label.label_id,
        tracking_number=label.tracking_number,
        carrier_code=label.carrier_code,
        service_code=label.service_code,
        cost=label.cost,
        currency=label.currency,
        ship_date=label.shipment.shipped_on if label.shipment_id else None,
    )
    pushed = order.route == PlatformOrder.Route.PUSHED
    try:
        count = api.mark_shipped(
            number=label.note.number,
            order_id=order.external_id if pushed else "",
            label=bought,
            carrier_code=label.carrier_code,
        )
    except PushRefused as exc:  # shipped or cancelled there already: nothing left to do
        logger.info("ShipStation kept its order for label %s: %s", label.reference, exc)
        count = 0
    finally:
        api.close()
    with transaction.atomic():
        ShipstationLabel.objects.filter(pk=label.pk).update(marked_shipped=True)
    return count


@brand_task(transient=(TransientPlatformError,), max_retries=6, backoff=30, backoff_max=1800)
def mark_label_shipped(self, brand, label_id: int) -> int:
    label = ShipstationLabel.objects.select_related("note", "shipment").filter(pk=label_id).first()
    if label is None:
        return 0
    try:
        return mark_shipped(label)
    except self.retryable:
        raise
    except PlatformError as exc:
        logger.warning("ShipStation order of label %s not marked shipped: %s", label_id, exc)
        return 0


@brand_task(transient=(LabelStillPending,), max_retries=8, backoff=60, backoff_max=3600)
def resolve_label(self, brand, label_id: int) -> str:
    """Look a pending purchase up until ShipStation answers (bought → recorded, else failed).
    Queued by the purchase's own request once it ended, so a label not found was never made."""
    from integrations.shipstation.shipping.labels import resolve

    label = ShipstationLabel.objects.select_related("note").filter(pk=label_id).first()
    if label is None:
        return "gone"
    try:
        status = resolve(label, answered=True)
    except ShippingUnavailable:  # method 3 switched off meanwhile: kept pending, shown as such
        return ShipstationLabel.Status.PENDING
    if status == ShipstationLabel.Status.PENDING and LabelStillPending in self.retryable:
        raise LabelStillPending(f"label {label_id} still in doubt")
    return status
