"""The picking list PDF: what is still to ship from a selection of notes, by warehouse location.

A picker walks the warehouse once: rows are grouped by location (sorted the way shelves are
numbered: A-2 before A-10; lines without a location last), and the same item at the same
location is one row with the total to pick and the notes it is for. Quantities are what has not
shipped yet; notes with nothing left (cancelled, shipped, or all shipped) are named as left out.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from brands.models import Brand
from delivery_notes.documents import layout
from delivery_notes.documents.layout import CONTENT_WIDTH, GroupStart, PageGroup, Styles, text
from delivery_notes.documents.sources import remaining_quantities
from delivery_notes.models import DeliveryNote

TICK_SIZE = 4 * mm
CELL_PADDING = 6  # points left and right of a table cell (reportlab's default)
NOTES_PER_ROW = 24  # "DN-00012 ×2" references in one table row (a row cannot split)
LINE_GRID = (0.75, 0.75, 0.75)
LOCATION_FILL = (0.9, 0.9, 0.9)


@dataclass
class PickRow:
    location: str
    sku: str
    name: str
    options: str
    quantity: int = 0
    notes: list[tuple[str, int]] = field(default_factory=list)  # (note number, pieces)


@dataclass
class PickingList:
    rows: list[PickRow]
    note_numbers: list[str]  # notes with something to pick, in selection order
    left_out: list[str]  # selected notes with nothing left to ship

    @property
    def pieces(self) -> int:
        return sum(row.quantity for row in self.rows)


def _shelf_key(location: str) -> tuple:
    """Natural order of shelf names; no location sorts last."""
    parts = re.split(r"(\d+)", location.strip().upper())
    return (not location.strip(), [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts])


def collect(
    notes: Iterable[DeliveryNote], *, on_note_done: Callable[[], None] | None = None
) -> PickingList:
    """The rows to pick from `notes` (prefetched by `sources.document_notes`)."""
    rows: dict[tuple, PickRow] = {}
    numbers: list[str] = []
    left_out: list[str] = []
    for note in notes:
        remaining = remaining_quantities(note)
        if not remaining:
            left_out.append(note.number)
        else:
            numbers.append(note.number)
        for line in note.lines.all():
            pieces = remaining.get(line.id, 0)
            if pieces <= 0:
                continue
            location = line.warehouse_location.strip()
            key = (location, line.sku, line.name, line.options_display)
            row = rows.setdefault(key, PickRow(location, line.sku, line.name, line.options_display))
            row.quantity += pieces
            row.notes.append((note.number, pieces))
        if on_note_done:
            on_note_done()
    ordered = sorted(
        rows.values(), key=lambda r: (_shelf_key(r.location), r.sku, r.name, r.options)
    )
    return PickingList(rows=ordered, note_numbers=numbers, left_out=left_out)


def picking_list_pdf(
    notes: Iterable[DeliveryNote],
    brand: Brand,
    out: IO[bytes],
    *,
    on_note_done: Callable[[], None] | None = None,
) -> PickingList:
    """Write the picking list of `notes` to `out` (in the active language); returns its content."""
    styles = layout.styles()
    picking = collect(notes, on_note_done=on_note_done)
    now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(brand.time_zone))
    created = date_format(now, "DATETIME_FORMAT")
    count = ngettext("%(count)d note", "%(count)d notes", len(picking.note_numbers)) % {
        "count": len(picking.note_numbers)
    }
    group = PageGroup(running_header=" · ".join((_("Picking list"), brand.name, count, created)))
    story: list[Flowable] = [GroupStart(group), text(_("Picking list"), styles.title)]
    story.append(text(f"{brand.name} · {created}", styles.body))
    summary = ngettext(
        "%(notes)s, %(pieces)d piece to pick.",
        "%(notes)s, %(pieces)d pieces to pick.",
        picking.pieces,
    ) % {"notes": count, "pieces": picking.pieces}
    story += [Spacer(1, 2 * mm), text(summary, styles.heading)]
    story.append(text(", ".join(picking.note_numbers), styles.body))
    if picking.left_out:
        story.append(Spacer(1, 2 * mm))
        story.append(
            text(
                _("Left out, nothing left to ship: %(numbers)s")
                % {"numbers": ", ".join(picking.left_out)},
                styles.small,
            )
        )
    story.append(Spacer(1, 5 * mm))
    if picking.rows:
        story += _rows_tables(picking.rows, styles)
    else:
        story.append(text(_("Nothing to pick."), styles.body))
    layout.build(out, story, title=_("Picking list"), author=brand.name)
    return picking


class TickBox(Flowable):
    """An empty square to tick by hand."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return TICK_SIZE, TICK_SIZE

    def draw(self) -> None:
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, TICK_SIZE, TICK_SIZE)


WIDTHS = [14 * mm, 32 * mm, None, 18 * mm, 48 * mm]
COLUMN_WIDTHS = [w or CONTENT_WIDTH - sum(x for x in WIDTHS if x) for w in WIDTHS]


def _rows_tables(rows: list[PickRow], styles: Styles) -> list[Flowable]:
    """The column titles, then one table per location whose shaded title row repeats on every
    page the location runs over, so a picker always knows which shelf a row is on."""
    header = [_("Picked"), _("SKU"), _("Name"), _("Quantity"), _("Delivery notes")]
    titles = Table(
        [
            [
                text(label, styles.small_right if i == 3 else styles.small)
                for i, label in enumerate(header)
            ]
        ],
        colWidths=COLUMN_WIDTHS,
    )
    titles.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.4, LINE_GRID)]))
    tables: list[Flowable] = [titles]
    by_location: dict[str, list[PickRow]] = {}
    for row in rows:  # already in shelf order
        by_location.setdefault(row.location, []).append(row)
    for location, items in by_location.items():
        tables.append(_location_table(location, items, styles))
    return tables


def _sku_cell(sku: str, styles: Styles) -> str | Flowable:
    """The SKU as plain text when it fits its column (measured: counting characters let a
    17-character SKU run over the name), else as a paragraph that wraps."""
    room = COLUMN_WIDTHS[1] - 2 * CELL_PADDING
    if stringWidth(sku, styles.font, styles.body.fontSize) <= room:
        return sku
    return text(sku, styles.body)


def _location_table(location: str, rows: list[PickRow], styles: Styles) -> Table:
    """A location's items; its title is kept with the first item, an item with its continuation
    rows (the notes of an item on many notes), so no page splits them apart."""
    label = _("Location: %(location)s") % {"location": location} if location else _("No location")
    data: list[list] = [[text(label, styles.heading), "", "", "", ""]]
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), styles.font, styles.body.fontSize),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), LOCATION_FILL),
    ]
    for row in rows:
        first = len(data)
        name = [text(row.name, styles.body)]
        if row.options:
            name.append(text(row.options, styles.small))
        # A row must fit on a page: the notes it is for continue on rows of their own.
        chunks = [row.notes[i : i + NOTES_PER_ROW] for i in range(0, len(row.notes), NOTES_PER_ROW)]
        for index, chunk in enumerate(chunks):
            notes = text(", ".join(f"{number} ×{pieces}" for number, pieces in chunk), styles.small)
            if index:
                data.append(["", "", "", "", notes])
            else:
                data.append(
                    [
                        TickBox(),
                        _sku_cell(row.sku, styles),
                        name,
                        text(row.quantity, styles.quantity),
                        notes,
                    ]
                )
        last = len(data) - 1
        keep_from = 0 if first == 1 else first
        commands += [
            ("NOSPLIT", (0, keep_from), (-1, min(last, first + 1))),
            ("LINEBELOW", (0, last), (-1, last), 0.4, LINE_GRID),
        ]
    table = Table(data, colWidths=COLUMN_WIDTHS, repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table
