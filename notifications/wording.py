"""A stored notification in the reader's words (see `notifications.events`).

Rows written before notifications kept their data have none: they show the subject and body as
emailed then.
"""

from __future__ import annotations

from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.text import Truncator

from notifications.events import context_for
from notifications.models import Notification

SUMMARY_CHARS = 160


def _render(notification: Notification, part: str) -> str | None:
    context = {
        **context_for(notification.event, notification.data),
        "brand": notification.brand,
        "url": notification.url,
    }
    try:
        text = render_to_string(f"notifications/{notification.event}/{part}.txt", context)
    except TemplateDoesNotExist:
        return None
    return " ".join(text.split())


def title(notification: Notification) -> str:
    """The subject line, in the active language."""
    if notification.data:
        worded = _render(notification, "subject")
        if worded:
            return worded
    return notification.subject


def summary(notification: Notification) -> str:
    """One short sentence saying what happened (not the email's text)."""
    if notification.data:
        worded = _render(notification, "summary")
        if worded:
            return worded
    first = " ".join(notification.body.split("\n\n")[0].split())
    return Truncator(first).chars(SUMMARY_CHARS)
