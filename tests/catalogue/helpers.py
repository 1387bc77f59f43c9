"""Catalogue rows for tests, made through the real models inside the brand's scope."""

from __future__ import annotations

from decimal import Decimal

from brands.scoping import brand_scope
from delivery_notes.catalogue.models import Customer, CustomerAddress, Product


def make_product(brand, sku: str = "TS-WHT-M", **fields) -> Product:
    values = {
        "name": "オーガニックコットンTシャツ",
        "style_code": sku.split("-")[0],
        "options": {"カラー": "ホワイト", "サイズ": "M"},
        "unit_price": Decimal("2800"),
        "weight_grams": 180,
        "warehouse_location": "A-01-02",
        "image_url": "https://example.com/ts.jpg",
        **fields,
    }
    with brand_scope(brand):
        return Product.objects.create(brand=brand, sku=sku, **values)


def make_customer(brand, code: str = "C-0001", *, addresses: int = 1, **fields) -> Customer:
    values = {
        "company": "株式会社ミドリ雑貨店",
        "contact_name": "山田 太郎",
        "email": "order@midori.example.jp",
        "phone": "03-1234-5678",
        "requested_carrier": "yamato",
        "delivery_terms": "元払い",
        "payment_method": "請求書払い",
        **fields,
    }
    with brand_scope(brand):
        customer = Customer.objects.create(brand=brand, code=code, **values)
        for index in range(addresses):
            CustomerAddress.objects.create(
                brand=brand,
                customer=customer,
                label="本店" if index == 0 else f"倉庫{index}",
                postal_code="150-0001" if index == 0 else "231-0023",
                prefecture="東京都" if index == 0 else "神奈川県",
                city="渋谷区" if index == 0 else "横浜市中区",
                address_line1="神宮前1-2-3" if index == 0 else "山下町1-1",
                is_default=index == 0,
            )
    return customer
