"""Activity entries read in the reader's language, whoever wrote them in whichever language."""

from __future__ import annotations

from django.utils import translation

from brands.scoping import brand_scope
from delivery_notes.activity import describe
from delivery_notes.models import Activity, ShippingStatus
from delivery_notes.services import change_status, log_activity, record_shipment
from integrations.shipandco import SHIPANDCO
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory


def test_status_and_shipment_entries_follow_the_readers_language(brand):
    with brand_scope(brand):
        note = DeliveryNoteFactory(brand=brand)
        DeliveryNoteLineFactory(note=note, brand=brand)
        with translation.override("en"):  # written by an English-speaking worker
            record_shipment(
                note,
                platform=SHIPANDCO,
                external_id="s-1",
                carrier="yamato",
                tracking_numbers=["123412341234"],
            )
        shipment, status = (
            Activity.objects.get(note=note, verb="shipment"),
            Activity.objects.get(note=note, verb="status"),
        )

    with translation.override("en"):
        assert describe(status) == "Status changed from Unshipped to Shipped"
        assert describe(shipment) == "Shipment recorded: Yamato Transport 123412341234"
    with translation.override("ja"):
        assert "出荷済み" in describe(status)
        assert "Unshipped" not in describe(status)
        assert "123412341234" in describe(shipment)


def test_unknown_verbs_and_old_rows_fall_back_to_the_stored_message(brand):
    with brand_scope(brand):
        note = DeliveryNoteFactory(brand=brand)
        custom = log_activity(note, "label_printed", "Label printed at the warehouse")
        old = log_activity(note, "status", "Status changed long ago", data={})
        change_status(note, ShippingStatus.CANCELLED)

    assert describe(custom) == "Label printed at the warehouse"
    assert describe(old) == "Status changed long ago"
