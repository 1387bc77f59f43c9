"""The listing reader reads every shipment whatever the platform's order and paging, or says why not.

An in-memory platform stands for the unknowns: the order of its list, its real page-size
maximum, whether it honours the page parameter and the date filters, and a page served twice.
(tests/integrations/test_sync_listing_behaviours.py runs the same behaviours over HTTP against
the sandbox, through the whole sync.)
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from integrations.listing import ListingIncomplete, ListingReader, Window
from integrations.records import MalformedShipment, PlatformShipment

START = datetime(2026, 10, 1, tzinfo=UTC)
ASKED = 100  # what the reader's client asks for as `limit`


def item(n: int, *, created: datetime | None = None) -> dict:
    return {"id": f"s{n:04d}", "created_at": created or START + timedelta(minutes=7 * n)}


def parse(raw: dict) -> PlatformShipment:
    if "id" not in raw:
        raise MalformedShipment("no id")
    return PlatformShipment(
        external_id=raw["id"],
        reference="",
        carrier="",
        service="",
        tracking_numbers=("1",),
        ship_date=None,
        cancelled=False,
        created_at=raw["created_at"],
    )


class Platform:
    """A listing with the behaviours no reference could confirm."""

    def __init__(
        self,
        items: list[dict],
        *,
        order: str = "asc",
        max_limit: int = 250,
        ignore_page: bool = False,
        ignore_dates: bool = False,
        repeat_page: int | None = None,
    ) -> None:
        self.items = items
        self.order = order
        self.max_limit = max_limit
        self.ignore_page = ignore_page
        self.ignore_dates = ignore_dates
        self.repeat_page = repeat_page
        self.calls = 0

    def fetch(self, window: Window, page: int) -> list[dict]:
        self.calls += 1
        rows = list(self.items)
        if not self.ignore_dates:
            if window.after is not None:
                rows = [r for r in rows if r["created_at"] >= window.after]
            if window.before is not None:
                rows = [r for r in rows if r["created_at"] <= window.before]
        if self.order == "asc":
            rows.sort(key=lambda r: (r["created_at"], r.get("id", "")))
        elif self.order == "desc":
            rows.sort(key=lambda r: (r["created_at"], r.get("id", "")), reverse=True)
        else:
            rows.sort(key=lambda r: hashlib.sha256(r.get("id", "").encode()).hexdigest())
        if self.ignore_page:
            page = 1
        if self.repeat_page is not None and page == self.repeat_page + 1:
            page = self.repeat_page
        size = min(ASKED, self.max_limit)
        return rows[(page - 1) * size : page * size]


def read_all(platform: Platform, since: datetime | None = START - timedelta(days=1)) -> Counter:
    reader = ListingReader(platform.fetch, parse, platform_name="Platform")
    handed = Counter()
    for batch in reader.pages(since):
        handed.update(listed.raw["id"] for listed in batch)
    return handed


def assert_whole(handed: Counter, items: list[dict]) -> None:
    lost = {i["id"] for i in items} - set(handed)
    duplicated = [key for key, times in handed.items() if times > 1]
    assert (len(lost), duplicated) == (0, [])


@pytest.mark.parametrize("order", ["asc", "desc", "unordered"])
@pytest.mark.parametrize("max_limit", [20, 100, 250])
@pytest.mark.parametrize("ignore_page", [False, True])
def test_every_shipment_is_read_once_whatever_the_order_and_paging(order, max_limit, ignore_page):
    items = [item(n) for n in range(300)]
    platform = Platform(items, order=order, max_limit=max_limit, ignore_page=ignore_page)
    assert_whole(read_all(platform), items)


@pytest.mark.parametrize("order", ["asc", "desc", "unordered"])
def test_a_page_served_twice_does_not_end_the_listing(order):
    items = [item(n) for n in range(250)]
    platform = Platform(items, order=order, max_limit=50, repeat_page=2)
    assert_whole(read_all(platform), items)


def test_a_page_below_the_real_maximum_is_not_taken_for_the_last_page():
    items = [item(n) for n in range(300)]
    platform = Platform(items, max_limit=20)
    assert_whole(read_all(platform), items)
    assert platform.calls == 16  # 15 pages of 20, then the empty page that proves the end


def test_honoured_paging_costs_one_empty_page_more():
    items = [item(n) for n in range(30)]
    platform = Platform(items)
    assert_whole(read_all(platform), items)
    assert platform.calls == 2


def test_a_small_listing_on_a_platform_ignoring_the_page_is_read_whole():
    items = [item(n) for n in range(5)]
    platform = Platform(items, ignore_page=True)
    assert_whole(read_all(platform), items)


def test_ignoring_both_page_and_dates_fails_with_a_reason_after_handing_out_what_it_read():
    items = [item(n) for n in range(300)]
    platform = Platform(items, max_limit=50, ignore_page=True, ignore_dates=True)
    reader = ListingReader(platform.fetch, parse, platform_name="Platform")
    handed = []
    with pytest.raises(ListingIncomplete, match="returned the same page twice"):
        for batch in reader.pages(START):
            handed.extend(batch)
    assert len(handed) == 50


def test_more_shipments_in_one_second_than_fit_a_page_cannot_be_narrowed():
    moment = START + timedelta(days=1)
    items = [item(n, created=moment) for n in range(120)]
    platform = Platform(items, max_limit=50, ignore_page=True)
    with pytest.raises(ListingIncomplete):
        read_all(platform)


def test_a_listing_that_never_ends_stops_at_the_request_budget():
    def endless(window: Window, page: int) -> list[dict]:
        return [item(page * 1000 + n) for n in range(10)]

    reader = ListingReader(endless, parse, platform_name="Platform", max_requests=30)
    with pytest.raises(ListingIncomplete, match="more than 30 requests"):
        for _batch in reader.pages(START):
            pass


def test_an_unreadable_item_is_handed_out_once_with_its_problem():
    items = [item(1), {"created_at": START + timedelta(minutes=3)}, item(2)]
    platform = Platform(items, ignore_page=True)
    handed = [
        listed
        for batch in ListingReader(platform.fetch, parse, platform_name="P").pages(None)
        for listed in batch
    ]
    assert [bool(listed.problem) for listed in handed].count(True) == 1
    assert len(handed) == 3


def test_items_outside_an_ignored_date_filter_do_not_stop_a_honoured_paging():
    old = [item(n, created=START - timedelta(days=30, minutes=n)) for n in range(10)]
    new = [item(100 + n) for n in range(40)]
    platform = Platform(old + new, max_limit=20, ignore_dates=True)
    assert_whole(read_all(platform), old + new)
