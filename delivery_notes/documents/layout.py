"""What every document shares: A4 pages, the font and styles, page numbers per group of pages,
the running header on continuation pages, the brand's footer, and text helpers.

Page numbers need the page count of a group (one delivery note, or a whole picking list), which
is only known once everything is laid out: `GroupedPagesCanvas` keeps each finished page and
draws the numbers and headers on all of them when the document is saved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from delivery_notes.documents.fonts import register_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 20 * mm  # room for the running header of continuation pages
MARGIN_BOTTOM = 24 * mm  # room for the footer and the page number
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
GREY = (0.45, 0.45, 0.45)
# Currencies written without minor units (ISO 4217 exponent 0) among those a brand may use.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "TWD", "VND", "CLP", "ISK"})


@dataclass(frozen=True)
class Styles:
    font: str
    body: ParagraphStyle
    small: ParagraphStyle
    small_right: ParagraphStyle
    right: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    company: ParagraphStyle
    quantity: ParagraphStyle


def styles() -> Styles:
    """Paragraph styles in the embedded font; CJK word wrap (Japanese has no spaces to break at)."""
    font = register_fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
    return Styles(
        font=font,
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=7.5, leading=10, textColor=GREY),
        small_right=ParagraphStyle(
            "small_right", parent=body, fontSize=7.5, leading=10, textColor=GREY, alignment=TA_RIGHT
        ),
        right=ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        title=ParagraphStyle("title", parent=body, fontSize=20, leading=26, spaceAfter=4),
        heading=ParagraphStyle("heading", parent=body, fontSize=10.5, leading=14, spaceBefore=6),
        company=ParagraphStyle("company", parent=body, fontSize=12, leading=16),
        quantity=ParagraphStyle(
            "quantity", parent=body, fontSize=12, leading=15, alignment=TA_RIGHT
        ),
    )


def text(value: Any, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(str(value or "")).replace("\n", "<br/>"), style)


def money(amount: Decimal, currency: str) -> str:
    """1234.5 JPY -> "1,235"; 1234.5 USD -> "1,234.50" (the currency is named once, in a header)."""
    places = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return f"{Decimal(amount):,.{places}f}"


def address_lines(place: Any) -> list[str]:
    """The postal address of a note's recipient or a brand profile, in the country's order.

    Japan: 〒 postal code first, then prefecture, city and street as one line (largest to
    smallest); elsewhere the street first and the city, region and postal code after it.
    """
    line1, line2 = place.address_line1.strip(), place.address_line2.strip()
    if place.country_code == "JP":
        lines = [f"〒{place.postal_code.strip()}" if place.postal_code.strip() else ""]
        lines.append("".join(p.strip() for p in (place.prefecture, place.city, line1)))
        lines.append(line2)
    else:
        region = " ".join(p.strip() for p in (place.prefecture, place.postal_code) if p.strip())
        locality = ", ".join(p for p in (place.city.strip(), region) if p)
        lines = [line1, line2, locality, place.country_code]
    return [line for line in lines if line]


# --- pages numbered by group -------------------------------------------------------------------


@dataclass
class PageGroup:
    """Pages numbered together ("2 / 3"); continuation pages repeat `running_header`."""

    running_header: str
    footer_lines: Sequence[str] = ()
    on_begin: Callable[[], None] | None = field(default=None, repr=False)


class GroupStart(Flowable):
    """Invisible: the pages from here on belong to `group` (put it first on a fresh page)."""

    def __init__(self, group: PageGroup) -> None:
        super().__init__()
        self.group = group

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.begin_group(self.group)
        if self.group.on_begin:
            self.group.on_begin()


class GroupedPagesCanvas(Canvas):
    """Keeps every page until `save()`, then draws each one's header, footer and "n / total"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept_pages: list[tuple[dict, PageGroup | None]] = []
        self._group: PageGroup | None = None

    def begin_group(self, group: PageGroup) -> None:
        self._group = group

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._kept_pages.append((dict(self.__dict__), self._group))
        self._startPage()

    def save(self) -> None:
        totals = Counter(id(group) for _, group in self._kept_pages)
        numbers: Counter[int] = Counter()
        for state, group in self._kept_pages:
            self.__dict__.update(state)
            numbers[id(group)] += 1
            self._draw_furniture(group, numbers[id(group)], totals[id(group)])
            super().showPage()
        self._kept_pages = []
        super().save()

    def _draw_furniture(self, group: PageGroup | None, number: int, total: int) -> None:
        font = register_fonts()
        self.saveState()
        self.setFillColorRGB(*GREY)
        if group is not None and number > 1:
            self.setFont(font, 8)
            self.drawString(MARGIN_X, PAGE_HEIGHT - 12 * mm, group.running_header)
            self.setStrokeColorRGB(*GREY)
            self.setLineWidth(0.4)
            self.line(MARGIN_X, PAGE_HEIGHT - 14 * mm, PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 14 * mm)
        self.setFont(font, 7)
        y = 16 * mm
        for line in (group.footer_lines if group else ())[:3]:
            self.drawString(MARGIN_X, y, line)
            y -= 3.2 * mm
        self.setFont(font, 8)
        self.drawRightString(PAGE_WIDTH - MARGIN_X, 10 * mm, f"{number} / {total}")
        self.restoreState()


def build(out: IO[bytes], story: Iterable[Flowable], *, title: str, author: str) -> None:
    """Lay `story` out on A4 pages and write the PDF to `out`."""
    register_fonts()
    document = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        creator="Hakobu",
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM)
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    document.build(list(story), canvasmaker=GroupedPagesCanvas)
