"""Ship&co's order-import CSV: the columns, and how a delivery note's values become cells.

No database access here: `export.py` feeds notes in and writes the bytes out. The column names and
every uncertain format fact come from `facts.py`. Decisions made here (and why):

- Names: Japanese notes hold the contact as "family given" ("山田 太郎"), so for JP recipients the
  first word is RecipientLastName and the rest RecipientFirstName; other countries are read
  "given family". A single word is the last name (the column Ship&co requires when there is no
  company). Ship&co joins them back in the same order, so the label shows the name as typed.
- Spreadsheet formulas: a cell starting with = + - @, a tab or a carriage return is prefixed with
  a single quote, except plain numbers and phone numbers ("+81 3-1234-5678", "-5"): made only of
  digits, spaces and ( ) . - they cannot form a function call, cell reference or DDE link, and
  quoting them would hand Ship&co a corrupted phone number.
- Shift_JIS: written as CP932 (what Windows and Excel call Shift_JIS). A character CP932 lacks
  (emoji, variants such as 𠮷) becomes the visible geta mark 〓 and is reported per note and
  column; the export is never refused and nothing is dropped silently. An em dash becomes the
  JIS dash ―, the same character in Japanese text.
- UTF-8: with a BOM (facts.CSV_UTF8_BOM) so Excel opens Japanese text correctly.
- Lengths: Ship&co's limits are checked on the final cell and reported, never cut.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from delivery_notes.csv_cells import (  # noqa: F401 (re-exported: the export and tests use them)
    CODECS,
    SHIFT_JIS,
    SHIFT_JIS_MARKER,
    UTF8,
    fit_cp932,
    neutralise_formula,
)
from delivery_notes.models import DeliveryNote, DeliveryNoteLine
from integrations.shipandco import facts

ORDER_COLUMNS = facts.CSV_ORDER_COLUMNS
PRODUCT_COLUMNS = facts.CSV_PRODUCT_COLUMNS
HEADER: tuple[str, ...] = (*ORDER_COLUMNS.values(), *PRODUCT_COLUMNS.values())
ORDER_HEADER: tuple[str, ...] = tuple(ORDER_COLUMNS.values())
PRODUCT_HEADER: tuple[str, ...] = tuple(PRODUCT_COLUMNS.values())
_ORDER_KEYS = tuple(ORDER_COLUMNS)
_PRODUCT_KEYS = tuple(PRODUCT_COLUMNS)
# A cell (cells joined by NUL) starting with a character `neutralise_formula` looks at.
_FORMULA_AT_START = re.compile("(?:^|\x00)[=+\\-@\t\r]")
_LIMITS: dict[tuple[str, ...], tuple[tuple[int, int], ...]] = {}


@dataclass(frozen=True)
class CellIssue:
    """Something the user must know about a cell: JSON-ready for the export record."""

    field: str
    kind: str  # "too_long" | "not_cp932"
    detail: dict[str, Any]

    def as_dict(self, note_number: str) -> dict[str, Any]:
        return {"note": note_number, "field": self.field, "kind": self.kind, **self.detail}


def split_name(full_name: str, country_code: str) -> tuple[str, str]:
    """(first name, last name) of a contact name; see the module docstring for the rule."""
    words = full_name.replace("\u3000", " ").split()
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    if country_code.upper() == "JP":
        return " ".join(words[1:]), words[0]
    return " ".join(words[:-1]), words[-1]


def recipient_zip(note: DeliveryNote) -> str:
    """The postal code, or Ship&co's "000" for a country that has none."""
    if note.postal_code.strip():
        return note.postal_code.strip()
    return facts.CSV_NO_ZIP if note.country_code.upper() in facts.CSV_COUNTRIES_WITHOUT_ZIP else ""


def _number(value: Decimal | int) -> str:
    """Plain decimal text without exponent or trailing zeros ("3500", "12.5")."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def order_values(note: DeliveryNote) -> list[str]:
    """The order columns of a note (repeated on each of its rows), in ORDER_HEADER order."""
    country = note.country_code.strip().upper()
    first, last = split_name(note.recipient_name, country)
    values = {
        "number": note.number,
        "currency": note.currency.strip().upper(),
        "province": note.prefecture,
        "country": country,
        "zip": recipient_zip(note),
        "first_name": first,
        "last_name": last,
        "phone": note.phone,
        "address1": note.address_line1,
        "city": note.city,
        "company": note.recipient_company,
        "date": note.issue_date.strftime(facts.CSV_DATE_FORMAT),
        "email": note.email,
        "address2": note.address_line2,
    }
    return [values[key].strip() for key in _ORDER_KEYS]


def product_values(line: DeliveryNoteLine, quantity: int) -> list[str]:
    """The item columns of one line, for `quantity` pieces (fewer after a partial shipment), in
    PRODUCT_HEADER order."""
    options = line.options_display
    values = {
        "name": f"{line.name} ({options})" if options else line.name,
        "quantity": str(quantity),
        "price": _number(line.unit_price),
        # 0 g means "not entered": an empty cell lets Ship&co ask rather than ship 0 g.
        "weight": str(line.weight_grams) if line.weight_grams else "",
        "sku": line.sku,
        "hs_code": "",
        "origin_country": "",
    }
    return [values[key].strip() for key in _PRODUCT_KEYS]


def order_cells(note: DeliveryNote) -> dict[str, str]:
    """`order_values` keyed by CSV header."""
    return dict(zip(ORDER_HEADER, order_values(note), strict=True))


def product_cells(line: DeliveryNoteLine, quantity: int) -> dict[str, str]:
    """`product_values` keyed by CSV header."""
    return dict(zip(PRODUCT_HEADER, product_values(line, quantity), strict=True))


def prepare_cells(
    cells: Mapping[str, str], encoding: str
) -> tuple[dict[str, str], list[CellIssue]]:
    """Make cells safe to write in `encoding`; report what the user must fix or know."""
    prepared: dict[str, str] = {}
    issues: list[CellIssue] = []
    for column, raw in cells.items():
        value = neutralise_formula(raw)
        if encoding == SHIFT_JIS:
            value, lost = fit_cp932(value)
            if lost:
                issues.append(CellIssue(column, "not_cp932", {"chars": lost}))
        limit = facts.CSV_LENGTH_LIMITS.get(column)
        if limit is not None and len(value) > limit:
            issues.append(CellIssue(column, "too_long", {"length": len(value), "limit": limit}))
        prepared[column] = value
    return prepared, issues


def prepare_row(
    values: list[str], headers: tuple[str, ...], encoding: str
) -> tuple[list[str], list[CellIssue]]:
    """`prepare_cells` for cells given as a list in `headers` order: the export's hot path.

    Most rows need nothing, so the cheap checks run on the whole row at once (one search for a
    cell starting like a formula, the few limited columns' lengths, CP932 on the joined text);
    only a row that fails one goes through `prepare_cells` cell by cell (the same result)."""
    text = "\x00".join(values)
    clean = not _FORMULA_AT_START.search(text) and all(
        len(values[index]) <= limit for index, limit in _limits(headers)
    )
    if clean and encoding == SHIFT_JIS:
        try:
            text.encode("cp932")
        except UnicodeEncodeError:
            clean = False
        else:
            clean = "\u2014" not in text  # the em dash becomes the JIS dash: cell by cell
    if clean:
        return values, []
    prepared, issues = prepare_cells(dict(zip(headers, values, strict=True)), encoding)
    return [prepared[header] for header in headers], issues


def _limits(headers: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """(index, maximum length) of the columns of `headers` that Ship&co limits."""
    limits = _LIMITS.get(headers)
    if limits is None:
        limits = _LIMITS[headers] = tuple(
            (index, facts.CSV_LENGTH_LIMITS[header])
            for index, header in enumerate(headers)
            if header in facts.CSV_LENGTH_LIMITS
        )
    return limits


class RowEncoder:
    """Encodes the CSV one row at a time, so an export never holds the whole file in memory."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._codec = CODECS[encoding]
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def _encode(self, cells: list[str]) -> bytes:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(cells)
        return self._buffer.getvalue().encode(self._codec)

    def header(self) -> bytes:
        bom = "\ufeff".encode() if self.encoding == UTF8 and facts.CSV_UTF8_BOM else b""
        return bom + self._encode(list(HEADER))

    def row(self, cells: Mapping[str, str]) -> bytes:
        """One row; `cells` must have gone through `prepare_cells` (strict encoding)."""
        return self._encode([cells.get(column, "") for column in HEADER])

    def lists(self, rows: list[list[str]]) -> bytes:
        """Rows already in HEADER order (`prepare_row`), in one encode: the export's hot path."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerows(rows)
        return self._buffer.getvalue().encode(self._codec)

    def rows(self, rows: list[Mapping[str, str]]) -> bytes:
        """Several rows (a note's) in one encode: the export's hot path."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerows([cells.get(column, "") for column in HEADER] for cells in rows)
        return self._buffer.getvalue().encode(self._codec)
