"""The rows of an export, read by one query and streamed: no model instance per note or line.

Entries, notes and lines are joined in one SELECT ordered as the CSV is (selection order, then
line order), read through a server-side cursor on PostgreSQL (`iterator`), and regrouped per
note here. What a partially shipped line has shipped comes from the same query (a correlated
SUM only evaluated for partially shipped notes). Memory is one chunk of rows, however large the
export.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from delivery_notes.models import ShipmentLine, ShippingStatus
from integrations.shipandco.models import CsvExport, CsvExportNote

CHUNK_ROWS = 2000  # rows a server-side cursor fetch brings

NOTE_FIELDS = (
    "id",
    "number",
    "status",
    "currency",
    "prefecture",
    "country_code",
    "postal_code",
    "recipient_name",
    "recipient_company",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "issue_date",
    "email",
)
LINE_FIELDS = ("id", "sku", "name", "options", "quantity", "unit_price", "weight_grams")


@dataclass(slots=True)
class ExportLine:
    id: int
    sku: str
    name: str
    options: dict | str  # a dict, or (PostgreSQL, see `_rows`) its JSON text
    quantity: int
    unit_price: Decimal
    weight_grams: int
    shipped: int = 0

    @property
    def options_display(self) -> str:
        options = self.options
        if isinstance(options, str):
            if not options or options == "{}":
                return ""
            options = json.loads(options)
        return ", ".join(f"{k}: {v}" for k, v in (options or {}).items())


@dataclass(slots=True, weakref_slot=True)
class ExportNote:
    """What `csv_format` and `export.skip_reason` read of a note."""

    id: int
    number: str
    status: str
    currency: str
    prefecture: str
    country_code: str
    postal_code: str
    recipient_name: str
    recipient_company: str
    phone: str
    address_line1: str
    address_line2: str
    city: str
    issue_date: date
    email: str
    lines: list[ExportLine] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.id

    def quantities_to_ship(self) -> dict[int, int]:
        """Line id -> pieces still to ship (all of them unless partially shipped)."""
        return {
            line.id: line.quantity - line.shipped
            for line in self.lines
            if line.quantity > line.shipped
        }


def rows_query(export: CsvExport) -> QuerySet:
    """The one SELECT of the export: a row per line (one per note without lines)."""
    shipped = (
        ShipmentLine.objects.filter(line_id=OuterRef("note__lines__id"))
        .order_by()
        .values("line_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return (
        CsvExportNote.objects.filter(export=export)
        .annotate(
            shipped=CaseWhen(
                When(
                    note__status=ShippingStatus.PARTIALLY_SHIPPED,
                    then=Coalesce(Subquery(shipped), Value(0)),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("id", "note__lines__position", "note__lines__id")
        .values_list(
            *(f"note__{name}" for name in NOTE_FIELDS),
            *(f"note__lines__{name}" for name in LINE_FIELDS),
            "shipped",
        )
    )


def _rows(export: CsvExport) -> Iterator[tuple]:
    """The query's rows, streamed. On PostgreSQL straight from a server-side cursor: psycopg's
    own types (dates, Decimals) are what the CSV needs, and the per-value converters of the ORM
    cost more than the rest of the export; the options' JSON arrives as text, decoded by
    `ExportLine.options_display` only when not empty. Elsewhere through the ORM's iterator."""
    query = rows_query(export)
    if connection.vendor != "postgresql":
        yield from query.iterator(chunk_size=CHUNK_ROWS)
        return
    sql, params = query.query.sql_with_params()
    # Not in a transaction: progress and the lease are saved (committed) while rows stream.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK_ROWS):
            yield from chunk


def selected_notes(export: CsvExport) -> Iterator[ExportNote]:
    """The export's notes in selection order, each with its lines, streamed."""
    width = len(NOTE_FIELDS)
    note: ExportNote | None = None
    for row in _rows(export):
        if note is None or note.id != row[0]:
            if note is not None:
                yield note
            note = ExportNote(*row[:width])
        if row[width] is not None:  # a note without lines still comes once (LEFT JOIN)
            note.lines.append(ExportLine(*row[width:]))
    if note is not None:
        yield note
