"""The export's cost does not grow note by note: queries, and memory (thousands of notes go to a
worker)."""

from __future__ import annotations

import gc
import weakref

from django.db import connection
from django.test.utils import CaptureQueriesContext

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import Activity, DeliveryNote, ShippingStatus
from integrations.shipandco import export as services
from integrations.shipandco.models import CsvExport
from tests.integrations.shipandco.test_export_csv import note_with_lines


def _export_queries(brand, user, count: int, prefix: str) -> tuple[int, CsvExport]:
    with scopes_disabled():
        notes = [note_with_lines(brand, lines=2, number=f"{prefix}-{i}") for i in range(count)]
    with brand_scope(brand):
        export = services.create_export(
            brand=brand,
            user=user,
            notes=DeliveryNote.objects.filter(pk__in=[n.pk for n in notes]),
            encoding=CsvExport.Encoding.UTF8,
        )
        with CaptureQueriesContext(connection) as queries:
            finished = services.run_export(export.pk)
    return len(queries), finished


def test_export_queries_do_not_grow_with_the_number_of_notes(brand, staff_member):
    few, _ = _export_queries(brand, staff_member.user, 3, "FEW")
    many, export = _export_queries(brand, staff_member.user, 40, "MANY")
    assert many == few
    assert export.exported_notes == 40
    with scopes_disabled():
        exported = DeliveryNote.objects.filter(number__startswith="MANY-")
        assert {n.status for n in exported} == {ShippingStatus.SHIPPING_REQUESTED}
        assert Activity.objects.filter(note__in=exported, verb="status").count() == 40
        assert Activity.objects.filter(note__in=exported, verb=services.ACTIVITY_VERB).count() == 40


def test_written_notes_are_freed_at_once_not_by_the_garbage_collector(
    brand, staff_member, monkeypatch
):
    """A note kept alive by a reference cycle until a full collection makes memory grow with
    the export; each note must be freed as soon as its rows are written."""
    alive = []
    select = services._selected_notes

    def tracked(export):
        for note in select(export):
            alive.append(weakref.ref(note))
            yield note

    monkeypatch.setattr(services, "_selected_notes", tracked)
    with scopes_disabled():
        notes = [note_with_lines(brand, lines=2, number=f"GC-{i}") for i in range(5)]
    gc.disable()
    try:
        with brand_scope(brand):
            export = services.create_export(
                brand=brand,
                user=staff_member.user,
                notes=DeliveryNote.objects.filter(pk__in=[n.pk for n in notes]),
                encoding=CsvExport.Encoding.UTF8,
            )
            assert services.run_export(export.pk).exported_notes == 5
        still_alive = [ref() for ref in alive if ref() is not None]
    finally:
        gc.enable()
    assert len(alive) == 5
    assert still_alive == []


def test_a_note_shipped_while_the_file_was_written_keeps_its_status(
    brand, other_brand, staff_member, monkeypatch
):
    """The notes move in one set-based statement that re-checks each status under its lock:
    one shipped meanwhile stays Shipped and gets no status entry; no other brand is touched."""
    with scopes_disabled():
        first, second = (note_with_lines(brand, number=f"RACE-{i}") for i in range(2))
        foreign = note_with_lines(other_brand, number="RACE-0")
    write = services._write_rows

    def shipped_meanwhile(*args, **kwargs):
        outcome = write(*args, **kwargs)
        with scopes_disabled():
            DeliveryNote.objects.filter(pk=second.pk).update(status=ShippingStatus.SHIPPED)
        return outcome

    monkeypatch.setattr(services, "_write_rows", shipped_meanwhile)
    with brand_scope(brand):
        export = services.create_export(
            brand=brand,
            user=staff_member.user,
            notes=DeliveryNote.objects.filter(pk__in=[first.pk, second.pk]),
            encoding=CsvExport.Encoding.UTF8,
        )
        assert services.run_export(export.pk).exported_notes == 2
    with scopes_disabled():
        statuses = dict(DeliveryNote.objects.values_list("pk", "status"))
        moves = list(Activity.objects.filter(verb="status").values_list("note_id", flat=True))
        exported = Activity.objects.filter(verb=services.ACTIVITY_VERB)
        assert sorted(exported.values_list("note_id", flat=True)) == [first.pk, second.pk]
        assert {a.brand_id for a in exported} == {brand.pk}
    assert statuses == {
        first.pk: ShippingStatus.SHIPPING_REQUESTED,
        second.pk: ShippingStatus.SHIPPED,
        foreign.pk: ShippingStatus.UNSHIPPED,
    }
    assert moves == [first.pk]
