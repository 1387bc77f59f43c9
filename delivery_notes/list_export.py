"""The note list as a plain CSV: one row per line, the note's columns repeated on each of its rows.

The columns are the import format's (`csv_columns.COLUMNS`, so an exported file can be edited and
read back by anyone who knows the import), followed by two read-only columns the list shows:
the shipping status and the tracking numbers. Every role that can see the list may export it.

The file is streamed: notes are read in chunks (lines and shipments prefetched per chunk), so a
brand's whole history downloads without holding it in memory. The generator runs after the view
has returned, so it enters the brand's scope (and time zone) itself.
"""

from __future__ import annotations

import csv
import io
import zoneinfo
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from brands.models import Brand
from brands.scoping import brand_scope
from delivery_notes.csv_cells import SHIFT_JIS, UTF8, UTF8_BOM, encode_text, neutralise_formula
from delivery_notes.csv_columns import COLUMNS, HEADER, Kind, Level
from delivery_notes.line_options import format_options
from delivery_notes.models import DeliveryNote, DeliveryNoteLine, Shipment

ENCODINGS = (UTF8, SHIFT_JIS)
EXTRA_HEADER = ["status", "tracking_numbers"]
CHUNK = 500


def _cell(value: object, kind: Kind) -> str:
    if value is None:
        return ""
    if kind is Kind.BOOLEAN:
        return "1" if value else "0"
    if kind is Kind.OPTIONS:
        return format_options(value)
    if kind is Kind.DATE:
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return neutralise_formula(str(value))


def _rows(note: DeliveryNote) -> Iterator[list[str]]:
    lines: list[DeliveryNoteLine | None] = list(note.lines.all()) or [None]
    tracking = ", ".join(n for s in note.shipments.all() for n in s.tracking_numbers)
    for line in lines:
        row = []
        for column in COLUMNS:
            source = note if column.level is Level.NOTE else line
            row.append(_cell(getattr(source, column.field), column.kind) if source else "")
        row += [note.status, tracking]
        yield row


def export_notes(notes: QuerySet[DeliveryNote]) -> QuerySet[DeliveryNote]:
    """The notes with what their rows need, read in chunks by `stream_csv`."""
    return notes.prefetch_related(
        "lines",
        Prefetch("shipments", queryset=Shipment.objects.only("id", "note_id", "tracking_numbers")),
    )


def csv_chunks(notes: Iterable[DeliveryNote], encoding: str) -> Iterator[bytes]:
    """The CSV as encoded chunks: a header, then about one chunk per note."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return encode_text(text, encoding)

    if encoding == UTF8:
        buffer.write(UTF8_BOM)  # spreadsheet apps read UTF-8 kanji only with the BOM
    writer.writerow([*HEADER, *EXTRA_HEADER])
    yield flush()
    for note in notes:
        writer.writerows(_rows(note))
        yield flush()


def stream_csv(brand: Brand, notes: QuerySet[DeliveryNote], encoding: str) -> Iterator[bytes]:
    """`csv_chunks` of `notes`, read inside the brand's scope while the response is sent."""
    with brand_scope(brand), timezone.override(brand.time_zone):
        yield from csv_chunks(export_notes(notes).iterator(chunk_size=CHUNK), encoding)


def filename(brand: Brand, encoding: str) -> str:
    stamp = timezone.localtime(
        timezone.now(), timezone=zoneinfo.ZoneInfo(brand.time_zone)
    ).strftime("%Y%m%d-%H%M")
    suffix = "-sjis" if encoding == SHIFT_JIS else ""
    return f"delivery-notes-{brand.slug}-{stamp}{suffix}.csv"
