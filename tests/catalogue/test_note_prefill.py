"""The delivery-note form fills from the catalogue, and the note keeps its own copy."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import DeliveryNote
from tests.catalogue.helpers import make_customer, make_product
from tests.delivery_notes.helpers import brand_url
from tests.delivery_notes.test_note_form import note_data

pytestmark = pytest.mark.django_db

FILL = re.compile(r'data-fill="([^"]*)"')


def fills(response) -> list[dict]:
    return [json.loads(html.unescape(found)) for found in FILL.findall(response.content.decode())]


def test_customer_suggestions_fill_the_recipient_and_defaults_per_address(staff_client, brand):
    make_customer(brand, "C-0001", addresses=2)
    make_customer(brand, "C-0002", company="合同会社ひなた堂", phone="092-765-4321", addresses=0)
    url = brand_url("customer_suggest", brand)

    by_code = fills(staff_client.get(url, {"q": "c-0001"}))
    assert [f["city"] for f in by_code] == ["渋谷区", "横浜市中区"]  # the default first
    first = by_code[0]
    assert first["recipient_company"] == "株式会社ミドリ雑貨店"
    assert first["recipient_name"] == "山田 太郎"
    assert first["phone"] == "03-1234-5678"  # the address has none: the customer's
    assert (first["requested_carrier"], first["delivery_terms"]) == ("yamato", "元払い")
    assert "requested_service" not in first  # the customer has none: the note keeps its own

    by_phone = fills(staff_client.get(url, {"q": "092 765"}))
    assert [f["recipient_company"] for f in by_phone] == ["合同会社ひなた堂"]
    assert fills(staff_client.get(url, {"q": "ひなた"}))[0]["customer"] == by_phone[0]["customer"]
    assert "Nothing found" in staff_client.get(url, {"q": "zzz"}).content.decode()


def test_product_suggestions_fill_a_line(staff_client, brand):
    product = make_product(brand, "TS-WHT-M")
    make_product(brand, "TS-OLD", is_active=False)
    found = fills(staff_client.get(brand_url("product_suggest", brand), {"q": "ts-"}))
    assert found == [
        {
            "product": product.pk,
            "sku": "TS-WHT-M",
            "name": "オーガニックコットンTシャツ",
            "options": "カラー=ホワイト; サイズ=M",
            "unit_price": "2800",
            "weight_grams": 180,
            "warehouse_location": "A-01-02",
            "image_url": "https://example.com/ts.jpg",
        }
    ]
    by_name = fills(staff_client.get(brand_url("product_suggest", brand), {"q": "コットン"}))
    assert [f["sku"] for f in by_name] == ["TS-WHT-M"]


def test_suggestions_take_the_same_queries_for_many_rows(staff_client, brand):
    def queries(name: str, q: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(brand_url(name, brand), {"q": q}).status_code == 200
        return len(captured)

    make_product(brand, "SKU-000")
    make_customer(brand, "C-000", addresses=2)
    few = (queries("product_suggest", "SKU"), queries("customer_suggest", "C-"))
    for i in range(1, 15):
        make_product(brand, f"SKU-{i:03d}")
        make_customer(brand, f"C-{i:03d}", addresses=2)
    assert (queries("product_suggest", "SKU"), queries("customer_suggest", "C-")) == few


def test_the_note_form_offers_the_pickers(staff_client, brand):
    page = staff_client.get(brand_url("note_create", brand)).content.decode()
    assert 'id="customer-search"' in page
    assert brand_url("customer_suggest", brand) in page
    assert brand_url("product_suggest", brand) in page
    assert "js/catalogue_picker.js" in page
    assert 'name="customer"' in page and 'name="lines-0-product"' in page


def test_a_note_saved_from_the_catalogue_keeps_its_copy_and_the_links(staff_client, brand):
    product = make_product(brand, "TS-WHT-M")
    customer = make_customer(brand)
    data = note_data(
        customer=str(customer.pk),
        recipient_company="株式会社ミドリ雑貨店",
        lines=[
            {
                "product": str(product.pk),
                "sku": "TS-WHT-M",
                "name": "オーガニックコットンTシャツ",
                "quantity": "3",
                "unit_price": "2800",
                "weight_grams": "180",
            },
            # Picked, then the SKU was typed over: no longer that product.
            {"product": str(product.pk), "sku": "OTHER", "name": "Other", "quantity": "1"},
        ],
    )
    response = staff_client.post(brand_url("note_create", brand), data)
    assert response.status_code == 302
    with brand_scope(brand):
        note = DeliveryNote.objects.get(number="DN-NEW-1")
        lines = list(note.lines.all())
        assert note.customer_id == customer.pk
        assert [line.product_id for line in lines] == [product.pk, None]
        assert note.total_weight_grams == 540
        # Editing the product later does not change the note.
        product.name, product.weight_grams = "Renamed", 999
        product.save()
        lines[0].refresh_from_db()
    assert (lines[0].name, lines[0].weight_grams) == ("オーガニックコットンTシャツ", 180)


def test_another_brands_customer_or_product_cannot_be_linked(staff_client, brand, other_brand):
    theirs = make_customer(other_brand)
    their_product = make_product(other_brand)
    data = note_data(
        customer=str(theirs.pk),
        lines=[{"product": str(their_product.pk), "sku": "TS-WHT-M", "name": "T", "quantity": "1"}],
    )
    response = staff_client.post(brand_url("note_create", brand), data)
    assert response.status_code == 200
    assert "customer" in response.context["form"].errors
    assert "product" in response.context["lines"].forms[0].errors
    with scopes_disabled():
        assert not DeliveryNote.objects.filter(number="DN-NEW-1").exists()
