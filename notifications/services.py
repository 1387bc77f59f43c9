"""Tell a set of members about an event: in-app entry plus an email, in each member's language.

Each event has templates under `templates/notifications/<event>/`: `subject.txt`, `body.txt` and
`body.html` (the HTML one extends `notifications/email/base.html`). Context gets `brand`,
`recipient`, `url` (absolute) plus whatever the caller passes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from brands.models import Brand, Membership
from notifications.models import Notification


def absolute_url(path: str) -> str:
    return path if path.startswith("http") else f"{settings.SITE_URL}{path}"


def render_event(event: str, context: Mapping, language: str) -> tuple[str, str, str]:
    """Subject, plain-text and HTML body of an event, in `language`."""
    with translation.override(language):
        subject = render_to_string(f"notifications/{event}/subject.txt", context)
        text = render_to_string(f"notifications/{event}/body.txt", context)
        html = render_to_string(f"notifications/{event}/body.html", context)
    return " ".join(subject.split()), text.strip(), html


def notify(
    *,
    brand: Brand,
    members: Iterable[Membership],
    event: str,
    url: str = "",
    context: Mapping | None = None,
) -> list[Notification]:
    """Create one notification per member (of this brand only) and email it after commit."""
    from notifications.tasks import send_notification_email

    link = absolute_url(url) if url else settings.SITE_URL
    created = []
    for membership in members:
        if membership.brand_id != brand.pk:
            continue  # never tell a member of another brand
        user = membership.user
        ctx = {**(context or {}), "brand": brand, "recipient": user, "url": link}
        subject, text, html = render_event(event, ctx, user.language)
        created.append(
            Notification.objects.create(
                brand=brand,
                recipient=user,
                event=event,
                subject=subject,
                body=text,
                body_html=html,
                url=url,
            )
        )
    for notification in created:
        transaction.on_commit(
            lambda pk=notification.pk: send_notification_email.delay(brand.pk, pk)
        )
    return created
