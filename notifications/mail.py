"""The email form of a notification, and the headers that tie a sent message to its brand.

The headers let the development outbox (`notifications.outbox`) show each brand only its own
mail, and let an operator filter a real mail log by brand or event.
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives

from notifications.models import Notification

BRAND_HEADER = "X-Hakobu-Brand"
EVENT_HEADER = "X-Hakobu-Event"


def build_email(notification: Notification) -> EmailMultiAlternatives:
    """Plain-text email with the HTML alternative, addressed to the notification's recipient."""
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        to=[notification.recipient.email],
        headers={BRAND_HEADER: notification.brand.slug, EVENT_HEADER: notification.event},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    return message
