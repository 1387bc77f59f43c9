"""Reading a delivery-note CSV: encoding detection, then validation of EVERY row before anything is
written, so the user gets the complete list of problems (row, column, reason) in one go.

Pure parsing plus read queries (numbers already used in the brand, the catalogue's products for
the file's SKUs); writing lives in `delivery_notes.importing`. Row numbers are spreadsheet rows:
the header is row 1. The file-level pieces (`decode`, `read_table`, `clean_cell`) are shared
with the catalogue's product and customer imports.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from brands.validators import validate_single_line
from delivery_notes.catalogue.selectors import products_by_sku
from delivery_notes.countries import normalize_country_code
from delivery_notes.csv_columns import COLUMNS, COLUMNS_BY_HEADER, Column, Kind, Level
from delivery_notes.line_options import parse_options
from delivery_notes.models import DeliveryNote

HEADER_ROW = 1
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")
TRUE_WORDS = frozenset({"1", "true", "yes", "y"})
FALSE_WORDS = frozenset({"0", "false", "no", "n"})
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
NUMBER_LOOKUP_CHUNK = 500
NOTE_COLUMNS = [column for column in COLUMNS if column.level is Level.NOTE]
LINE_COLUMNS = [column for column in COLUMNS if column.level is Level.LINE]


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, CSV syntax, missing header)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class NoteDraft:
    """One note to create: its field values and its lines' field values."""

    row: int
    values: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    first_row_of: dict[str, int] = field(default_factory=dict)
    lines: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ParseResult:
    drafts: list[NoteDraft]
    errors: list[RowError]
    rows: int
    #: Lines whose empty name or weight was taken from the catalogue (by SKU).
    filled_lines: int = 0


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or Shift_JIS (as Windows writes it: cp932), detected."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(_("The file is UTF-16. Save it as CSV in UTF-8 or Shift_JIS."))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\x00" in data:
        # No CSV text holds NUL; UTF-16 without a BOM and binary files do (and PostgreSQL
        # cannot store it).
        raise ImportFileError(
            _(
                "The file is not CSV text (it may be UTF-16 or a spreadsheet file). Save it as CSV "
                "in UTF-8 or Shift_JIS."
            )
        )
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _("The file could not be read as UTF-8 or Shift_JIS. Save it as CSV in one of those.")
    )


def records(text: str) -> list[list[str]]:
    """The file's non-blank CSV records (header first); ImportFileError on bad CSV syntax."""
    try:
        return [
            record
            for record in csv.reader(io.StringIO(text, newline=""))
            if any(cell.strip() for cell in record)
        ]
    except csv.Error as exc:
        raise ImportFileError(
            _("The file is not a valid CSV file: %(error)s") % {"error": exc}
        ) from exc


def count_rows(text: str) -> int:
    """Data rows (without the header and blank rows): decides between inline and background."""
    return max(len(records(text)) - 1, 0)


def _convert(column: Column, raw: str) -> Any:
    """The Python value of a non-empty cell; raises ValidationError with a readable reason."""
    kind = column.kind
    if kind is Kind.DATE:
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
        raise ValidationError(_("“%(value)s” is not a date like 2025-04-01.") % {"value": raw})
    if kind in (Kind.DECIMAL, Kind.INTEGER):
        cleaned = raw.replace(",", "")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw})
        if kind is Kind.INTEGER:
            if number != number.to_integral_value():
                raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": raw})
            number = int(number)
        if number < column.minimum:
            raise ValidationError(
                _("Must be at least %(minimum)d (got %(value)s).")
                % {"minimum": column.minimum, "value": raw}
            )
        return number
    if kind is Kind.BOOLEAN:
        word = raw.lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        raise ValidationError(_("“%(value)s” is not 1 or 0.") % {"value": raw})
    if kind is Kind.COUNTRY:
        return normalize_country_code(raw)
    if kind is Kind.CURRENCY:
        if not CURRENCY_RE.match(raw.upper()):
            raise ValidationError(
                _("“%(value)s” is not a three-letter currency code (e.g. JPY).") % {"value": raw}
            )
        return raw.upper()
    if kind is Kind.OPTIONS:
        return parse_options(raw)
    return raw


def clean_cell(column: Column, raw: str) -> Any:
    """Converted and checked against the model field's own validators (length, digits, email…)."""
    if isinstance(column.model_field, models.CharField):
        validate_single_line(raw)  # a quoted cell may hold line breaks: not in a name or number
    value = _convert(column, raw)
    column.model_field.run_validators(value)
    return value


def error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


class CellCleaner:
    """`clean_cell` with a memory: a file repeats the same values row after row (SKUs, names,
    prefectures, dates, quantities), and a cell's verdict depends only on its column and text,
    so each distinct (column, text) is converted and validated once per file. Verdicts are
    values or the error's text; a dict (options) is copied, so no two lines share one."""

    #: Distinct cells remembered (beyond that, cells are checked each time: memory stays bounded).
    LIMIT = 200_000

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[bool, Any]] = {}

    def __call__(self, column: Column, raw: str) -> Any:
        """The cleaned value; ValidationError (with the same text each time) when refused."""
        key = (column.header, raw)
        verdict = self._seen.get(key)
        if verdict is None:
            try:
                verdict = (True, clean_cell(column, raw))
            except ValidationError as exc:
                verdict = (False, error_text(exc))
            if len(self._seen) < self.LIMIT:
                self._seen[key] = verdict
        ok, value = verdict
        if not ok:
            raise ValidationError(value)
        return dict(value) if isinstance(value, dict) else value


ErrorSink = Callable[[int, str, str], None]


def read_header(cells: list[str], columns: Sequence[Column], error: ErrorSink) -> list:
    """The column of each header cell (None for a blank one); unknown, repeated and missing
    required columns are reported."""
    by_header = {column.header: column for column in columns}
    found: list[Column | None] = []
    seen: set[str] = set()
    for cell in cells:
        name = cell.strip().lower()
        column = by_header.get(name)
        if not name:
            found.append(None)
            continue
        if column is None:
            error(HEADER_ROW, cell, _("Unknown column."))
        elif name in seen:
            error(HEADER_ROW, cell, _("This column appears twice."))
        seen.add(name)
        found.append(column)
    for column in columns:
        if column.required and column.header not in seen:
            error(HEADER_ROW, column.header, _("This required column is missing."))
    return found


def read_table(
    text: str,
    columns: Sequence[Column],
    error: ErrorSink,
    *,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 100,
) -> Iterator[tuple[int, dict[Column, str]]]:
    """(row number, {column: stripped cell}) of every data row, after checking the header.

    `on_progress(rows_done)` is called every `progress_every` rows and after the last one.
    """
    table = records(text)
    if not table:
        raise ImportFileError(_("The file is empty."))
    header = read_header(table[0], columns, error)
    data = table[1:]
    if not data:
        raise ImportFileError(_("The file has a header but no rows."))
    for index, record in enumerate(data, start=1):
        row = HEADER_ROW + index
        if len(record) > len(header):
            error(row, "", _("This row has more cells than the header has columns."))
        yield (
            row,
            {
                column: cell.strip()
                for column, cell in zip(header, record, strict=False)
                if column is not None
            },
        )
        if on_progress and (index % progress_every == 0 or index == len(data)):
            on_progress(index)


class _Parser:
    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.drafts: dict[str, NoteDraft] = {}
        self.line_rows: list[tuple[int, dict[str, Any]]] = []
        self.filled_lines = 0
        self.clean = CellCleaner()

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def row(self, row: int, cells: dict[Column, str]) -> None:
        line: dict[str, Any] = {}
        for column in LINE_COLUMNS:
            raw = cells.get(column, "")
            if raw:
                try:
                    line[column.field] = self.clean(column, raw)
                except ValidationError as exc:
                    self.error(row, column.header, error_text(exc))
            elif column.required:
                self.error(row, column.header, _("This column is required."))
        self.line_rows.append((row, line))
        number = cells.get(COLUMNS_BY_HEADER["number"], "")
        if not number:
            self.error(row, "number", _("This column is required."))
            return
        draft = self.drafts.setdefault(number, NoteDraft(row=row))
        for column in NOTE_COLUMNS:
            self.note_cell(draft, row, column, cells.get(column, ""))
        draft.lines.append(line)

    def note_cell(self, draft: NoteDraft, row: int, column: Column, raw: str) -> None:
        """Note columns repeat on every row of a note: the first value counts, others must agree."""
        if not raw:
            return
        if column.field in draft.raw:
            if draft.raw[column.field] != raw:
                self.error(
                    row,
                    column.header,
                    _("Differs from row %(row)d, which has the same number.")
                    % {"row": draft.first_row_of[column.field]},
                )
            return
        draft.raw[column.field] = raw
        draft.first_row_of[column.field] = row
        try:
            draft.values[column.field] = self.clean(column, raw)
        except ValidationError as exc:
            self.error(row, column.header, error_text(exc))

    def fill_from_catalogue(self) -> None:
        """Lines with a catalogue SKU link to its product and take an empty name, weight and
        location from it; a line with neither a name nor a known SKU is an error."""
        known = products_by_sku({line["sku"] for _row, line in self.line_rows if line.get("sku")})
        for row, line in self.line_rows:
            product = known.get(line.get("sku", ""))
            if product is not None:
                line["product_id"] = product.pk
                filled = False
                if not line.get("name"):
                    line["name"], filled = product.name, True
                if "weight_grams" not in line and product.weight_grams:
                    line["weight_grams"], filled = product.weight_grams, True
                if not line.get("warehouse_location") and product.warehouse_location:
                    line["warehouse_location"] = product.warehouse_location  # the picking list's
                self.filled_lines += filled
            elif not line.get("name"):
                self.error(
                    row, "item_name", _("Required: the SKU is not in the catalogue (or is empty).")
                )

    def finish_notes(self) -> None:
        for number, draft in self.drafts.items():
            draft.values["number"] = number
            values = draft.values
            if not (values.get("recipient_company") or values.get("recipient_name")):
                self.error(draft.row, "recipient_company", _("Enter a company or a contact name."))
            self.total(draft, "total_amount", "unit_price", Decimal(0))
            self.total(draft, "total_weight_grams", "weight_grams", 0)

    def total(self, draft: NoteDraft, total_field: str, line_field: str, zero: Any) -> None:
        """An empty total is the sum of the lines (quantity × unit value)."""
        if total_field in draft.values:
            return
        total = sum(
            (line.get("quantity", 0) * line.get(line_field, zero) for line in draft.lines), zero
        )
        try:
            DeliveryNote._meta.get_field(total_field).run_validators(total)
        except ValidationError as exc:
            self.error(draft.row, total_field, error_text(exc))
        draft.values[total_field] = total

    def existing_numbers(self) -> None:
        """Numbers already used in this brand (the scoped manager limits the query to it)."""
        numbers = list(self.drafts)
        for start in range(0, len(numbers), NUMBER_LOOKUP_CHUNK):
            chunk = numbers[start : start + NUMBER_LOOKUP_CHUNK]
            for number in DeliveryNote.objects.filter(number__in=chunk).values_list(
                "number", flat=True
            ):
                self.error(
                    self.drafts[number].row,
                    "number",
                    _("A delivery note with number “%(number)s” already exists.")
                    % {"number": number},
                )


def parse(
    text: str,
    *,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 100,
) -> ParseResult:
    """Validate every row and group rows into notes. Nothing is written.

    `on_progress(rows_done)` is called every `progress_every` rows (the background import shows
    it as a progress bar). The result's `drafts` are only meaningful when `errors` is empty.
    """
    parser = _Parser()
    rows = 0
    for row, cells in read_table(
        text, COLUMNS, parser.error, on_progress=on_progress, progress_every=progress_every
    ):
        parser.row(row, cells)
        rows += 1
    parser.fill_from_catalogue()
    parser.finish_notes()
    parser.existing_numbers()
    parser.errors.sort(key=lambda error: error.row)
    return ParseResult(
        drafts=list(parser.drafts.values()),
        errors=parser.errors,
        rows=rows,
        filled_lines=parser.filled_lines,
    )
