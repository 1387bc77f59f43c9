"""The delivery-note CSV format, defined once: the template download, the parser and the column
reference on the import page all read this table, so they cannot drift apart.

One row per line; the note-level columns are repeated on every row of a note (rows are grouped
by `number`). Limits (max length) come from the model fields.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from delivery_notes.models import DeliveryNote, DeliveryNoteLine


class Level(enum.Enum):
    NOTE = "note"
    LINE = "line"


class Kind(enum.Enum):
    TEXT = "text"
    DATE = "date"
    DECIMAL = "decimal"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    COUNTRY = "country"
    CURRENCY = "currency"
    EMAIL = "email"
    URL = "url"
    OPTIONS = "options"


@dataclass(frozen=True, eq=False)
class Column:
    """One column of the format. Compared and hashed by identity (each is defined once here):
    columns key the parser's per-cell dicts, and a field-wise hash would translate the lazy
    description on each cell, a Python-level one cost a tenth of a 10,000-row import."""

    header: str
    field: str
    level: Level
    kind: Kind
    example: str
    description: str | Promise = ""
    required: bool = False
    minimum: int = 0
    #: The model whose field the column fills; None: the note or its line, by `level`.
    model: type[models.Model] | None = None

    @cached_property  # read for every cell of an import
    def model_field(self) -> models.Field:
        model = self.model or (DeliveryNote if self.level is Level.NOTE else DeliveryNoteLine)
        return model._meta.get_field(self.field)

    @property
    def label(self) -> str:
        return str(self.model_field.verbose_name)

    @property
    def max_length(self) -> int | None:
        return self.model_field.max_length


N, L = Level.NOTE, Level.LINE

COLUMNS: tuple[Column, ...] = (
    Column(
        "number",
        "number",
        N,
        Kind.TEXT,
        "DN-2025-0001",
        _("Unique in the brand. Rows with the same number are the lines of one note."),
        required=True,
    ),
    Column("issue_date", "issue_date", N, Kind.DATE, "2025-04-01", _("YYYY-MM-DD. Empty: today.")),
    Column("order_reference", "order_reference", N, Kind.TEXT, "PO-7781"),
    Column(
        "recipient_company",
        "recipient_company",
        N,
        Kind.TEXT,
        "株式会社サンプル商店",
        _("A company or a contact name is required."),
    ),
    Column("recipient_name", "recipient_name", N, Kind.TEXT, "山田 太郎"),
    Column("postal_code", "postal_code", N, Kind.TEXT, "150-0001"),
    Column("prefecture", "prefecture", N, Kind.TEXT, "東京都"),
    Column("city", "city", N, Kind.TEXT, "渋谷区"),
    Column("address_line1", "address_line1", N, Kind.TEXT, "神宮前1-2-3"),
    Column("address_line2", "address_line2", N, Kind.TEXT, "サンプルビル 4F"),
    Column(
        "country_code",
        "country_code",
        N,
        Kind.COUNTRY,
        "JP",
        _("Two-letter ISO code. Empty: JP."),
    ),
    Column("phone", "phone", N, Kind.TEXT, "03-1234-5678"),
    Column("email", "email", N, Kind.EMAIL, "shop@example.jp"),
    Column(
        "requested_carrier",
        "requested_carrier",
        N,
        Kind.TEXT,
        "yamato",
        _("Carrier code: yamato, sagawa, japanpost, seino, dhl, fedex, ups."),
    ),
    Column("requested_service", "requested_service", N, Kind.TEXT, ""),
    Column("delivery_terms", "delivery_terms", N, Kind.TEXT, "元払い"),
    Column("customer_notes", "customer_notes", N, Kind.TEXT, "午前中指定"),
    Column("internal_notes", "internal_notes", N, Kind.TEXT, ""),
    Column("is_gift", "is_gift", N, Kind.BOOLEAN, "0", _("1 or 0 (also yes/no, true/false).")),
    Column("gift_message", "gift_message", N, Kind.TEXT, ""),
    Column("payment_method", "payment_method", N, Kind.TEXT, "請求書払い"),
    Column("discount_code", "discount_code", N, Kind.TEXT, ""),
    Column(
        "total_amount",
        "total_amount",
        N,
        Kind.DECIMAL,
        "7000",
        _("Empty: the sum of the lines."),
    ),
    Column(
        "currency", "currency", N, Kind.CURRENCY, "JPY", _("Three-letter ISO code. Empty: JPY.")
    ),
    Column(
        "total_weight_grams",
        "total_weight_grams",
        N,
        Kind.INTEGER,
        "500",
        _("Empty: the sum of the lines."),
    ),
    Column(
        "item_sku",
        "sku",
        L,
        Kind.TEXT,
        "TOTE-NAT",
        _("A SKU of the catalogue fills an empty name, weight and location from its product."),
    ),
    Column(
        "item_name",
        "name",
        L,
        Kind.TEXT,
        "Linen tote bag",
        _("Required unless the SKU is in the catalogue."),
    ),
    Column(
        "item_options",
        "options",
        L,
        Kind.OPTIONS,
        "color=natural; size=M",
        _("name=value pairs separated by semicolons."),
    ),
    Column(
        "item_quantity",
        "quantity",
        L,
        Kind.INTEGER,
        "2",
        _("A whole number, at least 1."),
        required=True,
        minimum=1,
    ),
    Column("item_unit_price", "unit_price", L, Kind.DECIMAL, "3500"),
    Column("item_weight_grams", "weight_grams", L, Kind.INTEGER, "250"),
    Column("item_location", "warehouse_location", L, Kind.TEXT, "A-01-03"),
    Column("item_image_url", "image_url", L, Kind.URL, "https://example.com/tote.jpg"),
)

COLUMNS_BY_HEADER: dict[str, Column] = {column.header: column for column in COLUMNS}
HEADER: list[str] = [column.header for column in COLUMNS]
EXAMPLE_ROW: list[str] = [column.example for column in COLUMNS]
