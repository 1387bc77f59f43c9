"""Reading a platform's whole list of shipments without trusting how it pages.

No platform documents (or was confirmed to keep) its listing's order, its real page-size maximum,
or whether it honours the page parameter and the date filters. This reader gets a complete
listing of everything created since a moment whatever those turn out to be, or raises
`ListingIncomplete` with a reason the settings page shows. The sync runner moves its cursor only
after a complete read, so no shipment is ever skipped for good.

How:
- pages are read until an *empty* page (a short page proves nothing: the real maximum may be
  below what was asked for);
- a page that brings nothing new for its window (the page parameter was ignored, or a page came
  back twice) ends paging of that window. If the window's first page was shorter than the
  largest page the platform has sent in this run, that first page held the whole window.
  Otherwise the window is split in two near the median creation time of what it showed, and
  each half is read the same way: with honoured date filters the halves shrink until each fits in a
  page, whatever the order;
- a window that cannot be narrowed (the platform ignores the date filters too, or more shipments
  share one second than fit in a page) or a read longer than `max_requests` is incomplete.

Every item is handed out once per run, in the order read; re-reading one is harmless anyway
(recording is idempotent).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from integrations.http import PlatformError
from integrations.records import MalformedShipment, PlatformShipment

#: Filter boundaries are unsure (inclusive or exclusive, to the second or the millisecond): a
#: window is widened by this much on each side, and an item this close to a boundary is inside.
MARGIN = timedelta(seconds=1)
#: Requests one run may spend on a listing before it gives up (and fails, cursor unmoved).
MAX_REQUESTS = 1000


class ListingIncomplete(PlatformError):
    """The listing could not be read whole; the message says why (shown on the settings page)."""


@dataclass(frozen=True)
class Window:
    """Shipments created from `after` to `before` (either open)."""

    after: datetime | None
    before: datetime | None = None

    def holds(self, moment: datetime) -> bool:
        return (self.after is None or moment >= self.after - MARGIN) and (
            self.before is None or moment <= self.before + MARGIN
        )


@dataclass(frozen=True)
class Listed:
    """One item as read: its parsed shipment, or why it could not be parsed."""

    raw: Any
    shipment: PlatformShipment | None
    problem: MalformedShipment | None = None


#: (window, page number) -> the items of that page
FetchPage = Callable[[Window, int], Sequence[Any]]


def _content_key(raw: Any) -> str:
    return (
        "raw:" + hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()
    )


def _split_point(times: Iterable[datetime]) -> datetime | None:
    """A moment between two shown creation times, nearest the median, far enough from both that
    each half (widened by MARGIN) leaves at least one of them out; None when there is none."""
    ordered = sorted(set(times))
    middle = len(ordered) // 2
    for offset in range(len(ordered)):
        for k in (middle - offset, middle + offset + 1):
            if 0 < k < len(ordered) and ordered[k] - ordered[k - 1] > 2 * MARGIN:
                return ordered[k - 1] + (ordered[k] - ordered[k - 1]) / 2
    return None


@dataclass
class _Pending:
    window: Window
    parent_keys: frozenset[str] = field(default_factory=frozenset)


class ListingReader:
    """One complete read; iterate `pages()`, which raises ListingIncomplete at the end if needed."""

    def __init__(
        self,
        fetch: FetchPage,
        parse: Callable[[Any], PlatformShipment],
        *,
        platform_name: str,
        first_page: int = 1,
        max_requests: int = MAX_REQUESTS,
    ) -> None:
        self.fetch = fetch
        self.parse = parse
        self.platform_name = platform_name
        self.first_page = first_page
        self.max_requests = max_requests
        self.requests = 0
        self.largest_page = 0  # the platform can send at least this many items in one page
        self._handed_out: set[str] = set()

    def pages(self, since: datetime | None) -> Iterator[list[Listed]]:
        """Batches of items created since `since` (each item once), until the listing is whole."""
        todo = [_Pending(Window(since))]
        while todo:
            pending = todo.pop()
            yield from self._read_window(pending, todo)

    def _read_window(self, pending: _Pending, todo: list[_Pending]) -> Iterator[list[Listed]]:
        window = pending.window
        shown: dict[str, datetime] = {}  # what this window's pages showed inside the window
        seen: set[str] = set()  # everything this window's pages showed
        strays = False  # items outside the window: the date filter was not honoured
        first_len = 0
        number = self.first_page
        while True:
            page = self._fetch(window, number)
            self.largest_page = max(self.largest_page, len(page))
            if number == self.first_page:
                first_len = len(page)
            if not page:
                return  # an empty page: the window has been read to its end
            listed = [self._listed(raw) for raw in page]
            keys = [key for key, _item in listed]
            repeated = number > self.first_page and seen.issuperset(keys)
            seen.update(keys)
            for key, item in listed:
                created = item.shipment.created_at if item.shipment else None
                if created is None:
                    continue
                if window.holds(created):
                    shown[key] = created
                else:
                    strays = True
            fresh = [item for key, item in listed if key not in self._handed_out]
            self._handed_out.update(keys)
            if fresh:
                yield fresh
            if repeated:
                self._narrow(pending, shown, strays, first_len, todo)
                return
            number += 1

    def _narrow(
        self,
        pending: _Pending,
        shown: dict[str, datetime],
        strays: bool,
        first_len: int,
        todo: list[_Pending],
    ) -> None:
        """Paging stopped working in this window: finish it, split it, or give up."""
        if first_len < self.largest_page:
            return  # the first page was not full, so it held the whole window
        keys = frozenset(shown)
        middle = None if strays or keys == pending.parent_keys else _split_point(shown.values())
        if middle is None:
            raise ListingIncomplete(
                _(
                    "%(platform)s returned the same page twice and the list could not be "
                    "narrowed by date, so not every shipment could be read. Nothing was skipped: "
                    "the next sync reads the same period again."
                )
                % {"platform": self.platform_name}
            )
        window = pending.window
        todo.append(_Pending(Window(middle - MARGIN, window.before), keys))
        todo.append(_Pending(Window(window.after, middle + MARGIN), keys))

    def _fetch(self, window: Window, number: int) -> Sequence[Any]:
        self.requests += 1
        if self.requests > self.max_requests:
            raise ListingIncomplete(
                _(
                    "%(platform)s's list of shipments needed more than %(count)d requests; the "
                    "next sync continues from the same point."
                )
                % {"platform": self.platform_name, "count": self.max_requests}
            )
        return self.fetch(window, number)

    def _listed(self, raw: Any) -> tuple[str, Listed]:
        try:
            shipment = self.parse(raw)
        except MalformedShipment as exc:
            key = f"id:{exc.external_id}" if exc.external_id else _content_key(raw)
            return key, Listed(raw, None, exc)
        return f"id:{shipment.external_id}", Listed(raw, shipment)
