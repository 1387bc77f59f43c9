"""ShipStation Custom Store dates: lenient parsing of the export window, UTC formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from integrations.shipstation.custom_store.dates import (
    DateFormatError,
    format_datetime,
    parse_date,
    parse_datetime,
    parse_window,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01/23/2012 17:28", datetime(2012, 1, 23, 17, 28, tzinfo=UTC)),
        ("1/3/2012 7:05", datetime(2012, 1, 3, 7, 5, tzinfo=UTC)),
        ("1/3/2012 7:5", datetime(2012, 1, 3, 7, 5, tzinfo=UTC)),
        ("01/23/2012 17:28:45", datetime(2012, 1, 23, 17, 28, 45, tzinfo=UTC)),
        ("01/23/2012+17:28", datetime(2012, 1, 23, 17, 28, tzinfo=UTC)),
        ("  01/23/2012   17:28 ", datetime(2012, 1, 23, 17, 28, tzinfo=UTC)),
        ("01%2f23%2f2012+17%3a28", datetime(2012, 1, 23, 17, 28, tzinfo=UTC)),
        ("12/8/2011 9:56 PM", datetime(2011, 12, 8, 21, 56, tzinfo=UTC)),
        ("12/8/2011 21:56 PM", datetime(2011, 12, 8, 21, 56, tzinfo=UTC)),
        ("12/8/2011 12:05 AM", datetime(2011, 12, 8, 0, 5, tzinfo=UTC)),
        ("02/29/2024 00:00", datetime(2024, 2, 29, 0, 0, tzinfo=UTC)),
    ],
)
def test_parse_datetime_is_lenient_and_utc(value, expected):
    parsed = parse_datetime(value)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "yesterday",
        "2012-01-23 17:28",
        "2012-01-23T17:28:00Z",
        "13/01/2012 10:00",
        "02/30/2024 10:00",
        "01/23/2012 25:00",
        "01/23/2012 10:61",
        "01/23/12 10:00",
        "01/23/2012",  # the window needs a time
        "01/23/2012 17:28; DROP TABLE",
        "x" * 10_000,
        "０１/２３/２０１２ 17:28",  # full-width digits
        "01/23/2012 ١٧:28",  # Arabic-Indic digits
    ],
)
def test_parse_datetime_rejects_garbage_clearly(value):
    with pytest.raises(DateFormatError) as caught:
        parse_datetime(value)
    message = str(caught.value)
    assert "01/23/2012 17:28" in message or "not a real date" in message
    assert len(message) < 200  # a huge value is not echoed back whole


def test_parse_datetime_rejects_non_strings():
    with pytest.raises(DateFormatError):
        parse_datetime(None)  # type: ignore[arg-type]


def test_parse_date_for_ship_date():
    assert parse_date("11/22/2026") == date(2026, 11, 22)
    assert parse_date("1/2/2026") == date(2026, 1, 2)
    assert parse_date("11/22/2026 01:12") == date(2026, 11, 22)
    with pytest.raises(DateFormatError):
        parse_date("22/11/2026")


def test_format_datetime_converts_japan_time_to_utc():
    ordered = datetime(2026, 11, 20, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert format_datetime(ordered) == "11/20/2026 00:30"
    # Early morning in Japan is the previous day in UTC
    assert format_datetime(datetime(2026, 1, 1, 5, 0, tzinfo=ZoneInfo("Asia/Tokyo"))) == (
        "12/31/2025 20:00"
    )
    assert format_datetime(datetime(2026, 3, 4, 5, 6, 59, tzinfo=UTC)) == "03/04/2026 05:06"
    assert format_datetime(datetime(2026, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-7)))) == (
        "03/04/2026 12:06"
    )


def test_format_datetime_refuses_naive():
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2026, 11, 20, 9, 30))


def test_round_trip():
    assert format_datetime(parse_datetime("11/21/2026 06:02")) == "11/21/2026 06:02"


def test_window_reads_to_the_end_of_its_last_minute():
    window = parse_window("01/23/2012 17:00", "01/23/2012+17:28")
    assert window.start == datetime(2012, 1, 23, 17, 0, tzinfo=UTC)
    assert window.end_exclusive == datetime(2012, 1, 23, 17, 29, tzinfo=UTC)
    modified = datetime(2012, 1, 23, 17, 28, 30, tzinfo=UTC)
    assert window.start <= modified < window.end_exclusive


def test_window_start_after_end_is_refused():
    with pytest.raises(DateFormatError, match="after"):
        parse_window("01/24/2012 00:00", "01/23/2012 17:28")
    with pytest.raises(DateFormatError):
        parse_window("01/23/2012 17:00", "garbage")
