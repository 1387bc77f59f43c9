"""Dates and times as Hakobu shows them: one format per language (config/formats), in the time
zone that is active (the brand's on brand pages and in emails), with the zone named where a
reader could mistake it (`with_zone`).

Templates use the filters of `brands.templatetags.hakobu_dates`; Python code (emails, exports,
messages) calls these functions, so pages and files cannot drift apart.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone


def format_day(value: date | datetime | None) -> str:
    """A date ("2026-12-01" in English, "2026/12/01" in Japanese); a datetime gives its local date.

    Anything else (an empty value, text stored before it was a date) is shown as it is."""
    if not isinstance(value, date):
        return str(value or "")
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return formats.date_format(value, "DATE_FORMAT")


def format_moment(value: datetime | None, *, with_zone: bool = False) -> str:
    """A date and time in the active time zone ("2026-12-01 14:05", with_zone: "… JST")."""
    if not isinstance(value, datetime):
        return format_day(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    text = formats.date_format(local, "DATETIME_FORMAT")
    if with_zone and local.tzinfo is not None:
        text = f"{text} {local.tzname()}"
    return text
