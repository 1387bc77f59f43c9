"""The list's sorting and pages: every order walks all notes once, page by page, at the same
query count on page 1, a deep (keyset) page and the last; counts are capped, not walked."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from brands.scoping import brand_scope
from delivery_notes import paging, selectors
from delivery_notes.models import DeliveryNote, ShippingStatus
from tests.delivery_notes.helpers import brand_url, listed_numbers, make_note

pytestmark = pytest.mark.django_db

STATUSES = list(ShippingStatus.values)


@pytest.fixture
def notes(brand):
    """30 notes whose sort columns tie often (ties are broken by id)."""
    made = []
    for i in range(30):
        made.append(
            make_note(
                brand,
                lines=0,
                number=f"P-{(i * 7) % 30:02d}",
                issue_date=date(2026, 4, 1) + timedelta(days=i % 5),
                recipient_company=["", "Kobe Shop", "Aoba"][i % 3],
                recipient_name=f"Name {i % 4}",
                status=STATUSES[i % len(STATUSES)],
                total_amount=Decimal(i % 6 * 1000),
            )
        )
    return made


def _expected(brand, sort: str) -> list[str]:
    key, descending = paging.parse_sort(sort)
    with brand_scope(brand):
        return list(
            paging.ordered(DeliveryNote.objects.all(), key, descending).values_list(
                "number", flat=True
            )
        )


def _get(client, brand, params: dict):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(brand_url("note_list", brand), params)
    assert response.status_code == 200
    return response, len(queries)


def _page(brand, params: dict, per_page: int = 5):
    """The page the list would show (five rows a page: the list offers 25 and more)."""
    query = QueryDict(mutable=True)
    query.update(params)
    with brand_scope(brand), CaptureQueriesContext(connection) as queries:
        notes = selectors.with_list_details(selectors.filter_notes(query))
        page = paging.note_page(notes, query, per_page)
    return page, len(queries)


def _numbers(page) -> list[str]:
    return [note.number for note in page.object_list]


def _params(href: str) -> dict:
    return dict(parse_qsl(urlsplit(href).query))


@pytest.mark.parametrize(
    "sort",
    [
        "number",
        "-number",
        "issued",
        "-issued",
        "recipient",
        "-recipient",
        "status",
        "-status",
        "total",
        "-total",
    ],
)
def test_each_order_walks_every_note_once_forward_and_back(brand, notes, sort, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 10)  # pages beyond the 2nd are keyset pages
    expected = _expected(brand, sort)
    params, seen, keyset_pages = {"sort": sort}, [], 0
    while True:
        page, _queries = _page(brand, params)
        seen += _numbers(page)
        keyset_pages += page.number is None
        if "next" not in page.links:
            break
        params = _params(page.links["next"])
    assert seen == expected
    assert keyset_pages == 4
    back = []
    while True:
        back = _numbers(page) + back
        if "previous" not in page.links:
            break
        page, _queries = _page(brand, _params(page.links["previous"]))
    assert back == expected


def test_last_is_the_end_of_the_order_and_first_its_start(brand, notes, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 10)
    expected = _expected(brand, "-total")
    page, _q = _page(brand, {"sort": "-total", "page": "last"})
    assert _numbers(page) == expected[-5:]
    assert "next" not in page.links and "last" not in page.links
    page, _q = _page(brand, _params(page.links["first"]))
    assert _numbers(page) == expected[:5]


def test_page_one_a_deep_page_and_the_last_cost_the_same_queries(brand, notes, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 10)
    _page1, first = _page(brand, {})
    _deep, deep = _page(brand, {"after": str(notes[5].pk)})
    _last, last = _page(brand, {"page": "last"})
    # The keyset page reads the row it starts from: one query, whatever its depth.
    assert deep == first + 1
    assert last == first


def test_a_count_above_the_cap_is_shown_as_such(staff_client, brand, notes, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 10)
    response, _q = _get(staff_client, brand, {})
    content = response.content.decode()
    assert "10+ delivery notes" in content
    assert "30 delivery notes" not in content
    assert "Select all notes matching this filter (more than 10)" in content
    page = response.context["page"]
    assert [n for n, _href in page.page_numbers] == [1]
    assert _params(page.links["last"])["page"] == "last"


def test_an_exact_count_numbers_the_pages_and_last_is_a_number(staff_client, brand, notes):
    page, _q = _page(brand, {"page": "3"})
    assert (page.number, page.count) == (3, 30)
    assert [n for n, _href in page.page_numbers] == [1, 2, 3, 4, 5]
    assert _params(page.links["last"])["page"] == "6"
    response, _q = _get(staff_client, brand, {"page": "2"})
    content = response.content.decode()
    assert "30 delivery notes" in content
    assert "First" in content and "Last" in content and 'rel="prev"' in content


def test_sort_headers_link_to_their_order_and_reverse_the_current_one(staff_client, brand, notes):
    response, _q = _get(staff_client, brand, {"sort": "number", "q": "P-"})
    headers = response.context["sort_headers"]
    assert headers["number"].active and headers["number"].toggle == "-number"
    assert headers["issued"].toggle == "-issued"  # dates start newest first
    assert headers["recipient"].toggle == "recipient"
    content = response.content.decode()
    assert 'aria-sort="ascending"' in content
    assert "sort=-number" in content and "q=P-" in content


def test_an_unknown_sort_or_a_vanished_anchor_falls_back_quietly(staff_client, brand, notes):
    response, _q = _get(staff_client, brand, {"sort": "internal_notes"})
    assert listed_numbers(response) == _expected(brand, "-issued")[:25]
    response, _q = _get(staff_client, brand, {"after": "999999999"})
    assert listed_numbers(response) == _expected(brand, "-issued")[:25]
    response, _q = _get(staff_client, brand, {"page": "9999"})
    assert listed_numbers(response) == _expected(brand, "-issued")[25:]
