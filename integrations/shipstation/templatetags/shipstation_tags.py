"""What the note list's ShipStation bulk action needs to know, without the list knowing it."""

from __future__ import annotations

from django import template

from integrations.shipstation.orders import active_settings

register = template.Library()


@register.simple_tag
def shipstation_push_enabled() -> bool:
    """Method 2 is on: staff may send selected notes from the list."""
    return active_settings() is not None


@register.simple_tag
def shipstation_labels_enabled() -> bool:
    """Method 3 is on: staff may get rates and labels for selected notes from the list."""
    from integrations.shipstation.models import ShipstationSettings

    return ShipstationSettings.objects.filter(
        rates_labels=True, integration__is_active=True
    ).exists()


@register.simple_tag
def shipstation_label_panel(note) -> dict:
    """What a note's rates-and-labels panel shows (call in the brand's scope)."""
    from brands.selectors import brand_profile
    from integrations.shipstation.models import ShipstationLabel
    from integrations.shipstation.shipping.rates import (
        ShippingUnavailable,
        covered_lines,
        parcel_weight,
        shipping_settings,
    )

    labels = list(ShipstationLabel.objects.filter(note=note).exclude(status="failed")[:20])
    try:
        _integration, settings = shipping_settings(note.brand)
    except ShippingUnavailable:
        return {"enabled": False, "labels": labels}
    remaining = covered_lines(note, None)
    lines = [
        (line, remaining[line.pk]) for line in note.lines.all() if remaining.get(line.pk, 0) > 0
    ]
    profile = brand_profile(note.brand)
    return {
        "enabled": True,
        "labels": labels,
        "settings": settings,
        "lines": lines,
        "weight": parcel_weight(note, remaining) if remaining else 0,
        "missing_ship_from": profile.missing_ship_from_fields,
        "shippable": note.is_shippable and bool(remaining),
    }
