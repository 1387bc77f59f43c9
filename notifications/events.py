"""Notification events: what is stored, and how it is worded when read.

A notification is stored as its event and JSON data (codes, counts, names, ISO times), as
activity entries are (`delivery_notes.activity`): the in-app list words it when it is read, in
the reader's language and the brand's time zone, from the event's templates
(`templates/notifications/<event>/subject.txt` and `summary.txt`, a short sentence). The email
is worded from the same data when the notification is made, in the recipient's language.

Each event is registered with a readable label (the outbox shows it) and, when its templates
need more than the data as stored, a function building their context. Apps register the
events they send (see `integrations.notices`); mail that is no notification (an invitation)
registers its label too, for the outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from brands.models import Role

Context = Callable[[Mapping[str, Any]], dict[str, Any]]
#: Data keys holding an ISO date-time: given to the templates as aware datetimes.
TIME_SUFFIXES = ("_at", "_since")


def _times(data: Mapping[str, Any]) -> dict[str, Any]:
    context = dict(data)
    for key, value in data.items():
        if key.endswith(TIME_SUFFIXES) and isinstance(value, str) and value:
            with suppress(ValueError):  # else written before it had this shape: shown as stored
                context[key] = datetime.fromisoformat(value)
    return context


@dataclass(frozen=True)
class Event:
    label: str | Promise
    context: Context = _times


_EVENTS: dict[str, Event] = {}


def register(name: str, label: str | Promise, context: Context | None = None) -> None:
    _EVENTS[name] = Event(label, context or _times)


def label(name: str) -> str:
    """The event's readable name; an unknown one is shown as it is stored."""
    event = _EVENTS.get(name)
    return str(event.label) if event else name


def context_for(name: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The templates' context made from the stored data."""
    event = _EVENTS.get(name)
    return (event.context if event else _times)(data or {})


def iso(value: datetime | None) -> str:
    """A datetime as stored in a notification's data."""
    return value.isoformat() if value else ""


def _member_joined(data: Mapping[str, Any]) -> dict[str, Any]:
    context = _times(data)
    try:
        context["role_label"] = Role(data.get("role", "")).label
    except ValueError:
        context["role_label"] = data.get("role", "")
    return context


register("member_joined", _("Member joined"), _member_joined)
register("invitation", _("Invitation"))
