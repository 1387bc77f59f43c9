"""Template helpers of the delivery-note pages.

Badge colours for shipping and connection statuses (one map for both), activity text in the
reader's language, and carrier names and suggestions.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

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


@register.simple_tag
def status_badge(note) -> str:
    """A note's status as a coloured badge. A tag, not an included template: the list draws
    one a row, and an include costs it more than the rest of the row."""
    return format_html(
        '<span class="badge status-badge text-bg-{}">{}</span>',
        badge_color(note.status),
        note.get_status_display(),
    )


@register.simple_tag
def tracking_links(shipment) -> str:
    """A shipment's tracking numbers, each linked to its carrier's tracking page when known."""
    return format_html_join(
        ", ",
        "{}",
        (
            (
                format_html(
                    '<a class="font-monospace-sm" href="{}" target="_blank" '
                    'rel="noopener noreferrer">{}</a>',
                    url,
                    number,
                )
                if url
                else format_html('<span class="font-monospace-sm">{}</span>', number),
            )
            for number, url in shipment.tracking_links
        ),
    )


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
