"""Status changes decide from the status as committed, not from a copy read a moment earlier.

The sync, an export and a person may change one note at once; each reads the note's row under
a lock, so no one overwrites what another just wrote.
"""

from __future__ import annotations

import pytest

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import DeliveryNote, ShipmentLine, ShippingStatus
from delivery_notes.services import NoteNotCancellable, cancel_note, move_notes, record_shipment
from tests.delivery_notes.helpers import brand_url, make_note
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory


def _set_status_elsewhere(note: DeliveryNote, status: str) -> None:
    with scopes_disabled():
        DeliveryNote.objects.filter(pk=note.pk).update(status=status)


def _status(note: DeliveryNote) -> str:
    with scopes_disabled():
        return DeliveryNote.objects.get(pk=note.pk).status


def test_cancelling_a_note_that_shipped_meanwhile_is_refused(brand):
    note = make_note(brand)  # the page loaded it Unshipped
    _set_status_elsewhere(note, ShippingStatus.SHIPPED)  # the sync recorded a shipment
    with brand_scope(brand), pytest.raises(NoteNotCancellable):
        cancel_note(note)
    assert _status(note) == ShippingStatus.SHIPPED


def test_a_shipment_for_a_note_delivered_meanwhile_keeps_it_delivered(brand):
    note = make_note(brand)
    _set_status_elsewhere(note, ShippingStatus.DELIVERED)
    with brand_scope(brand):
        record_shipment(note, carrier="yamato", tracking_numbers=["123412341234"])
    assert _status(note) == ShippingStatus.DELIVERED


def test_move_notes_moves_only_notes_still_in_the_expected_status(brand):
    waiting, shipped = make_note(brand), make_note(brand)
    _set_status_elsewhere(shipped, ShippingStatus.SHIPPED)
    with brand_scope(brand):
        moved = move_notes(
            brand,
            [waiting.pk, shipped.pk],
            from_status=ShippingStatus.UNSHIPPED,
            to_status=ShippingStatus.SHIPPING_REQUESTED,
        )
    assert moved == [waiting.pk]
    assert (_status(waiting), _status(shipped)) == (
        ShippingStatus.SHIPPING_REQUESTED,
        ShippingStatus.SHIPPED,
    )
    with scopes_disabled():
        entries = list(waiting.activities.values_list("verb", "data"))
        assert not shipped.activities.filter(verb="status").exists()
    assert entries == [("status", {"from": "unshipped", "to": "shipping_requested"})]


def test_an_edit_saved_while_the_sync_ships_the_note_keeps_it_shipped(
    staff_client, brand, monkeypatch
):
    from delivery_notes import views
    from tests.delivery_notes.test_note_form import note_data

    note = make_note(brand, number="RACE-1")
    save = views.save_note

    def shipped_meanwhile(*args, **kwargs):
        _set_status_elsewhere(note, ShippingStatus.SHIPPED)
        return save(*args, **kwargs)

    monkeypatch.setattr(views, "save_note", shipped_meanwhile)
    response = staff_client.post(
        brand_url("note_edit", brand, pk=note.pk), note_data("RACE-1", city="大阪市")
    )
    assert response.status_code == 302
    with scopes_disabled():
        note.refresh_from_db()
    assert (note.city, note.status) == ("大阪市", ShippingStatus.SHIPPED)


def test_recording_the_same_goods_twice_never_ships_a_line_beyond_its_quantity(brand):
    with brand_scope(brand):
        note = DeliveryNoteFactory(brand=brand)
        line = DeliveryNoteLineFactory(note=note, brand=brand, quantity=3)
        other_note_line = DeliveryNoteLineFactory(brand=brand, quantity=5)
        record_shipment(note, tracking_numbers=["111"], lines={line.pk: 2})
        # A second person, looking at the same form, records 2 more (and a foreign line id).
        record_shipment(note, tracking_numbers=["222"], lines={line.pk: 2, other_note_line.pk: 5})

        shipped = list(
            ShipmentLine.objects.filter(shipment__note=note).values_list("line_id", "quantity")
        )
        note.refresh_from_db()
    assert sorted(shipped) == [(line.pk, 1), (line.pk, 2)]
    assert note.status == "shipped"
