"""The product and customer CSV formats, defined once (template, parser, export and the column
reference on the import pages read these tables), in the note import's `Column` terms.

Products: one row per SKU. Customers: one row per customer, with its default shipping address
(further addresses are kept in the browser). The key column (sku, code) decides between creating
and updating; on an update an empty cell leaves the current value as it is.
"""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext_lazy as _

from delivery_notes.catalogue.models import Customer, CustomerAddress, Product
from delivery_notes.csv_columns import Column, Kind, Level

# The catalogue's tables have one level; Level only matters to the note import.
_product = partial(Column, level=Level.LINE, model=Product)
_customer = partial(Column, level=Level.NOTE, model=Customer)
_address = partial(Column, level=Level.NOTE, model=CustomerAddress)

EMPTY_KEEPS = _("Empty on an update: unchanged.")

PRODUCT_COLUMNS: tuple[Column, ...] = (
    _product(
        header="sku",
        field="sku",
        kind=Kind.TEXT,
        example="TS-OC-WHT-M",
        description=_("Unique in the brand. A SKU that exists already is updated."),
        required=True,
    ),
    _product(
        header="name",
        field="name",
        kind=Kind.TEXT,
        example="オーガニックコットンTシャツ",
        description=_("Required for a new SKU."),
    ),
    _product(
        header="style_code",
        field="style_code",
        kind=Kind.TEXT,
        example="TS-OC",
        description=_("The parent style: the variants of one product share it."),
    ),
    _product(
        header="options",
        field="options",
        kind=Kind.OPTIONS,
        example="カラー=ホワイト; サイズ=M",
        description=_("name=value pairs separated by semicolons."),
    ),
    _product(header="unit_price", field="unit_price", kind=Kind.DECIMAL, example="2800"),
    _product(
        header="currency",
        field="currency",
        kind=Kind.CURRENCY,
        example="JPY",
        description=_("Three-letter ISO code. Empty: JPY."),
    ),
    _product(
        header="weight_grams",
        field="weight_grams",
        kind=Kind.INTEGER,
        example="180",
        description=_("Per unit, in grams."),
    ),
    _product(header="hs_code", field="hs_code", kind=Kind.TEXT, example="6109.10"),
    _product(
        header="country_of_origin",
        field="country_of_origin",
        kind=Kind.COUNTRY,
        example="JP",
        description=_("Two-letter ISO code."),
    ),
    _product(
        header="image_url",
        field="image_url",
        kind=Kind.URL,
        example="https://example.com/ts-oc-wht.jpg",
    ),
    _product(
        header="warehouse_location",
        field="warehouse_location",
        kind=Kind.TEXT,
        example="A-01-02",
    ),
    _product(
        header="active",
        field="is_active",
        kind=Kind.BOOLEAN,
        example="1",
        description=_("1 or 0. Empty: 1 for a new SKU."),
    ),
)

CUSTOMER_COLUMNS: tuple[Column, ...] = (
    _customer(
        header="code",
        field="code",
        kind=Kind.TEXT,
        example="C-0001",
        description=_("Unique in the brand. A code that exists already is updated."),
        required=True,
    ),
    _customer(
        header="company",
        field="company",
        kind=Kind.TEXT,
        example="株式会社ミドリ雑貨店",
        description=_("A company or a contact name is required for a new customer."),
    ),
    _customer(header="contact_name", field="contact_name", kind=Kind.TEXT, example="山田 太郎"),
    _customer(header="email", field="email", kind=Kind.EMAIL, example="order@midori.example.jp"),
    _customer(header="phone", field="phone", kind=Kind.TEXT, example="03-1234-5678"),
    _customer(header="delivery_terms", field="delivery_terms", kind=Kind.TEXT, example="元払い"),
    _customer(
        header="requested_carrier",
        field="requested_carrier",
        kind=Kind.TEXT,
        example="yamato",
        description=_("Carrier code: yamato, sagawa, japanpost, seino, dhl, fedex, ups."),
    ),
    _customer(header="requested_service", field="requested_service", kind=Kind.TEXT, example=""),
    _customer(
        header="payment_method", field="payment_method", kind=Kind.TEXT, example="請求書払い"
    ),
    _address(
        header="address_label",
        field="label",
        kind=Kind.TEXT,
        example="本店",
        description=_("The default shipping address starts here."),
    ),
    _address(header="postal_code", field="postal_code", kind=Kind.TEXT, example="150-0001"),
    _address(header="prefecture", field="prefecture", kind=Kind.TEXT, example="東京都"),
    _address(header="city", field="city", kind=Kind.TEXT, example="渋谷区"),
    _address(header="address_line1", field="address_line1", kind=Kind.TEXT, example="神宮前1-2-3"),
    _address(
        header="address_line2", field="address_line2", kind=Kind.TEXT, example="サンプルビル 4F"
    ),
    _address(
        header="country_code",
        field="country_code",
        kind=Kind.COUNTRY,
        example="JP",
        description=_("Two-letter ISO code. Empty: JP."),
    ),
)


def header(columns: tuple[Column, ...]) -> list[str]:
    return [column.header for column in columns]


def example_row(columns: tuple[Column, ...]) -> list[str]:
    return [column.example for column in columns]
