"""The three date dialects: V1 (US Pacific, ``2015-06-29T08:46:27.0000000``), V2 (ISO-8601 UTC,
``2026-11-22T01:12:00.000Z``) and the Custom Store (UTC ``MM/dd/yyyy HH:mm``).

State keeps every instant as aware UTC ``datetime`` serialized by :func:`stamp` (sortable ISO).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from sandbox.shipstation.facts import CUSTOM_DATE_FORMAT, PACIFIC, SHIP_DATE_FORMAT

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
_CUSTOM = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?")


def now() -> datetime:
    """The current instant, UTC."""
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """State form of an instant: UTC ISO with microseconds, sortable as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_stamp(value: str) -> datetime:
    """The instant a state stamp stands for."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def parse_iso(value: str, naive_zone: object = UTC) -> datetime:
    """An ISO-8601 date or date-time; without an offset it is in ``naive_zone``.

    Lenient on purpose: a space instead of ``T``, 1–9 fraction digits, no seconds.
    """
    match = _ISO.fullmatch(value.strip())
    if not match:
        raise ValueError(f"not an ISO-8601 date-time: {value!r}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    moment = datetime(
        int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro
    )
    if offset is None:
        return moment.replace(tzinfo=naive_zone).astimezone(UTC)  # type: ignore[arg-type]
    if offset == "Z":
        return moment.replace(tzinfo=UTC)
    sign = -1 if offset[0] == "-" else 1
    shift = timedelta(hours=int(offset[1:3]), minutes=int(offset[-2:]))
    return moment.replace(tzinfo=timezone(sign * shift)).astimezone(UTC)


# --- V1: US Pacific --------------------------------------------------------------------------


def v1_format(value: str | None) -> str | None:
    """A state stamp as V1 shows it: Pacific wall time, seven fraction digits, no offset."""
    if not value:
        return None
    local = from_stamp(value).astimezone(PACIFIC)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond:06d}0"


def v1_parse(value: str) -> datetime:
    """A V1 date from a request: naive means US Pacific (an explicit offset is honoured)."""
    return parse_iso(value, PACIFIC)


# --- V2: ISO UTC -----------------------------------------------------------------------------


def v2_format(value: str | None) -> str | None:
    """A state stamp as V2 shows it: ``2026-11-22T01:12:00.000Z``."""
    if not value:
        return None
    moment = from_stamp(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def v2_parse(value: str) -> datetime:
    """A V2 date-time from a request: naive means UTC."""
    return parse_iso(value, UTC)


def day_v2(day: str | None) -> str | None:
    """A ship date (``YYYY-MM-DD``) as V2 shows it: midnight UTC (confirmed for ``date``)."""
    return f"{day}T00:00:00Z" if day else None


# --- Custom Store: UTC MM/dd/yyyy HH:mm ------------------------------------------------------


def custom_format(moment: datetime) -> str:
    """An instant as a Custom Store date: UTC ``MM/dd/yyyy HH:mm``."""
    return moment.astimezone(UTC).strftime(CUSTOM_DATE_FORMAT)


def custom_day(moment: datetime) -> str:
    """An instant's UTC day as ``MM/dd/yyyy`` (a ship notice's ShipDate)."""
    return moment.astimezone(UTC).strftime(SHIP_DATE_FORMAT)


def custom_parse(value: str) -> datetime:
    """``MM/dd/yyyy HH:mm`` in UTC, leniently (single digits, optional time and seconds)."""
    match = _CUSTOM.fullmatch(value.strip())
    if not match:
        raise ValueError(f"not MM/dd/yyyy HH:mm: {value!r}")
    month, day, year, hour, minute, second = match.groups()
    return datetime(
        int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
        tzinfo=UTC,
    )  # fmt: skip


def ship_day() -> date:
    """The ship date of a label made now: today in UTC (sandbox choice)."""
    return now().date()
