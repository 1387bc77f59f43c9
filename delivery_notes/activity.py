"""Activity entries are shown in the reader's language, not the writer's.

An entry stores its verb and raw data (status codes, carrier codes, field names); the text is
made when it is displayed, under the reader's active language. Platform packages register the
verbs they add (see `register`). `Activity.message` keeps the text as written, for verbs with
no renderer and for old rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from delivery_notes.models import Activity, DeliveryNote, ShippingStatus
from delivery_notes.tracking import carrier_label

Renderer = Callable[[Mapping], str]
_RENDERERS: dict[str, Renderer] = {}


def register(verb: str) -> Callable[[Renderer], Renderer]:
    def decorator(render: Renderer) -> Renderer:
        _RENDERERS[verb] = render
        return render

    return decorator


def render(verb: str, data: Mapping) -> str:
    """An entry's text in the active language; KeyError for a verb nobody registered."""
    return _RENDERERS[verb](data)


def describe(activity: Activity) -> str:
    try:
        return render(activity.verb, activity.data or {})
    except (KeyError, ValueError, TypeError):
        return activity.message  # an unknown verb, or data written before it had this shape


def _status_label(code: str) -> str:
    return str(ShippingStatus(code).label)


def _field_label(name: str) -> str:
    if name == "lines":
        return _("Lines")
    try:
        return capfirst(str(DeliveryNote._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name


@register("status")
def _status(data: Mapping) -> str:
    return _("Status changed from %(old)s to %(new)s") % {
        "old": _status_label(data["from"]),
        "new": _status_label(data["to"]),
    }


@register("shipment")
def _shipment(data: Mapping) -> str:
    return _("Shipment recorded: %(carrier)s %(tracking)s") % {
        "carrier": carrier_label(data["carrier"]) or "-",
        "tracking": ", ".join(data["tracking_numbers"]) or "-",
    }


@register("shipment_voided")
def _shipment_voided(data: Mapping) -> str:
    return _("Shipment cancelled on the platform: %(carrier)s %(tracking)s") % {
        "carrier": carrier_label(data["carrier"]) or "-",
        "tracking": ", ".join(data["tracking_numbers"]) or "-",
    }


@register("shipment_changed")
def _shipment_changed(data: Mapping) -> str:
    return _("Shipment changed on the platform: %(carrier)s %(tracking)s (was %(old)s)") % {
        "carrier": carrier_label(data["carrier"]) or "-",
        "tracking": ", ".join(data["tracking_numbers"]) or "-",
        "old": " ".join(
            part
            for part in (
                carrier_label(data["old_carrier"]),
                ", ".join(data["old_tracking_numbers"]),
            )
            if part
        )
        or "-",
    }


@register("created")
def _created(data: Mapping) -> str:
    if "import_file" in data:
        return _("Created by CSV import (%(file)s)") % {"file": data["import_file"] or "-"}
    return _("Delivery note created")


@register("edited")
def _edited(data: Mapping) -> str:
    fields = ", ".join(_field_label(name) for name in data["fields"])
    return _("Delivery note edited: %(fields)s") % {"fields": fields}


@register("shipment_requested")
def _shipment_requested(data: Mapping) -> str:
    return _("Shipment %(number)s requested (%(count)d lines)") % {
        "number": f"S{data['request']}",
        "count": len(data.get("lines") or {}),
    }
