"""The dashboard's notes per status: the PostgreSQL tally agrees with counting the notes."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.db.models import Count

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes import selectors, status_tally
from delivery_notes.bulk import move_notes_in
from delivery_notes.models import DeliveryNote, ShippingStatus, StatusTally
from delivery_notes.shipping import NewShipment, record_shipments
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory

needs_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the tally's triggers are PostgreSQL's"
)


def counted(brand) -> dict[str, int]:
    with scopes_disabled():
        notes = DeliveryNote.objects.filter(brand=brand).order_by()
        return dict(notes.values_list("status").annotate(n=Count("*")))


def tallied(brand) -> dict[str, int]:
    with brand_scope(brand):
        return status_tally.counts()


def test_dashboard_counts_match_the_notes_on_every_database(brand, other_brand):
    DeliveryNoteFactory.create_batch(3, brand=brand)
    DeliveryNoteFactory(brand=brand, status=ShippingStatus.SHIPPED)
    DeliveryNoteFactory(brand=other_brand)

    with brand_scope(brand):
        counts = {item.status: item.count for item in selectors.status_counts()}

    assert counts[ShippingStatus.UNSHIPPED] == 3
    assert counts[ShippingStatus.SHIPPED] == 1
    assert counts[ShippingStatus.CANCELLED] == 0


@needs_postgresql
def test_every_write_path_keeps_the_tally_equal_to_counting(brand, other_brand):
    notes = DeliveryNoteFactory.create_batch(6, brand=brand)
    for note in notes:
        DeliveryNoteLineFactory(note=note, quantity=1)
    DeliveryNoteFactory.create_batch(2, brand=other_brand)
    with brand_scope(brand):
        # bulk SQL (the export's move), the set-based shipment path, an ORM save, a delete
        move_notes_in(
            brand,
            DeliveryNote.objects.filter(pk__in=[n.pk for n in notes[:4]]).values("pk"),
            from_status=ShippingStatus.UNSHIPPED,
            to_status=ShippingStatus.SHIPPING_REQUESTED,
        )
        record_shipments([NewShipment(n.pk, external_id=f"s{n.pk}") for n in notes[:2]])
        note = DeliveryNote.objects.get(pk=notes[4].pk)
        note.status = ShippingStatus.CANCELLED
        note.save()
        note.recipient_name = "edited, status unchanged"
        note.save()
        DeliveryNote.objects.filter(pk=notes[5].pk).delete()

    assert (
        tallied(brand)
        == counted(brand)
        == {
            ShippingStatus.SHIPPED: 2,
            ShippingStatus.SHIPPING_REQUESTED: 2,
            ShippingStatus.CANCELLED: 1,
        }
    )
    assert tallied(other_brand) == counted(other_brand) == {ShippingStatus.UNSHIPPED: 2}


@needs_postgresql
def test_fold_sums_the_rows_and_drops_brands_that_are_gone(brand, other_brand):
    notes = DeliveryNoteFactory.create_batch(4, brand=brand)
    DeliveryNoteFactory(brand=other_brand)
    gone = other_brand.pk
    with scopes_disabled():
        for note in notes:
            DeliveryNote.objects.filter(pk=note.pk).update(status=ShippingStatus.SHIPPED)
        other_brand.delete()
        rows_before = StatusTally.objects.filter(brand_id=brand.pk).count()

    status_tally.fold()

    with scopes_disabled():
        assert rows_before > 1
        assert StatusTally.objects.filter(brand_id=brand.pk).count() == 1
        assert not StatusTally.objects.filter(brand_id=gone).exists()
    assert tallied(brand) == counted(brand) == {ShippingStatus.SHIPPED: 4}


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_brand_never_wait_on_the_tally(brand):
    """Each writer only inserts tally rows: the second commits while the first's transaction,
    which changed the same brand's counts, is still open."""
    first, second = DeliveryNoteFactory.create_batch(2, brand=brand)
    moved_first = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def hold_a_transaction() -> None:
        try:
            with brand_scope(brand), transaction.atomic():
                DeliveryNote.objects.filter(pk=first.pk).update(status=ShippingStatus.SHIPPED)
                moved_first.set()
                release.wait(10)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_a_transaction)
    holder.start()
    try:
        assert moved_first.wait(10)
        with brand_scope(brand), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            DeliveryNote.objects.filter(pk=second.pk).update(status=ShippingStatus.SHIPPED)
    finally:
        release.set()
        holder.join(10)
    assert not errors
    status_tally.fold()  # and folding with nothing open changes no count
    assert tallied(brand) == counted(brand) == {ShippingStatus.SHIPPED: 2}
