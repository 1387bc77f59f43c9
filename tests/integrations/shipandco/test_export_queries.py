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
