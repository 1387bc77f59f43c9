"""Custom Store dates: `MM/dd/yyyy HH:mm`, always UTC (reference, "What changed").

ShipStation's export window arrives as `start_date=01%2f23%2f2012+17%3a28`; Django has decoded it
by the time it gets here, but parsing stays lenient (single-digit parts, optional seconds, `+` or
several spaces between date and time, a leftover percent-encoding, an AM/PM suffix) because one
unreadable window makes ShipStation's whole import fail. Garbage raises DateFormatError, which the
endpoint turns into a 400 with the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote_plus

_DATE = r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})"
_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2})(?:\.\d{1,7})?)?"
_DATETIME_RE = re.compile(rf"{_DATE}(?:[ T]+{_TIME}(?:\s*(?P<ampm>[AaPp][Mm]))?)?", re.ASCII)
_MAX_SHOWN = 40  # characters of a bad value quoted in an error message


class DateFormatError(ValueError):
    """A date ShipStation (or someone pretending to be it) sent that is not `MM/dd/yyyy HH:mm`."""


@dataclass(frozen=True)
class ExportWindow:
    """An export window as a half-open range: `start <= updated_at < end_exclusive`.

    ShipStation's dates stop at the minute, so `end_exclusive` is the end of the end minute:
    an order modified at 17:28:30 is in a window ending "17:28". An order exported twice is
    harmless (ShipStation updates it by OrderID); one missed is not.
    """

    start: datetime
    end_exclusive: datetime


def _normalise(value: str) -> str:
    if "%" in value:
        value = unquote_plus(value)
    return " ".join(value.replace("+", " ").split())


def _shown(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…")


def parse_datetime(value: str, *, require_time: bool = True) -> datetime:
    """An aware UTC datetime from ShipStation's `MM/dd/yyyy HH:mm` (seconds kept when sent).

    Without a time part the result is midnight, accepted only when `require_time` is False.
    """
    if not isinstance(value, str):
        raise DateFormatError(f"expected a date like 01/23/2012 17:28, got {_shown(value)}")
    match = _DATETIME_RE.fullmatch(_normalise(value))
    if match is None or (require_time and match["hour"] is None):
        raise DateFormatError(f"expected a date like 01/23/2012 17:28, got {_shown(value)}")
    hour = int(match["hour"] or 0)
    ampm = (match["ampm"] or "").lower()
    if hour > 12:
        ampm = ""  # "21:56 PM" occurs in the wild: a 24-hour time with a stray suffix
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        return datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            hour,
            int(match["minute"] or 0),
            int(match["second"] or 0),
            tzinfo=UTC,
        )
    except ValueError as exc:
        raise DateFormatError(f"not a real date or time: {_shown(value)} ({exc})") from None


def parse_date(value: str) -> date:
    """A date from `MM/dd/yyyy` (a ship notice's ShipDate); a time part, if any, is ignored."""
    return parse_datetime(value, require_time=False).date()


def parse_window(start_date: str, end_date: str) -> ExportWindow:
    """The export window from the `start_date` / `end_date` query parameters (UTC)."""
    start = parse_datetime(start_date)
    end = parse_datetime(end_date)
    if start > end:
        raise DateFormatError(
            f"start_date {_shown(start_date)} is after end_date {_shown(end_date)}"
        )
    return ExportWindow(start=start, end_exclusive=end.replace(second=0) + timedelta(minutes=1))


def format_datetime(value: datetime) -> str:
    """`MM/dd/yyyy HH:mm` in UTC. A naive datetime is refused: its zone would be a guess."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a naive datetime has no known zone; pass an aware one")
    utc = value.astimezone(UTC)
    return f"{utc.month:02d}/{utc.day:02d}/{utc.year:04d} {utc.hour:02d}:{utc.minute:02d}"
