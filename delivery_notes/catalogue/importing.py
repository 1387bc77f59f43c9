"""Product and customer CSV imports, on the note import's machinery (`delivery_notes.importing`):
the same decoding, all-or-nothing validation with the row/column/reason table, background jobs
with progress for large files. A row whose key (SKU, customer code) exists updates it; the
outcome says how many were created and how many updated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from brands.models import Brand, User
from delivery_notes import importing
from delivery_notes.catalogue.csv_columns import CUSTOMER_COLUMNS, PRODUCT_COLUMNS
from delivery_notes.catalogue.models import (
    CatalogueImportJob,
    Customer,
    CustomerAddress,
    Product,
    phone_digits,
)
from delivery_notes.csv_columns import Column
from delivery_notes.csv_import import RowError, clean_cell, error_text, read_table

BATCH_SIZE = 500
Kind = CatalogueImportJob.Kind


@dataclass
class CatalogueRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)  # the product's or customer's fields
    address: dict[str, Any] = field(default_factory=dict)  # the default address's (customers)


@dataclass
class CatalogueParse:
    rows: list[CatalogueRow]
    errors: list[RowError]


def _parse(
    text: str,
    columns: Sequence[Column],
    key: str,
    *,
    required_when_new: Callable[[CatalogueRow], str | None],
    existing: Callable[[set[str]], set[str]],
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 100,
) -> CatalogueParse:
    errors: list[RowError] = []

    def error(row: int, column: str, message: str) -> None:
        errors.append(RowError(row, column, message))

    rows: list[CatalogueRow] = []
    first_row: dict[str, int] = {}
    for row, cells in read_table(
        text, columns, error, on_progress=on_progress, progress_every=progress_every
    ):
        parsed = CatalogueRow(row)
        for column in columns:
            raw = cells.get(column, "")
            if not raw:
                if column.required:
                    error(row, column.header, _("This column is required."))
                continue
            target = parsed.values if column.model in (Product, Customer) else parsed.address
            try:
                target[column.field] = clean_cell(column, raw)
            except ValidationError as exc:
                error(row, column.header, error_text(exc))
        value = parsed.values.get(key)
        if value:
            if value in first_row:
                error(
                    row,
                    key,
                    _("“%(value)s” appears twice (also in row %(row)d).")
                    % {"value": value, "row": first_row[value]},
                )
            first_row.setdefault(value, row)
        rows.append(parsed)
    known = existing(set(first_row))
    for parsed in rows:
        if parsed.values.get(key) not in known:
            column_and_message = required_when_new(parsed)
            if column_and_message:
                error(parsed.row, *column_and_message)
    errors.sort(key=lambda e: e.row)
    return CatalogueParse(rows=rows, errors=errors)


def _existing(model: type, key: str) -> Callable[[set[str]], set[str]]:
    def lookup(values: set[str]) -> set[str]:
        wanted, found = sorted(values), set()
        for start in range(0, len(wanted), BATCH_SIZE):
            chunk = wanted[start : start + BATCH_SIZE]
            found.update(model.objects.filter(**{f"{key}__in": chunk}).values_list(key, flat=True))
        return found

    return lookup


def parse_products(text: str, **progress) -> CatalogueParse:
    def needs_name(row: CatalogueRow):
        return None if row.values.get("name") else ("name", _("Required for a new SKU."))

    return _parse(
        text,
        PRODUCT_COLUMNS,
        "sku",
        required_when_new=needs_name,
        existing=_existing(Product, "sku"),
        **progress,
    )


def parse_customers(text: str, **progress) -> CatalogueParse:
    def needs_name(row: CatalogueRow):
        if row.values.get("company") or row.values.get("contact_name"):
            return None
        return ("company", _("Enter a company or a contact name."))

    return _parse(
        text,
        CUSTOMER_COLUMNS,
        "code",
        required_when_new=needs_name,
        existing=_existing(Customer, "code"),
        **progress,
    )


def _upsert(
    brand: Brand, model: type, key: str, rows: list[CatalogueRow], prepare: Callable
) -> tuple[list, list]:
    """Create the rows whose key is new and update the others (only their non-empty cells)."""
    created, updated = [], []
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        current = {
            getattr(obj, key): obj
            for obj in model.objects.filter(**{f"{key}__in": [r.values[key] for r in batch]})
        }
        new, changed, fields = [], [], set()
        for row in batch:
            obj = current.get(row.values[key])
            if obj is None:
                obj = model(brand=brand)
                new.append((row, obj))
            else:
                changed.append((row, obj))
                fields.update(row.values)
            for name, value in row.values.items():
                setattr(obj, name, value)
            fields.update(prepare(obj))
        model.objects.bulk_create([obj for _row, obj in new])
        if changed and fields - {key}:
            model.objects.bulk_update([obj for _row, obj in changed], sorted(fields - {key}))
        created += new
        updated += changed
    return created, updated


def write_products(
    brand: Brand, parsed: CatalogueParse, *, actor: User | None, filename: str
) -> dict[str, int]:
    created, updated = _upsert(brand, Product, "sku", parsed.rows, lambda obj: ())
    return {"created_count": len(created), "updated_count": len(updated)}


def _with_phone_digits(customer: Customer) -> tuple[str, ...]:
    customer.phone_digits = phone_digits(customer.phone)
    return ("phone_digits",)


def write_customers(
    brand: Brand, parsed: CatalogueParse, *, actor: User | None, filename: str
) -> dict[str, int]:
    created, updated = _upsert(brand, Customer, "code", parsed.rows, _with_phone_digits)
    defaults = {
        address.customer_id: address
        for address in CustomerAddress.objects.filter(
            customer__in=[customer for row, customer in updated if row.address], is_default=True
        )
    }
    new_addresses, changed_addresses, fields = [], [], set()
    for row, customer in [*created, *updated]:
        if not row.address:
            continue
        address = defaults.get(customer.pk)
        if address is None:
            new_addresses.append(
                CustomerAddress(brand=brand, customer=customer, is_default=True, **row.address)
            )
            continue
        for name, value in row.address.items():
            setattr(address, name, value)
        fields.update(row.address)
        changed_addresses.append(address)
    CustomerAddress.objects.bulk_create(new_addresses, batch_size=BATCH_SIZE)
    if changed_addresses:
        CustomerAddress.objects.bulk_update(
            changed_addresses, sorted(fields), batch_size=BATCH_SIZE
        )
    return {"created_count": len(created), "updated_count": len(updated)}


def _conflict(key: str, what: str) -> Callable[[], RowError]:
    def conflict() -> RowError:
        return RowError(
            0,
            key,
            _("Another %(what)s with one of these keys was saved meanwhile. Upload the file again.")
            % {"what": what},
        )

    return conflict


def _enqueue(brand_id: int, job_id: int) -> None:
    from delivery_notes.catalogue.tasks import run_catalogue_import

    run_catalogue_import.delay(brand_id, job_id)


def _spec(kind: str, parse, write, key: str, what: str) -> importing.ImportSpec:
    return importing.ImportSpec(
        jobs=lambda: CatalogueImportJob.objects.filter(kind=kind),
        parse=parse,
        write=write,
        conflict=_conflict(key, what),
        async_rows=lambda: settings.DELIVERY_NOTE_IMPORT_ASYNC_ROWS,
        enqueue=_enqueue,
        job_fields=lambda: {"kind": kind},
    )


SPECS: dict[str, importing.ImportSpec] = {
    Kind.PRODUCTS: _spec(Kind.PRODUCTS, parse_products, write_products, "sku", "product"),
    Kind.CUSTOMERS: _spec(Kind.CUSTOMERS, parse_customers, write_customers, "code", "customer"),
}


def start_import(
    kind: str, brand: Brand, data: bytes, *, filename: str, actor: User
) -> importing.ImportOutcome:
    """Import an uploaded product or customer file now, or queue it. Raises ImportFileError."""
    return importing.start(SPECS[kind], brand, data, filename=filename, actor=actor)


def process_job(job_id: int, *, retryable: tuple[type[Exception], ...] = ()) -> None:
    """Run a queued catalogue import (either kind) in the brand's scope."""
    kind = CatalogueImportJob.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    if kind in SPECS:
        importing.run_job(SPECS[kind], job_id, retryable=retryable)
