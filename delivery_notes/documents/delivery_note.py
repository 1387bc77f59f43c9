"""The delivery note (納品書) PDF: letterhead, recipient, lines, totals, notes for the customer.

Each note starts on a new page and is numbered "1 / 3" on its own; its continuation pages repeat
a short header (sender, number, recipient) and the lines table repeats its column titles.
Internal notes are never printed. A gift prints its message, and the gift variant leaves every
price out (the receiver of a present should not see them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from brands.models import Brand
from delivery_notes.documents import layout
from delivery_notes.documents.layout import CONTENT_WIDTH, GroupStart, PageGroup, Styles, text
from delivery_notes.documents.letterhead import Letterhead
from delivery_notes.models import DeliveryNote, DeliveryNoteLine

LANGUAGE_BRAND = "brand"
LANGUAGE_RECIPIENT = "recipient"
LINE_GRID = (0.75, 0.75, 0.75)
HEADER_FILL = (0.93, 0.93, 0.93)
SKU_FITS = 16  # characters of a SKU that fit its column unwrapped


@dataclass(frozen=True)
class DeliveryNoteOptions:
    """What the print dialog asks: whose language, and the gift variant (no prices)."""

    language: str = LANGUAGE_BRAND
    gift_variant: bool = False


def recipient_language(note: DeliveryNote) -> str:
    """The recipient's language as far as a note tells it: Japanese for Japan, else English."""
    return "ja" if note.country_code == "JP" else "en"


def note_language(note: DeliveryNote, brand: Brand, options: DeliveryNoteOptions) -> str:
    if options.language == LANGUAGE_RECIPIENT:
        return recipient_language(note)
    return brand.language


def delivery_notes_pdf(
    notes: Iterable[DeliveryNote],
    brand: Brand,
    options: DeliveryNoteOptions,
    out: IO[bytes],
    *,
    on_note_done: Callable[[], None] | None = None,
) -> int:
    """Write the delivery notes to `out` as one PDF; returns how many notes it holds.

    `on_note_done` is called as each note is laid out (a background job's progress).
    """
    styles = layout.styles()
    letterhead = Letterhead.for_brand(brand)
    story: list[Flowable] = []
    count = 0
    for note in notes:
        with translation.override(note_language(note, brand, options)):
            if story:
                story.append(PageBreak())
            story += note_story(note, letterhead, styles, options, on_begin=on_note_done)
        count += 1
    layout.build(out, story, title=_document_title(story, count), author=letterhead.company_name)
    return count


def _document_title(story: list[Flowable], count: int) -> str:
    first = next((f for f in story if isinstance(f, GroupStart)), None)
    return first.group.running_header if first and count == 1 else _("Delivery notes")


def note_story(
    note: DeliveryNote,
    letterhead: Letterhead,
    styles: Styles,
    options: DeliveryNoteOptions,
    *,
    on_begin: Callable[[], None] | None = None,
) -> list[Flowable]:
    """The flowables of one note, in the active language."""
    show_prices = not (options.gift_variant and note.is_gift)
    recipient = note.recipient_company or note.recipient_name
    group = PageGroup(
        running_header=" · ".join(
            part
            for part in (letterhead.company_name, f"{_('Delivery note')} {note.number}", recipient)
            if part
        ),
        footer_lines=letterhead.footer_lines,
        on_begin=on_begin,
    )
    story: list[Flowable] = [GroupStart(group), _top(note, letterhead, styles), Spacer(1, 6 * mm)]
    story.append(_lines_table(note, styles, show_prices))
    story.append(Spacer(1, 3 * mm))
    story.append(_totals(note, styles, show_prices))
    if note.customer_notes.strip():
        story += _boxed(_("Customer notes"), note.customer_notes, styles)
    if note.is_gift and note.gift_message.strip():
        story += _boxed(_("Gift message"), note.gift_message, styles)
    return story


def _top(note: DeliveryNote, letterhead: Letterhead, styles: Styles) -> Table:
    """Title, number, dates and recipient on the left; the sender on the right."""
    meta = [
        (_("Number"), note.number),
        (_("Issue date"), date_format(note.issue_date, "DATE_FORMAT")),
    ]
    if note.order_reference:
        meta.append((_("Order reference"), note.order_reference))
    meta_table = Table(
        [[label, value if len(value) <= 36 else text(value, styles.body)] for label, value in meta],
        colWidths=[28 * mm, 62 * mm],
        hAlign="LEFT",
    )
    style = _plain_cells()
    style.add("FONT", (0, 0), (0, -1), styles.font, styles.small.fontSize)
    style.add("TEXTCOLOR", (0, 0), (0, -1), layout.GREY)
    style.add("FONT", (1, 0), (1, -1), styles.font, styles.body.fontSize)
    meta_table.setStyle(style)
    left = [
        text(_("Delivery note"), styles.title),
        meta_table,
        Spacer(1, 5 * mm),
        *_recipient(note, styles),
    ]
    table = Table(
        [[left, letterhead.flowables(styles)]], colWidths=[100 * mm, CONTENT_WIDTH - 100 * mm]
    )
    table.setStyle(_plain_cells())
    return table


def _recipient(note: DeliveryNote, styles: Styles) -> list[Flowable]:
    """The recipient as the post expects it: in Japan the address comes first and the names
    after it, with the honorific of a Japanese document (様, or 御中 for a company alone);
    elsewhere the names come first."""
    japanese = translation.get_language() == "ja"
    names = []
    if note.recipient_company:
        honorific = " 御中" if japanese and not note.recipient_name else ""
        names.append(f"{note.recipient_company}{honorific}")
    if note.recipient_name:
        names.append(f"{note.recipient_name}{' 様' if japanese else ''}")
    address = layout.address_lines(note)
    lines = address + names if note.country_code == "JP" else names + address
    blocks: list[Flowable] = [text("\n".join(lines), styles.company)]
    if note.phone:
        blocks.append(text(_("Phone: %(phone)s") % {"phone": note.phone}, styles.body))
    intro = _("We deliver the following items.")
    return [*blocks, Spacer(1, 3 * mm), text(intro, styles.body)]


def _lines_table(note: DeliveryNote, styles: Styles, show_prices: bool) -> Table:
    header = [_("No."), _("SKU"), _("Name"), _("Quantity")]
    widths = [10 * mm, 30 * mm, None, 16 * mm]
    if show_prices:
        header += [_("Unit price"), _("Amount")]
        widths += [24 * mm, 26 * mm]
    fixed = sum(width for width in widths if width)
    widths = [width or CONTENT_WIDTH - fixed for width in widths]
    rows = [
        [
            text(label, styles.small if i < 3 else styles.small_right)
            for i, label in enumerate(header)
        ]
    ]
    for number, line in enumerate(note.lines.all(), start=1):
        rows.append(_line_row(number, line, note.currency, styles, show_prices))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), styles.font, styles.body.fontSize),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 1), (-1, -1), 4),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE_GRID),
                ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def _line_row(
    number: int, line: DeliveryNoteLine, currency: str, styles: Styles, show_prices: bool
) -> list:
    """Short values as plain strings (drawn as they are, much faster than paragraphs); only the
    name, which may wrap, is a paragraph."""
    name = [text(line.name, styles.body)]
    if line.options_display:
        name.append(text(line.options_display, styles.small))
    sku = line.sku if len(line.sku) <= SKU_FITS else text(line.sku, styles.body)
    row = [str(number), sku, name, str(line.quantity)]
    if show_prices:
        amount = line.unit_price * line.quantity
        row += [layout.money(line.unit_price, currency), layout.money(amount, currency)]
    return row


def _totals(note: DeliveryNote, styles: Styles, show_prices: bool) -> Flowable:
    lines = list(note.lines.all())
    rows = [(_("Total quantity"), str(sum(line.quantity for line in lines)))]
    if show_prices:
        subtotal = sum((line.unit_price * line.quantity for line in lines), Decimal("0"))
        currency = note.currency
        rows.append((_("Subtotal"), layout.money(subtotal, currency)))
        if subtotal != note.total_amount:
            rows.append(
                (
                    _("Shipping, fees and discounts"),
                    layout.money(note.total_amount - subtotal, currency),
                )
            )
        rows.append(
            (
                _("Total (%(currency)s)") % {"currency": currency},
                layout.money(note.total_amount, currency),
            )
        )
    table = Table([list(row) for row in rows], colWidths=[60 * mm, 30 * mm], hAlign="RIGHT")
    style = _plain_cells()
    style.add("FONT", (0, 0), (-1, -1), styles.font, styles.body.fontSize)
    style.add("ALIGN", (0, 0), (-1, -1), "RIGHT")
    style.add("LINEABOVE", (0, -1), (-1, -1), 0.8, (0, 0, 0))
    table.setStyle(style)
    return KeepTogether(table)


def _boxed(title: str, body: str, styles: Styles) -> list[Flowable]:
    """A titled, framed paragraph. A paragraph (unlike a table cell) splits across pages, so
    however long the customer wrote, the note still prints."""
    framed = ParagraphStyle(
        "framed",
        parent=styles.body,
        borderWidth=0.5,
        borderColor=LINE_GRID,
        borderPadding=(2 * mm, 2 * mm),
        leftIndent=2 * mm,
        rightIndent=2 * mm,
    )
    return [
        KeepTogether([Spacer(1, 4 * mm), text(title, styles.small), Spacer(1, 3 * mm)]),
        text(body, framed),
    ]


def _plain_cells() -> TableStyle:
    return TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]
    )
