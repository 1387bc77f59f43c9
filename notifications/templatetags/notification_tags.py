"""A notification worded for its reader (`notifications.wording`), and events' readable names."""

from __future__ import annotations

from django import template

from notifications import events, wording
from notifications.models import Notification

register = template.Library()


@register.filter
def notification_title(notification: Notification) -> str:
    return wording.title(notification)


@register.filter
def notification_summary(notification: Notification) -> str:
    return wording.summary(notification)


@register.filter
def event_label(event: str) -> str:
    return events.label(event)
