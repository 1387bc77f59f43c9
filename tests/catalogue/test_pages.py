"""The product and customer pages: list, search, filters, create, edit, delete; roles; brands."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.catalogue.models import Customer, CustomerAddress, Product
from tests.catalogue.helpers import make_customer, make_product
from tests.delivery_notes.helpers import brand_url, make_note

pytestmark = pytest.mark.django_db

PRODUCT_POST = {
    "sku": "AP-LN-NAT",
    "name": "リネンエプロン",
    "style_code": "AP-LN",
    "options": "カラー=ナチュラル",
    "unit_price": "2600",
    "currency": "jpy",
    "weight_grams": "220",
    "hs_code": "6211.49",
    "country_of_origin": "jp",
    "image_url": "example.com/apron.jpg",
    "warehouse_location": "A-02-01",
    "is_active": "on",
}


def customer_post(code: str = "C-0100", **extra) -> dict:
    return {
        "code": code,
        "company": "有限会社こもれび",
        "contact_name": "佐藤 美咲",
        "email": "order@komorebi.example.jp",
        "phone": "045-123-4567",
        "requested_carrier": "sagawa",
        "requested_service": "",
        "delivery_terms": "元払い",
        "payment_method": "請求書払い",
        "addresses-TOTAL_FORMS": "2",
        "addresses-INITIAL_FORMS": "0",
        "addresses-0-label": "本店",
        "addresses-0-postal_code": "248-0006",
        "addresses-0-country_code": "jp",
        "addresses-0-prefecture": "神奈川県",
        "addresses-0-city": "鎌倉市",
        "addresses-0-address_line1": "小町1-2-3",
        "addresses-1-label": "倉庫",
        "addresses-1-postal_code": "231-0023",
        "addresses-1-country_code": "JP",
        "addresses-1-prefecture": "神奈川県",
        "addresses-1-city": "横浜市中区",
        "addresses-1-address_line1": "山下町1-1",
        "addresses-1-is_default": "on",
        **extra,
    }


def test_staff_creates_and_edits_a_product(staff_client, brand):
    response = staff_client.post(brand_url("product_create", brand), PRODUCT_POST)
    assert response.status_code == 302
    with brand_scope(brand):
        product = Product.objects.get(sku="AP-LN-NAT")
    assert product.options == {"カラー": "ナチュラル"}
    assert (product.currency, product.country_of_origin, product.weight_grams) == ("JPY", "JP", 220)
    assert product.image_url == "https://example.com/apron.jpg"

    edit = brand_url("product_edit", brand, pk=product.pk)
    assert "カラー=ナチュラル" in staff_client.get(edit).content.decode()
    staff_client.post(edit, {**PRODUCT_POST, "weight_grams": "230", "is_active": ""})
    product.refresh_from_db()
    assert (product.weight_grams, product.is_active) == (230, False)


def test_a_sku_is_unique_in_the_brand_only(staff_client, brand, other_brand):
    make_product(brand, "AP-LN-NAT")
    make_product(other_brand, "AP-LN-CHC")
    response = staff_client.post(brand_url("product_create", brand), PRODUCT_POST)
    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["sku"])
    # Brand B's SKU is free in brand A.
    other = {**PRODUCT_POST, "sku": "AP-LN-CHC"}
    assert staff_client.post(brand_url("product_create", brand), other).status_code == 302


def test_product_list_searches_and_filters(staff_client, brand):
    make_product(brand, "TS-WHT-M", name="Tシャツ")
    make_product(brand, "TS-BLK-M", name="Tシャツ", is_active=False)
    make_product(brand, "AP-NAT", name="リネンエプロン", warehouse_location="B-01-01")

    def skus(**params):
        response = staff_client.get(brand_url("product_list", brand), params)
        return [p.sku for p in response.context["page"].object_list]

    assert skus() == ["AP-NAT", "TS-BLK-M", "TS-WHT-M"]
    assert skus(q="ts-") == ["TS-BLK-M", "TS-WHT-M"]
    assert skus(q="エプロン") == ["AP-NAT"]
    assert skus(q="B-01") == ["AP-NAT"]
    assert skus(active="1") == ["AP-NAT", "TS-WHT-M"]
    assert skus(active="0") == ["TS-BLK-M"]
    assert skus(style="TS") == ["TS-BLK-M", "TS-WHT-M"]


def test_staff_creates_a_customer_with_two_addresses_one_default(staff_client, brand):
    response = staff_client.post(brand_url("customer_create", brand), customer_post())
    assert response.status_code == 302, response.context["addresses"].errors
    with brand_scope(brand):
        customer = Customer.objects.get(code="C-0100")
        addresses = list(customer.addresses.order_by("label"))
    assert customer.phone_digits == "0451234567"
    assert [(a.label, a.is_default, a.country_code) for a in addresses] == [
        ("倉庫", True, "JP"),
        ("本店", False, "JP"),
    ]
    detail = staff_client.get(brand_url("customer_detail", brand, pk=customer.pk))
    assert "鎌倉市" in detail.content.decode()


def test_the_default_address_can_move_to_another_address(staff_client, brand):
    customer = make_customer(brand, addresses=2)
    with brand_scope(brand):
        first, second = customer.addresses.order_by("id")
    data = {
        **customer_post(code=customer.code),
        "addresses-TOTAL_FORMS": "2",
        "addresses-INITIAL_FORMS": "2",
        "addresses-0-id": first.pk,
        "addresses-1-id": second.pk,
    }
    response = staff_client.post(brand_url("customer_edit", brand, pk=customer.pk), data)
    assert response.status_code == 302
    with scopes_disabled():
        assert CustomerAddress.objects.get(is_default=True).pk == second.pk


def test_two_default_addresses_are_refused_and_the_first_is_default_when_none(staff_client, brand):
    both = customer_post(**{"addresses-0-is_default": "on"})
    response = staff_client.post(brand_url("customer_create", brand), both)
    assert response.status_code == 200
    assert "only one" in str(response.context["addresses"].non_form_errors())
    none = customer_post(code="C-0200")
    del none["addresses-1-is_default"]
    assert staff_client.post(brand_url("customer_create", brand), none).status_code == 302
    with scopes_disabled():
        assert CustomerAddress.objects.get(is_default=True).label == "本店"


def test_customer_list_searches_code_company_and_phone(staff_client, brand):
    make_customer(brand, "C-0001", company="株式会社ミドリ雑貨店", phone="03-1234-5678")
    make_customer(brand, "R-0002", company="合同会社ひなた堂", phone="092-765-4321")

    def codes(q):
        response = staff_client.get(brand_url("customer_list", brand), {"q": q})
        return [c.code for c in response.context["page"].object_list]

    assert codes("") == ["C-0001", "R-0002"]
    assert codes("r-") == ["R-0002"]
    assert codes("ミドリ") == ["C-0001"]
    assert codes("0927") == ["R-0002"]
    assert codes("(03) 1234") == ["C-0001"]


def test_delete_keeps_the_notes_copy(staff_client, brand):
    product = make_product(brand)
    customer = make_customer(brand)
    note = make_note(brand, lines=1)
    with scopes_disabled():
        line = note.lines.get()
        line.product = product
        line.save()
        note.customer = customer
        note.save()
    assert staff_client.post(brand_url("product_delete", brand, pk=product.pk)).status_code == 302
    assert staff_client.post(brand_url("customer_delete", brand, pk=customer.pk)).status_code == 302
    with scopes_disabled():
        line.refresh_from_db()
        note.refresh_from_db()
    assert line.product is None and line.name == "Linen tote bag"
    assert note.customer is None and note.recipient_company == "株式会社サンプル商店"


@pytest.mark.parametrize(
    "name",
    [
        "product_create",
        "customer_create",
        "products_import",
        "customers_import",
        "products_import_template",
    ],
)
def test_viewers_read_but_do_not_edit(viewer_client, brand, name):
    product = make_product(brand)
    customer = make_customer(brand)
    for page in ("product_list", "customer_list", "product_export", "customer_export"):
        assert viewer_client.get(brand_url(page, brand)).status_code == 200
    assert viewer_client.get(brand_url("product_detail", brand, pk=product.pk)).status_code == 200
    assert viewer_client.get(brand_url("customer_detail", brand, pk=customer.pk)).status_code == 200
    assert viewer_client.get(brand_url(name, brand)).status_code == 403
    assert viewer_client.post(brand_url("product_edit", brand, pk=product.pk)).status_code == 403
    delete = brand_url("customer_delete", brand, pk=customer.pk)
    assert viewer_client.post(delete).status_code == 403
    list_page = viewer_client.get(brand_url("product_list", brand)).content.decode()
    assert brand_url("product_create", brand) not in list_page


def test_another_brands_product_and_customer_are_not_found(staff_client, brand, other_brand):
    product = make_product(other_brand)
    customer = make_customer(other_brand)
    for name, pk in [
        ("product_detail", product.pk),
        ("product_edit", product.pk),
        ("customer_detail", customer.pk),
        ("customer_edit", customer.pk),
    ]:
        assert staff_client.get(brand_url(name, brand, pk=pk)).status_code == 404
    assert staff_client.get(brand_url("product_list", brand)).context["page"].paginator.count == 0
    suggest = staff_client.get(brand_url("customer_suggest", brand), {"q": "C-"})
    assert "ミドリ" not in suggest.content.decode()


def test_the_navigation_links_the_catalogue(staff_client, brand):
    page = staff_client.get(brand_url("dashboard", brand)).content.decode()
    assert brand_url("product_list", brand) in page
    assert brand_url("customer_list", brand) in page


@pytest.mark.parametrize("page", ["product_list", "customer_list", "product_export"])
def test_list_queries_do_not_grow_with_rows(staff_client, brand, page):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(
                brand_url(page, brand), {"q": "C" if "customer" in page else ""}
            )
            if response.streaming:
                b"".join(response.streaming_content)
        return len(captured)

    make_product(brand, "P-000")
    make_customer(brand, "C-000", addresses=2)
    few = queries()
    for i in range(1, 12):
        make_product(brand, f"P-{i:03d}")
        make_customer(brand, f"C-{i:03d}", addresses=2)
    assert queries() == few


def test_customer_detail_queries_do_not_grow_with_addresses(staff_client, brand):
    customer = make_customer(brand, addresses=1)
    url = brand_url("customer_detail", brand, pk=customer.pk)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    with brand_scope(brand):
        for i in range(5):
            CustomerAddress.objects.create(brand=brand, customer=customer, label=f"店{i}")
    with CaptureQueriesContext(connection) as more:
        staff_client.get(url)
    assert len(more) == len(few)
