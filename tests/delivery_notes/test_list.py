from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes import selectors
from delivery_notes.models import DeliveryNote, ShippingStatus
from delivery_notes.selectors import filter_notes, selected_notes
from integrations.shipandco import SHIPANDCO
from tests.delivery_notes.helpers import brand_url, listed_numbers, make_note, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(brand):
    note = make_note(
        brand,
        number="DN-TARGET-1",
        recipient_company="Kobe Select Shop",
        recipient_name="Hanako Sato",
        order_reference="PO-ZEBRA-9",
        total_amount=7000,
    )
    ship(note, carrier="yamato", tracking_numbers=["4444-1375-8703"])
    return note


@pytest.fixture
def other(brand):
    note = make_note(
        brand,
        number="DN-OTHER-2",
        recipient_company="Osaka Store",
        recipient_name="Jiro Tanaka",
        order_reference="PO-LION-1",
    )
    ship(note, carrier="sagawa", tracking_numbers=["512547514334"])
    return note


@pytest.mark.parametrize(
    "q",
    ["target-1", "kobe select", "hanako", "zebra", "1375-8703", "4444-1375-8703"],
    ids=["number", "company", "name", "order_reference", "tracking_part", "tracking_full"],
)
def test_search_by_each_field(staff_client, brand, target, other, q):
    response = staff_client.get(brand_url("note_list", brand), {"q": q})
    assert listed_numbers(response) == ["DN-TARGET-1"]


def test_search_finds_tracking_number_of_any_shipment(staff_client, brand, other):
    note = make_note(brand, number="DN-MULTI", lines=2)
    with scopes_disabled():
        first, second = note.lines.all()
    ship(note, carrier="dhl", tracking_numbers=["1111111111"], lines={first.pk: 2})
    ship(note, carrier="dhl", tracking_numbers=["2222222222", "3333333333"], lines={second.pk: 1})
    response = staff_client.get(brand_url("note_list", brand), {"q": "3333333333"})
    assert listed_numbers(response) == ["DN-MULTI"]


@pytest.mark.parametrize("read_first", [100, 2], ids=["matches-read-first", "too-many-matches"])
def test_search_finds_the_same_notes_whether_its_matches_fit_the_first_read(
    staff_client, brand, other_brand, target, other, monkeypatch, read_first
):
    """A search's matches are read by id when they are few, and otherwise become a condition on
    each row; both forms list the same notes, and never another brand's."""
    monkeypatch.setattr(selectors, "SEARCH_IDS", read_first)
    for number, company in [("DN-SHOP-3", "Nara Shop"), ("DN-SHOP-4", "Kyoto shop")]:
        make_note(brand, number=number, recipient_company=company)
    make_note(other_brand, number="DN-SHOP-X", recipient_company="Other brand's shop")
    ship(make_note(brand, number="DN-TRACKED-5"), carrier="dhl", tracking_numbers=["SHOP-77"])

    response = staff_client.get(brand_url("note_list", brand), {"q": "shop", "sort": "number"})

    assert listed_numbers(response) == ["DN-SHOP-3", "DN-SHOP-4", "DN-TARGET-1", "DN-TRACKED-5"]
    assert response.context["page"].count == 4


def test_filters_by_status_and_issue_date(staff_client, brand):
    make_note(brand, number="OLD", issue_date=date(2025, 1, 10))
    make_note(brand, number="MID", issue_date=date(2025, 2, 10))
    make_note(brand, number="MID-CANCELLED", issue_date=date(2025, 2, 11), status="cancelled")
    make_note(brand, number="NEW", issue_date=date(2025, 3, 10))
    url = brand_url("note_list", brand)

    response = staff_client.get(url, {"issued_from": "2025-02-01", "issued_to": "2025-02-28"})
    assert listed_numbers(response) == ["MID-CANCELLED", "MID"]

    response = staff_client.get(url, {"status": "cancelled"})
    assert listed_numbers(response) == ["MID-CANCELLED"]

    response = staff_client.get(
        url, {"status": ["unshipped", "cancelled"], "issued_to": "2025-02-10"}
    )
    assert listed_numbers(response) == ["MID", "OLD"]


def test_filters_by_platform(staff_client, brand):
    by_shipandco = make_note(brand, number="VIA-SHIPANDCO")
    ship(by_shipandco, platform=SHIPANDCO, external_id="s-1", carrier="yamato")
    by_hand = make_note(brand, number="BY-HAND")
    ship(by_hand, carrier="sagawa")
    make_note(brand, number="NOT-SHIPPED")
    url = brand_url("note_list", brand)

    assert listed_numbers(staff_client.get(url, {"platform": "shipandco"})) == ["VIA-SHIPANDCO"]
    assert listed_numbers(staff_client.get(url, {"platform": "shipstation"})) == []
    hakobu = listed_numbers(staff_client.get(url, {"platform": "hakobu"}))
    assert sorted(hakobu) == ["BY-HAND", "NOT-SHIPPED"]


def test_invalid_filter_values_are_ignored(staff_client, brand, target):
    response = staff_client.get(
        brand_url("note_list", brand), {"status": "bogus", "issued_from": "yesterday"}
    )
    assert response.status_code == 200
    assert listed_numbers(response) == ["DN-TARGET-1"]


def test_list_shows_only_this_brands_notes(staff_client, brand, other_brand, target):
    make_note(other_brand, number="DN-TARGET-B")
    response = staff_client.get(brand_url("note_list", brand), {"q": "DN-TARGET"})
    assert listed_numbers(response) == ["DN-TARGET-1"]


def test_row_shows_tracking_link_status_and_total(staff_client, brand, target):
    content = staff_client.get(brand_url("note_list", brand)).content.decode()
    assert (
        "https://jizen.kuronekoyamato.co.jp/jizen/servlet/crjz.b.NQ0010?id=4444-1375-8703"
        in content
    )
    assert "Shipped" in content
    assert "7,000 JPY" in content
    assert 'name="selected"' in content and 'name="all_matching"' in content


def _populate(brand, count: int) -> None:
    for index in range(count):
        note = make_note(brand, number=f"BULK-{index:03d}", lines=2)
        ship(note, carrier="yamato", tracking_numbers=[f"1000{index:08d}"])


def _list_queries(client, brand, per_page: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(brand_url("note_list", brand), {"per_page": per_page, "q": "BULK"})
    assert response.status_code == 200
    return len(queries), len(response.context["page"].object_list)


def test_list_query_count_does_not_grow_with_page_size(staff_client, brand):
    _populate(brand, 55)
    small_queries, small_rows = _list_queries(staff_client, brand, 25)
    large_queries, large_rows = _list_queries(staff_client, brand, 50)
    assert (small_rows, large_rows) == (25, 50)
    assert small_queries == large_queries


def test_selected_notes_by_ids_or_all_matching(brand, other_brand):
    a = make_note(brand, number="SEL-A", status=ShippingStatus.UNSHIPPED)
    b = make_note(brand, number="SEL-B", status=ShippingStatus.CANCELLED)
    make_note(brand, number="SEL-C", status=ShippingStatus.CANCELLED)
    foreign = make_note(other_brand, number="SEL-FOREIGN")
    with brand_scope(brand):
        chosen = QueryDict(mutable=True)
        chosen.setlist("selected", [str(a.pk), str(b.pk), str(foreign.pk), "junk"])
        assert sorted(n.number for n in selected_notes(chosen)) == ["SEL-A", "SEL-B"]

        everything = QueryDict(mutable=True)
        everything.update({"all_matching": "1", "query": "q=SEL&status=cancelled"})
        everything.setlist("selected", [str(a.pk)])
        assert sorted(n.number for n in selected_notes(everything)) == ["SEL-B", "SEL-C"]
        assert list(filter_notes(QueryDict("q=SEL-FOREIGN"))) == []


def test_bulk_cancel_cancels_open_notes_and_skips_shipped(staff_client, brand):
    open_note = make_note(brand, number="BC-OPEN")
    shipped = make_note(brand, number="BC-SHIPPED")
    ship(shipped, carrier="yamato")
    response = staff_client.post(
        brand_url("note_bulk_cancel", brand),
        {"selected": [open_note.pk, shipped.pk], "query": "q=BC"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?q=BC")
    with scopes_disabled():
        statuses = dict(DeliveryNote.objects.values_list("number", "status"))
        assert statuses == {"BC-OPEN": "cancelled", "BC-SHIPPED": "shipped"}
        assert open_note.activities.filter(verb="status", data__to="cancelled").exists()


def test_bulk_cancel_all_matching(staff_client, brand):
    make_note(brand, number="AM-1", order_reference="PO-BATCH")
    make_note(brand, number="AM-2", order_reference="PO-BATCH")
    make_note(brand, number="AM-3", order_reference="PO-OTHER")
    staff_client.post(
        brand_url("note_bulk_cancel", brand), {"all_matching": "1", "query": "q=PO-BATCH"}
    )
    with scopes_disabled():
        cancelled = set(
            DeliveryNote.objects.filter(status="cancelled").values_list("number", flat=True)
        )
    assert cancelled == {"AM-1", "AM-2"}


def test_viewer_cannot_bulk_cancel(viewer_client, brand):
    note = make_note(brand)
    response = viewer_client.post(brand_url("note_bulk_cancel", brand), {"selected": [note.pk]})
    assert response.status_code == 403


def test_a_search_leaves_the_connection_settings_as_it_found_them(staff_client, brand, target):
    """The read of a search's matches is planned without parallel workers, for that query only."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        before = cursor.fetchone()[0]
    response = staff_client.get(brand_url("note_list", brand), {"q": "zebra"})
    assert listed_numbers(response) == ["DN-TARGET-1"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == before
