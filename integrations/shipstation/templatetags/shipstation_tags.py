"""What the note list's ShipStation bulk action needs to know, without the list knowing it."""

from __future__ import annotations

from django import template

from integrations.shipstation.orders import active_settings

register = template.Library()


@register.simple_tag
def shipstation_push_enabled() -> bool:
    """Method 2 is on: staff may send selected notes from the list."""
    return active_settings() is not None
