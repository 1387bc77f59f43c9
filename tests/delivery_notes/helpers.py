"""Helpers for the delivery-note tests: notes with lines, shipments recorded through the service."""

from __future__ import annotations

from django.urls import reverse

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.services import record_shipment
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory


def make_note(brand, *, lines: int = 1, **fields):
    with scopes_disabled():
        note = DeliveryNoteFactory(brand=brand, **fields)
        for _ in range(lines):
            DeliveryNoteLineFactory(note=note)
    return note


def ship(note, **kwargs):
    with brand_scope(note.brand):
        return record_shipment(note, **kwargs)


def brand_url(name: str, brand, **kwargs) -> str:
    return reverse(name, kwargs={"brand_slug": brand.slug, **kwargs})


def listed_numbers(response) -> list[str]:
    return [note.number for note in response.context["page"].object_list]
