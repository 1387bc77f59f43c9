"""Product and customer CSV import/export: all-or-nothing, encodings, created/updated counts,
background jobs; and the delivery-note import's fill-in from the catalogue."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.catalogue import importing
from delivery_notes.catalogue.csv_columns import CUSTOMER_COLUMNS, PRODUCT_COLUMNS, header
from delivery_notes.catalogue.models import CatalogueImportJob, Customer, CustomerAddress, Product
from delivery_notes.models import DeliveryNote, DeliveryNoteLine, ImportJob
from tests.catalogue.helpers import make_customer, make_product
from tests.delivery_notes.helpers import brand_url
from tests.delivery_notes.test_import import csv_text as note_csv
from tests.delivery_notes.test_import import row as note_row

pytestmark = pytest.mark.django_db


def table(columns, rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def product_row(sku: str, **values) -> dict[str, str]:
    return {
        "sku": sku,
        "name": "注染てぬぐい",
        "style_code": "TN-CS",
        "options": "柄=麻の葉",
        "unit_price": "800",
        "weight_grams": "50",
        "warehouse_location": "A-04-02",
        "country_of_origin": "jp",
        **values,
    }


def customer_row(code: str, **values) -> dict[str, str]:
    return {
        "code": code,
        "company": "株式会社白樺",
        "phone": "011-234-5678",
        "requested_carrier": "yamato",
        "postal_code": "060-0061",
        "prefecture": "北海道",
        "city": "札幌市中央区",
        "address_line1": "南一条西1-2-3",
        **values,
    }


def upload(client, brand, kind: str, content: bytes, name: str = "catalogue.csv"):
    return client.post(
        brand_url(f"{kind}_import", brand),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_products_import_in_every_encoding(staff_client, brand, encoding):
    text = table(PRODUCT_COLUMNS, [product_row("TN-CS-ASA"), product_row("TN-CS-SEI")])
    response = upload(staff_client, brand, "products", text.encode(encoding))
    assert response.status_code == 302
    with brand_scope(brand):
        product = Product.objects.get(sku="TN-CS-ASA")
        assert Product.objects.count() == 2
    assert product.name == "注染てぬぐい" and product.options == {"柄": "麻の葉"}
    assert (product.unit_price, product.weight_grams, product.country_of_origin) == (
        Decimal(800),
        50,
        "JP",
    )
    assert product.currency == "JPY" and product.is_active
    message = str(list(response.wsgi_request._messages)[0])
    assert message == "Products imported: 2 created, 0 updated."


def test_an_update_changes_only_the_filled_cells_and_counts_created_and_updated(
    staff_client, brand
):
    make_product(brand, "TN-CS-ASA", name="Old name", weight_grams=40, hs_code="6302.60")
    text = table(
        PRODUCT_COLUMNS,
        [{"sku": "TN-CS-ASA", "weight_grams": "55"}, product_row("TN-CS-SHI", active="0")],
    )
    response = upload(staff_client, brand, "products", text.encode())
    assert "1 created, 1 updated" in str(list(response.wsgi_request._messages)[0])
    with brand_scope(brand):
        updated = Product.objects.get(sku="TN-CS-ASA")
        created = Product.objects.get(sku="TN-CS-SHI")
    assert (updated.name, updated.weight_grams, updated.hs_code) == ("Old name", 55, "6302.60")
    assert not created.is_active


def test_a_broken_file_imports_nothing_and_lists_every_problem(staff_client, brand):
    make_product(brand, "KEEP", name="Kept", weight_grams=10)
    rows = [
        {"sku": "KEEP", "weight_grams": "11"},  # fine on its own
        product_row("NEW-1", weight_grams="heavy"),
        product_row("NEW-2", name="", unit_price="-1"),
        product_row("NEW-1"),
        product_row("", country_of_origin="XX"),
    ]
    response = upload(staff_client, brand, "products", table(PRODUCT_COLUMNS, rows).encode())
    assert response.status_code == 200
    problems = [(e.row, e.column) for e in response.context["errors"]]
    assert problems == [
        (3, "weight_grams"),
        (4, "unit_price"),
        (4, "name"),
        (5, "sku"),
        (6, "sku"),
        (6, "country_of_origin"),
    ]
    page = response.content.decode()
    assert "Nothing was imported" in page and "appears twice (also in row 3)" in page
    with brand_scope(brand):
        assert list(Product.objects.values_list("sku", "weight_grams")) == [("KEEP", 10)]


def test_customers_import_creates_updates_and_sets_the_default_address(staff_client, brand):
    existing = make_customer(brand, "C-0001", addresses=1)
    rows = [
        customer_row("C-0001", company="", postal_code="231-0023", city="横浜市中区"),
        customer_row("C-0002", email="order@shirakaba.example.jp"),
        {"code": "C-0003", "contact_name": "田中 直樹"},
    ]
    response = upload(staff_client, brand, "customers", table(CUSTOMER_COLUMNS, rows).encode())
    assert "1 updated" in str(list(response.wsgi_request._messages)[0])
    with brand_scope(brand):
        existing.refresh_from_db()
        address = existing.addresses.get()
        new = Customer.objects.get(code="C-0002")
        assert existing.company == "株式会社ミドリ雑貨店"  # empty cell: unchanged
        assert (address.postal_code, address.city, address.is_default) == (
            "231-0023",
            "横浜市中区",
            True,
        )
        assert address.address_line1 == "南一条西1-2-3"
        assert new.phone_digits == "0112345678"
        assert new.addresses.get().is_default
        assert not Customer.objects.get(code="C-0003").addresses.exists()


def test_a_new_customer_needs_a_name(staff_client, brand):
    response = upload(
        staff_client, brand, "customers", table(CUSTOMER_COLUMNS, [{"code": "X"}]).encode()
    )
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "company")]


def test_export_then_import_round_trips_as_updates(staff_client, brand):
    make_product(brand, "TS-WHT-M")
    make_product(brand, "TS-WHT-L", unit_price=Decimal("2950.50"))
    make_customer(brand, "C-0001", addresses=2)
    for kind, name in (("products", "product_export"), ("customers", "customer_export")):
        exported = b"".join(staff_client.get(brand_url(name, brand)).streaming_content)
        assert exported.startswith("\ufeff".encode())
        response = upload(staff_client, brand, kind, exported)
        assert response.status_code == 302, response.context and response.context["errors"]
        assert "0 created" in str(list(response.wsgi_request._messages)[-1])
    with brand_scope(brand):
        assert Product.objects.get(sku="TS-WHT-L").unit_price == Decimal("2950.50")
        assert CustomerAddress.objects.filter(is_default=True).count() == 1


def test_the_template_downloads_and_imports_as_is(staff_client, brand):
    for kind in ("products", "customers"):
        template = staff_client.get(brand_url(f"{kind}_import_template", brand))
        assert template["Content-Type"].startswith("text/csv")
        response = upload(staff_client, brand, kind, template.content)
        assert response.status_code == 302


@override_settings(DELIVERY_NOTE_IMPORT_ASYNC_ROWS=1)
def test_large_files_import_in_the_background_with_progress(
    staff_client, brand, django_capture_on_commit_callbacks
):
    make_product(brand, "TN-CS-ASA", name="Old")
    rows = [product_row("TN-CS-ASA"), product_row("TN-CS-SEI"), product_row("TN-CS-SHI")]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(staff_client, brand, "products", table(PRODUCT_COLUMNS, rows).encode())
    with scopes_disabled():
        job = CatalogueImportJob.objects.get()
    assert response.url == brand_url("products_import_status", brand, job_pk=job.pk)
    assert (job.status, job.kind, job.created_count, job.updated_count) == (
        "done",
        "products",
        2,
        1,
    )
    page = staff_client.get(response.url).content.decode()
    assert "Imported: 2 created, 1 updated." in page
    # A duplicate delivery of the task changes nothing.
    with brand_scope(brand):
        importing.process_job(job.pk)
        assert Product.objects.count() == 3
    # The customers' status URL does not show a products job.
    other = brand_url("customers_import_status", brand, job_pk=job.pk)
    assert staff_client.get(other).status_code == 404


@override_settings(DELIVERY_NOTE_IMPORT_ASYNC_ROWS=1)
def test_a_broken_large_file_fails_its_job_and_imports_nothing(
    staff_client, brand, django_capture_on_commit_callbacks
):
    rows = [customer_row("C-1"), customer_row("C-2", email="not-an-email")]
    with django_capture_on_commit_callbacks(execute=True):
        upload(staff_client, brand, "customers", table(CUSTOMER_COLUMNS, rows).encode())
    with scopes_disabled():
        job = CatalogueImportJob.objects.get()
        assert not Customer.objects.exists()
    assert job.status == "failed" and [e["column"] for e in job.errors] == ["email"]


def test_the_note_import_fills_names_and_weights_from_the_catalogue(staff_client, brand):
    product = make_product(brand, "TS-WHT-M", weight_grams=180)
    rows = [
        note_row("CAT-1", item="", item_sku="TS-WHT-M", item_weight_grams=""),
        note_row("CAT-1", item="Own name", item_sku="TS-WHT-M", item_weight_grams="999"),
        note_row("CAT-2", item="Not in the catalogue", item_sku="ZZZ"),
    ]
    response = staff_client.post(
        brand_url("note_import", brand),
        {"file": SimpleUploadedFile("n.csv", note_csv(rows).encode(), content_type="text/csv")},
    )
    assert response.status_code == 302
    texts = [str(m) for m in response.wsgi_request._messages]
    assert "The name or weight of 1 line was taken from the catalogue (by its SKU)." in texts
    with brand_scope(brand):
        lines = list(DeliveryNoteLine.objects.order_by("note__number", "position"))
        note = DeliveryNote.objects.get(number="CAT-1")
    assert [(line.name, line.weight_grams, line.product_id) for line in lines] == [
        ("オーガニックコットンTシャツ", 180, product.pk),
        ("Own name", 999, product.pk),
        ("Not in the catalogue", 250, None),
    ]
    assert note.total_weight_grams == 2 * 180 + 2 * 999


def test_a_note_line_without_a_name_or_a_known_sku_is_an_error(staff_client, brand):
    rows = [note_row("CAT-1", item="", item_sku="UNKNOWN")]
    response = staff_client.post(
        brand_url("note_import", brand),
        {"file": SimpleUploadedFile("n.csv", note_csv(rows).encode(), content_type="text/csv")},
    )
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "item_name")]


@override_settings(DELIVERY_NOTE_IMPORT_ASYNC_ROWS=1)
def test_the_background_note_import_reports_the_fill_in(
    staff_client, brand, django_capture_on_commit_callbacks
):
    make_product(brand, "TS-WHT-M")
    rows = [note_row("BG-1", item="", item_sku="TS-WHT-M"), note_row("BG-2")]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            brand_url("note_import", brand),
            {"file": SimpleUploadedFile("n.csv", note_csv(rows).encode(), content_type="text/csv")},
        )
    with scopes_disabled():
        job = ImportJob.objects.get()
    assert (job.status, job.created_notes, job.filled_lines) == ("done", 2, 1)
    assert "taken from the catalogue" in staff_client.get(response.url).content.decode()
