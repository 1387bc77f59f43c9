"""Template helpers of the delivery-note pages.

Badge colours for shipping and connection statuses (one map for both) and carrier suggestions.
"""

from __future__ import annotations

from django import template

from delivery_notes import tracking
from delivery_notes.models import ShippingStatus
from integrations.models import ConnectionStatus

register = template.Library()

BADGE_COLORS = {
    ShippingStatus.UNSHIPPED: "secondary",
    ShippingStatus.SHIPPING_REQUESTED: "info",
    ShippingStatus.PARTIALLY_SHIPPED: "warning",
    ShippingStatus.SHIPPED: "primary",
    ShippingStatus.DELIVERED: "success",
    ShippingStatus.CANCELLED: "dark",
    ConnectionStatus.NOT_INTEGRATED: "secondary",
    ConnectionStatus.INTEGRATED: "success",
    ConnectionStatus.ERROR: "danger",
}


@register.filter
def badge_color(status: str) -> str:
    return BADGE_COLORS.get(status, "secondary")


@register.simple_tag
def carrier_choices() -> list[tuple[str, str]]:
    """Known carrier codes for the carrier inputs' suggestions."""
    return tracking.carrier_choices()
