"""The set-based write path: a page of shipments in a constant handful of queries, with every
guarantee of recording them one at a time."""

from __future__ import annotations

import logging
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import Activity, DeliveryNote, Shipment, ShipmentLine, ShippingStatus
from delivery_notes.shipping import NewShipment, record_shipments
from tests.factories import BrandFactory, DeliveryNoteFactory, DeliveryNoteLineFactory

PLATFORM = "shipandco"


def _notes(brand, count: int, *, lines: int = 1) -> list[DeliveryNote]:
    with brand_scope(brand):
        made = []
        for _ in range(count):
            note = DeliveryNoteFactory(brand=brand)
            for _ in range(lines):
                DeliveryNoteLineFactory(note=note, brand=brand, quantity=2)
            made.append(note)
        return made


def _page(notes, prefix: str = "x") -> list[NewShipment]:
    return [
        NewShipment(
            note_id=note.pk,
            platform=PLATFORM,
            external_id=f"{prefix}-{note.pk}",
            carrier="yamato",
            tracking_numbers=(f"{prefix}{note.pk:011d}",),
        )
        for note in notes
    ]


def _queries(brand, notes) -> int:
    with brand_scope(brand), CaptureQueriesContext(connection) as queries:
        recorded = record_shipments(_page(notes))
    assert all(recorded)
    return len(queries)


def test_a_page_costs_the_same_queries_for_3_and_30_shipments(brand):
    few = _queries(brand, _notes(brand, 3))
    many = _queries(brand, _notes(brand, 30, lines=3))
    # notes, known shipments, lines, shipped sums, 3 inserts, 1 update (+ savepoints)
    assert few == many <= 12


def test_a_page_records_lines_activity_and_statuses_like_one_at_a_time(brand):
    (whole, partial) = _notes(brand, 2, lines=2)
    with brand_scope(brand):
        part_line = partial.lines.first()
        record_shipments(
            [
                *_page([whole]),
                NewShipment(
                    note_id=partial.pk,
                    platform=PLATFORM,
                    external_id="part",
                    tracking_numbers=("5001",),
                    lines={part_line.pk: 1},
                ),
            ]
        )
        statuses = dict(DeliveryNote.objects.values_list("pk", "status"))
        shipped = sorted(ShipmentLine.objects.values_list("line_id", "quantity"))
        verbs = sorted(Activity.objects.filter(note=whole).values_list("verb", flat=True))
        search = Shipment.objects.get(external_id="part").tracking_search
        whole_lines = [(line.pk, 2) for line in whole.lines.all()]
    assert statuses == {
        whole.pk: ShippingStatus.SHIPPED,
        partial.pk: ShippingStatus.PARTIALLY_SHIPPED,
    }
    assert shipped == sorted([*whole_lines, (part_line.pk, 1)])
    assert verbs == ["shipment", "status"]
    assert search == "5001"


def test_two_shipments_of_one_note_in_a_page_move_it_step_by_step(brand):
    (note,) = _notes(brand, 1, lines=1)
    with brand_scope(brand):
        line = note.lines.get()
        record_shipments(
            [
                NewShipment(note.pk, PLATFORM, "a", tracking_numbers=("1",), lines={line.pk: 1}),
                NewShipment(note.pk, PLATFORM, "b", tracking_numbers=("2",), lines={line.pk: 5}),
            ]
        )
        moves = list(
            Activity.objects.filter(verb="status").order_by("id").values_list("data", flat=True)
        )
        quantities = sorted(ShipmentLine.objects.values_list("quantity", flat=True))
    assert [m["to"] for m in moves] == ["partially_shipped", "shipped"]
    assert quantities == [1, 1]  # the second never ships beyond what was left


def test_a_page_is_idempotent_by_platform_id_and_by_tracking_number(brand):
    notes = _notes(brand, 3)
    with brand_scope(brand):
        assert all(record_shipments(_page(notes)))
        again = record_shipments(_page(notes))
        # The same label under another id (reported by a second route): one shipment.
        relabelled = record_shipments(
            [
                NewShipment(
                    notes[0].pk, PLATFORM, "other-id", tracking_numbers=(f"x{notes[0].pk:011d}",)
                )
            ]
        )
        assert Shipment.objects.count() == 3
        assert Activity.objects.filter(verb="shipment").count() == 3
    assert again == [None, None, None]
    assert relabelled == [None]


def test_a_note_of_another_brand_is_never_touched(brand):
    other = BrandFactory()
    (foreign,) = _notes(other, 1)
    (own,) = _notes(brand, 1)
    with brand_scope(brand):
        recorded = record_shipments(_page([foreign, own]))
    assert recorded[0] is None and recorded[1] is not None
    with scopes_disabled():
        assert not Shipment.objects.filter(brand=other).exists()
        assert not Activity.objects.filter(brand=other).exists()
        assert DeliveryNote.objects.get(pk=foreign.pk).status == ShippingStatus.UNSHIPPED


@pytest.mark.parametrize("cost", ["NaN", "1e15"])  # no number, or more digits than the column
def test_a_malformed_item_is_logged_and_the_rest_of_the_page_recorded(brand, caplog, cost):
    notes = _notes(brand, 3)
    page = _page(notes)
    bad = NewShipment(notes[1].pk, PLATFORM, "bad", tracking_numbers=("9",), cost=Decimal(cost))
    with brand_scope(brand), caplog.at_level(logging.WARNING):
        recorded = record_shipments([page[0], bad, page[2]])
        assert Shipment.objects.count() == 2
        assert DeliveryNote.objects.get(pk=notes[1].pk).status == ShippingStatus.UNSHIPPED
    assert [bool(r) for r in recorded] == [True, False, True]
    assert "shipment bad of note" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_two_workers_recording_the_same_page_record_each_shipment_once(brand):
    """Real concurrency (PostgreSQL): the second waits on the notes' locks, then sees them."""
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent connections with row locks (PostgreSQL)")
    notes = _notes(brand, 20)
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def worker(name: str, page) -> None:
        try:
            with brand_scope(brand):
                start.wait(5)
                results[name] = record_shipments(page)
        except Exception as exc:
            results[name] = exc
        finally:
            connection.close()

    page = _page(notes)
    threads = [
        threading.Thread(target=worker, args=("a", page)),
        threading.Thread(target=worker, args=("b", list(reversed(page)))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert all(isinstance(results[n], list) for n in "ab"), results
    with scopes_disabled():
        assert Shipment.objects.count() == 20
        assert Activity.objects.filter(verb="shipment").count() == 20
        assert Activity.objects.filter(verb="status").count() == 20
    recorded = sum(1 for n in "ab" for r in results[n] if r is not None)
    assert recorded == 20
