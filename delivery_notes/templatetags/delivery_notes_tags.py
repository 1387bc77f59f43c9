"""Template helpers of the delivery-note pages.

Badge colours for shipping and connection statuses (one map for both), activity text in the
reader's language, and carrier names and suggestions.
"""

from __future__ import annotations

from django import template

from delivery_notes import activity, tracking
from delivery_notes.models import Activity, ShippingStatus
from integrations.models import ConnectionStatus
from integrations.registry import platforms

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


@register.filter
def activity_text(entry: Activity) -> str:
    """The entry in the reader's language."""
    return activity.describe(entry)


@register.filter
def carrier_label(code: str) -> str:
    return tracking.carrier_label(code)


@register.simple_tag
def carrier_choices() -> list[tuple[str, str]]:
    """Known carrier codes for the carrier inputs' suggestions."""
    return tracking.carrier_choices()


@register.simple_tag
def platform_bulk_actions() -> list[str]:
    """Templates of the bulk actions the registered platforms add to the note list."""
    return [spec.note_bulk_actions for spec in platforms() if spec.note_bulk_actions]


@register.simple_tag
def platform_note_panels() -> list[str]:
    """Templates of the panels the registered platforms add to a note's page."""
    return [spec.note_panel for spec in platforms() if spec.note_panel]


@register.simple_tag
def carrier_service_lists() -> list[tuple[str, list[tuple[str, str]]]]:
    """(carrier code, its services) of every known carrier, for the service suggestions."""
    return [(code, tracking.carrier_services(code)) for code, _label in tracking.carrier_choices()]
