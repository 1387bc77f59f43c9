"""Read the mail that Django's file email backend wrote, for the development outbox page.

The backend writes one `.log` file per connection holding one or more RFC 822 messages, each
followed by a line of 79 dashes. Only messages whose brand header names the requested brand are
returned, so a brand never sees another brand's mail.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from notifications.mail import BRAND_HEADER, EVENT_HEADER

SEPARATOR = re.compile(rb"^-{79}\r?$", re.MULTILINE)


@dataclass(frozen=True)
class OutboxMessage:
    key: str
    subject: str
    to: str
    sender: str
    date: datetime
    event: str
    text: str
    html: str


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return ""
    return part.get_content()


def _date(message: EmailMessage, fallback: datetime) -> datetime:
    try:
        value = parsedate_to_datetime(message["Date"])
    except (TypeError, ValueError):
        return fallback
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _to_outbox(message: EmailMessage, fallback_date: datetime, fallback_key: str) -> OutboxMessage:
    key_source = message["Message-ID"] or fallback_key
    return OutboxMessage(
        key=hashlib.sha256(str(key_source).encode()).hexdigest()[:24],
        subject=str(message["Subject"] or ""),
        to=str(message["To"] or ""),
        sender=str(message["From"] or ""),
        date=_date(message, fallback_date),
        event=str(message[EVENT_HEADER] or ""),
        text=_body(message, "plain"),
        html=_body(message, "html"),
    )


def _messages_in(path: Path) -> Iterator[tuple[int, EmailMessage]]:
    for index, chunk in enumerate(SEPARATOR.split(path.read_bytes())):
        if chunk.strip():
            yield index, message_from_bytes(chunk.strip(b"\r\n"), policy=policy.default)


def read_outbox(directory: Path | str, brand_slug: str) -> list[OutboxMessage]:
    """Messages for `brand_slug` in the mail directory, newest first (empty if none yet).

    The Date header has one-second resolution, so ties are broken by file time and position.
    """
    folder = Path(directory)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.log"):
        mtime_ns = path.stat().st_mtime_ns
        file_date = datetime.fromtimestamp(mtime_ns / 1e9, tz=UTC)
        for index, message in _messages_in(path):
            if str(message[BRAND_HEADER] or "").strip() == brand_slug:
                email = _to_outbox(message, file_date, f"{path.name}#{index}")
                found.append(((email.date, mtime_ns, index), email))
    return [email for _, email in sorted(found, key=lambda item: item[0], reverse=True)]


def find_message(directory: Path | str, brand_slug: str, key: str) -> OutboxMessage | None:
    return next((m for m in read_outbox(directory, brand_slug) if m.key == key), None)
