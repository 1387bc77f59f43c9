"""Read the mail that the development backend (`notifications.mail.OutboxFileBackend`) wrote.

Each `.eml` file is one whole RFC 822 message, parsed by the `email` package: nothing in a
message's text can make it read as two. Only messages whose brand header names the requested
brand are returned, so a brand never sees another brand's mail.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from notifications.mail import BRAND_HEADER, EVENT_HEADER, OUTBOX_SUFFIX


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


def read_outbox(directory: Path | str, brand_slug: str) -> list[OutboxMessage]:
    """Messages for `brand_slug` in the mail directory, newest first (empty if none yet).

    The Date header has one-second resolution, so ties are broken by the file's name (it starts
    with the time of writing in nanoseconds).
    """
    folder = Path(directory)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"*{OUTBOX_SUFFIX}"):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if str(message[BRAND_HEADER] or "").strip() != brand_slug:
            continue
        file_date = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        email = _to_outbox(message, file_date, path.name)
        found.append(((email.date, path.name), email))
    return [email for _, email in sorted(found, key=lambda item: item[0], reverse=True)]


def find_message(directory: Path | str, brand_slug: str, key: str) -> OutboxMessage | None:
    return next((m for m in read_outbox(directory, brand_slug) if m.key == key), None)
