"""CSV export of the catalogue, in the import's own format (export, edit, import again).

Rows stream from the database in chunks, so a brand with 50,000 products exports in flat memory.
A streamed body is read after the view (and the request's brand scope) has returned: the row
generators open the brand's scope themselves.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Prefetch
from django.http import StreamingHttpResponse

from brands.models import Brand
from brands.scoping import brand_scope
from delivery_notes.catalogue.csv_columns import CUSTOMER_COLUMNS, PRODUCT_COLUMNS, header
from delivery_notes.catalogue.models import Customer, CustomerAddress, Product
from delivery_notes.catalogue.prefill import plain_number
from delivery_notes.csv_columns import Column, Kind
from delivery_notes.line_options import format_options

CHUNK = 2000


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(column: Column, value) -> str:
    if column.kind is Kind.BOOLEAN:
        return "1" if value else "0"
    if column.kind is Kind.OPTIONS:
        return format_options(value)
    if isinstance(value, Decimal):
        return plain_number(value)
    return "" if value is None else str(value)


def product_rows(brand: Brand) -> Iterator[list[str]]:
    yield header(PRODUCT_COLUMNS)
    with brand_scope(brand):
        for product in Product.objects.order_by("sku").iterator(chunk_size=CHUNK):
            yield [_cell(c, getattr(product, c.field)) for c in PRODUCT_COLUMNS]


def customer_rows(brand: Brand) -> Iterator[list[str]]:
    yield header(CUSTOMER_COLUMNS)
    with brand_scope(brand):
        customers = Customer.objects.order_by("code").prefetch_related(
            Prefetch(
                "addresses",
                queryset=CustomerAddress.objects.filter(is_default=True),
                to_attr="default_addresses",
            )
        )
        for customer in customers.iterator(chunk_size=CHUNK):
            address = customer.default_addresses[0] if customer.default_addresses else None
            yield [
                _cell(c, getattr(customer if c.model is Customer else address, c.field, ""))
                for c in CUSTOMER_COLUMNS
            ]


def csv_response(rows: Iterable[list[str]], filename: str) -> StreamingHttpResponse:
    """UTF-8 with BOM, so spreadsheet apps read the kanji."""
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
