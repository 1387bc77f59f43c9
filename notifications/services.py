"""Tell a set of members about an event: in-app entry plus an email, in each member's language.

Each event has templates under `templates/notifications/<event>/`: `subject.txt`, `summary.txt`
(one sentence, for the app's list), `body.txt` and `body.html` (the HTML one extends
`notifications/email/base.html`). The caller passes `data`, JSON values that are stored on the
notification and worded from again when it is read (`notifications.events`); the templates get
that data (as `events.context_for` makes it) plus `brand`, `recipient` and `url` (absolute).
Dates render in the brand's time zone, words in the recipient's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from brands.models import Brand, Membership
from notifications.events import context_for
from notifications.mail import render_text
from notifications.models import Notification


def absolute_url(path: str) -> str:
    return path if path.startswith("http") else f"{settings.SITE_URL}{path}"


def render_event(
    event: str, context: Mapping, language: str, time_zone: str | None = None
) -> tuple[str, str, str]:
    """Subject, plain-text and HTML body of an event, in `language` (and `time_zone`)."""
    ctx = {**context, "LANGUAGE_CODE": language}
    with translation.override(language), timezone.override(time_zone or settings.TIME_ZONE):
        subject = render_text(f"notifications/{event}/subject.txt", ctx)
        text = render_text(f"notifications/{event}/body.txt", ctx)
        html = render_to_string(f"notifications/{event}/body.html", ctx)
    return " ".join(subject.split()), text.strip(), html


def notify(
    *,
    brand: Brand,
    members: Iterable[Membership],
    event: str,
    url: str = "",
    data: Mapping[str, Any] | None = None,
    context: Mapping | None = None,
) -> list[Notification]:
    """Create one notification per member (of this brand only) and email it after commit.

    Members of another brand and deactivated users are skipped; a member listed twice is told once.
    `context` adds template values that are not stored (emails only); prefer `data`.
    """
    from notifications.tasks import send_notification_email

    link = absolute_url(url) if url else settings.SITE_URL
    created = []
    seen: set[int] = set()
    for membership in members:
        user = membership.user
        if membership.brand_id != brand.pk or not user.is_active or user.pk in seen:
            continue  # never tell a member of another brand
        seen.add(user.pk)
        ctx = {
            **context_for(event, data or {}),
            **(context or {}),
            "brand": brand,
            "recipient": user,
            "url": link,
        }
        subject, text, html = render_event(event, ctx, user.language, brand.time_zone)
        created.append(
            Notification.objects.create(
                brand=brand,
                recipient=user,
                event=event,
                data=dict(data or {}),
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


def mark_read(notification: Notification) -> None:
    """Mark one notification read (keeps the first read time)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at=None).update(
            read_at=notification.read_at
        )


def mark_all_read(user) -> int:
    """Mark every unread notification of `user` in the active brand scope read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())
