"""The note list's sorting and pages, at a cost that does not grow with the brand.

- Sorting: by number, issue date, recipient, status or total, each served by an index on
  (brand, column…, id), ascending or descending; the id breaks ties so every order is total.
- Counting: at most `COUNT_CAP` + 1 rows are counted; above that the list says "1,000+" rather
  than walking a brand of 200,000 notes for an exact figure.
- Pages: the first pages are numbered (an OFFSET over at most `COUNT_CAP` rows); beyond them, and
  for First/Last, pages are keyset seeks from a row (`after`/`before` = that row's id), which
  cost what page 1 costs however deep they are. "Last" is the first page of the reversed order.

Every page costs the same few queries: the count, the rows, their shipments (and, on a keyset
page, the row it starts from; with a search, the read of its matches, see `selectors._search`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from delivery_notes.models import DeliveryNote

#: Rows counted at most: a count above it is shown as "1,000+".
COUNT_CAP = 1000
#: Numbered pages shown around the current one.
PAGE_WINDOW = 2

#: Sort key (the `sort` parameter, "-" for descending) -> the columns, id appended.
SORTS: dict[str, tuple[tuple[str, ...], str]] = {
    "number": (("number",), _("Number")),
    "issued": (("issue_date",), _("Issue date")),
    "recipient": (("recipient_company", "recipient_name"), _("Recipient")),
    "status": (("status",), _("Status")),
    "total": (("total_amount",), _("Total")),
}
DEFAULT_SORT = "-issued"


def parse_sort(value: str | None) -> tuple[str, bool]:
    """(key, descending) for a `sort` parameter; anything unknown is the default order."""
    value = value or DEFAULT_SORT
    key = value.removeprefix("-")
    if key not in SORTS:
        return parse_sort(DEFAULT_SORT)
    return key, value.startswith("-")


def _columns(key: str) -> tuple[str, ...]:
    return (*SORTS[key][0], "id")


def ordered(notes: QuerySet[DeliveryNote], key: str, descending: bool) -> QuerySet[DeliveryNote]:
    sign = "-" if descending else ""
    return notes.order_by(*(f"{sign}{column}" for column in _columns(key)))


def _beyond(columns: Sequence[str], values: Sequence, descending: bool) -> Q:
    """Rows strictly after `values` in the order (lexicographic), with a range bound on the
    first column so the index scan starts at the row instead of filtering from the top."""
    op = "lt" if descending else "gt"
    bound = Q(**{f"{columns[0]}__{op}e": values[0]})
    steps = [
        Q(**dict(zip(columns[:i], values[:i], strict=True)), **{f"{columns[i]}__{op}": values[i]})
        for i in range(len(columns))
    ]
    return bound & reduce(or_, steps)


@dataclass
class NotePage:
    """One page of the list, shaped like Django's Page for the template (`page.paginator.*`)."""

    object_list: list[DeliveryNote]
    per_page: int
    count: int  # exact up to COUNT_CAP; COUNT_CAP + 1 means "more"
    number: int | None  # None on a keyset page (its number is not known without counting)
    sort: str
    has_previous: bool
    has_next: bool
    links: dict[str, str] = field(default_factory=dict)
    page_numbers: list[tuple[int, str]] = field(default_factory=list)

    def __iter__(self) -> Iterator[DeliveryNote]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def paginator(self) -> NotePage:
        return self

    @property
    def count_exact(self) -> bool:
        return self.count <= COUNT_CAP

    @property
    def count_cap(self) -> int:
        return COUNT_CAP

    @property
    def num_pages(self) -> int:
        """Pages the count knows of (the numbered ones when the count is capped)."""
        return max(1, math.ceil(min(self.count, COUNT_CAP) / self.per_page))

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next


def _page_param(value: str | None) -> int | str:
    if value == "last":
        return "last"
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def note_page(notes: QuerySet[DeliveryNote], params: QueryDict, per_page: int) -> NotePage:
    """The page of `notes` the list's parameters ask for (`sort`, `page`, `after`, `before`)."""
    key, descending = parse_sort(params.get("sort"))
    sort = f"{'-' if descending else ''}{key}"
    count = notes.order_by()[: COUNT_CAP + 1].count()
    columns = _columns(key)
    anchor_id, backwards = None, False
    for name in ("after", "before"):
        if (value := params.get(name, "")).isdigit():
            anchor_id, backwards = int(value), name == "before"
    page = _page_param(params.get("page"))
    last_page = math.ceil(count / per_page) if count <= COUNT_CAP else None
    if page == "last" and last_page is not None:
        page = max(1, last_page)
    number: int | None = None
    if anchor_id is not None:
        anchor = notes.filter(pk=anchor_id).values_list(*columns).first()
        if anchor is None:  # the row is gone (or never was): start again at page 1
            anchor_id, number = None, 1
        else:
            direction = descending != backwards
            rows = list(
                ordered(notes.filter(_beyond(columns, anchor, direction)), key, direction)[
                    : per_page + 1
                ]
            )
    if page == "last" and anchor_id is None:
        rows = list(ordered(notes, key, not descending)[: per_page + 1])
        backwards = True
        extra = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        has_previous, has_next = extra, False
    elif anchor_id is not None:
        extra = len(rows) > per_page
        rows = rows[:per_page]
        if backwards:
            rows.reverse()
            has_previous, has_next = extra, True
        else:
            has_previous, has_next = True, extra
    else:
        number = number or int(page)
        if (number - 1) * per_page >= min(count, COUNT_CAP) and number > 1:
            number = max(1, math.ceil(min(count, COUNT_CAP) / per_page))
        offset = (number - 1) * per_page
        rows = list(ordered(notes, key, descending)[offset : offset + per_page + 1])
        has_previous, has_next = number > 1, len(rows) > per_page
        rows = rows[:per_page]
    result = NotePage(
        object_list=rows,
        per_page=per_page,
        count=count,
        number=number,
        sort=sort,
        has_previous=has_previous,
        has_next=has_next,
    )
    result.links = _links(result, params, last_page)
    if number is not None:
        last_numbered = result.num_pages
        result.page_numbers = [
            (n, _href(params, page=str(n)))
            for n in range(
                max(1, number - PAGE_WINDOW), min(last_numbered, number + PAGE_WINDOW) + 1
            )
        ]
    return result


def _href(params: QueryDict, **changes: str | None) -> str:
    query = params.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    for name, value in changes.items():
        if value is not None:
            query[name] = value
    return f"?{query.urlencode()}"


def _links(page: NotePage, params: QueryDict, last_page: int | None) -> dict[str, str]:
    """The hrefs of First / Previous / Next / Last, and of each numbered page."""
    links: dict[str, str] = {}
    if page.has_previous:
        links["first"] = _href(params)
        if page.number is not None:
            links["previous"] = _href(params, page=str(page.number - 1))
        else:
            links["previous"] = _href(params, before=str(page.object_list[0].pk))
    if page.has_next:
        if page.number is not None and page.number < page.num_pages:
            links["next"] = _href(params, page=str(page.number + 1))
        else:
            links["next"] = _href(params, after=str(page.object_list[-1].pk))
        links["last"] = _href(params, page=str(last_page) if last_page else "last")
    return links


@dataclass(frozen=True)
class SortHeader:
    key: str
    label: str
    active: bool
    descending: bool
    toggle: str  # the `sort` value its link sets


def sort_headers(sort: str) -> dict[str, SortHeader]:
    """Each sortable column's header: a link to sort by it (or reverse it when it is the order)."""
    key, descending = parse_sort(sort)
    headers = {}
    for name, (_columns, label) in SORTS.items():
        active = name == key
        # A first click sorts dates and totals newest/largest first, text A to Z.
        first_descending = name in ("issued", "total")
        toggle_descending = not descending if active else first_descending
        headers[name] = SortHeader(
            key=name,
            label=str(label),
            active=active,
            descending=descending if active else False,
            toggle=f"{'-' if toggle_descending else ''}{name}",
        )
    return headers
