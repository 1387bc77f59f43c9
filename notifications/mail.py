"""The email form of a notification, the headers that tie a sent message to its brand, plain-text
rendering, and the development mail backend.

The headers let the development outbox (`notifications.outbox`) show each brand only its own
mail, and let an operator filter a real mail log by brand or event.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template import Context, engines

from notifications.models import Notification

BRAND_HEADER = "X-Hakobu-Brand"
EVENT_HEADER = "X-Hakobu-Event"
OUTBOX_SUFFIX = ".eml"


def render_text(template_name: str, context: Mapping[str, Any]) -> str:
    """A plain-text template (subject, text body) rendered WITHOUT HTML escaping.

    Django escapes every template by default, which turns "Tom & Jerry's" into
    "Tom &amp; Jerry&#x27;s" in a text email; HTML parts keep using `render_to_string`.
    """
    template = engines["django"].get_template(template_name).template
    return template.render(Context(dict(context), autoescape=False))


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


class OutboxFileBackend(BaseEmailBackend):
    """Writes each message to its own `.eml` file in EMAIL_FILE_PATH (development outbox).

    Django's file backend appends every message of a connection to one file, separated by a line
    of dashes: a body holding such a line (a user's name, say) then reads as a second, forged
    message. One complete RFC 822 file per message needs no separator. The file is written under
    a temporary name and renamed, so the outbox never reads half a message.
    """

    def __init__(self, *args: Any, file_path: str | Path | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = f"{time.time_ns()}-{uuid.uuid4().hex}{OUTBOX_SUFFIX}"
            descriptor, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(message.message().as_bytes(linesep="\n"))
            os.replace(temporary, self.directory / name)
            sent += 1
        return sent
