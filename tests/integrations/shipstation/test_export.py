"""ShipStation Custom Store export: the `<Orders>` document follows the reference's element rules
and stays well-formed XML whatever the notes hold."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, datetime
from decimal import Decimal
from xml.etree.ElementTree import Element
from zoneinfo import ZoneInfo

import defusedxml.ElementTree as SafeET
import pytest

from brands.scoping import scopes_disabled
from delivery_notes.models import DeliveryNote, ShippingStatus
from integrations.shipstation import facts
from integrations.shipstation.custom_store.export import (
    ExportItem,
    OrderForExport,
    Party,
    build_orders_document,
    cdata,
    clean_text,
    cut,
    fallback_sku,
    line_item_id,
    line_pk_from_item_id,
    money,
    order_from_note,
    page_count,
    utf16_length,
)
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory

JST = ZoneInfo("Asia/Tokyo")
DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


def make_item(**overrides) -> ExportItem:
    values = {
        "line_item_id": "1",
        "sku": "TS-001-BLK-M",
        "name": "Linen shirt",
        "quantity": 4,
        "unit_price": Decimal("12000"),
        "image_url": "https://img.example/ts-001.jpg",
        "weight_grams": 300,
        "location": "A-03-2",
        "options": (("Colour", "Black"), ("Size", "M")),
    }
    values.update(overrides)
    return ExportItem(**values)


def make_order(**overrides) -> OrderForExport:
    """The reference's example order (ordered 09:30 Japan time)."""
    values = {
        "order_id": "81",
        "order_number": "DN-2026-00081",
        "order_date": datetime(2026, 11, 20, 9, 30, tzinfo=JST),
        "last_modified": datetime(2026, 11, 21, 15, 2, tzinfo=JST),
        "order_status": "ready",
        "order_total": Decimal("47520"),
        "ship_to": Party(
            name="Sato Hanako",
            company="Select Shop Aoyama",
            address1="5-1-1 Minami-Aoyama",
            city="Minato-ku",
            state="Tokyo",
            postal_code="107-0062",
            country="JP",
            phone="03-1234-5678",
            email="buyer@shop.example",
        ),
        "items": (make_item(),),
        "customer_code": "buyer@shop.example",
        "shipping_method": "Yamato TA-Q-BIN",
        "payment_method": "Invoice",
        "currency": "JPY",
        "tax_amount": Decimal("4320"),
        "customer_notes": "Deliver before noon",
        "internal_notes": "Fragile",
        "custom_fields": ("PO-7781", "", ""),
    }
    values.update(overrides)
    return OrderForExport(**values)


def parse(document: bytes) -> Element:
    assert document.startswith(DECLARATION)
    return SafeET.fromstring(document, forbid_dtd=True)


def only_order(**overrides) -> Element:
    root = parse(build_orders_document([make_order(**overrides)], pages=1))
    (order,) = root.findall("Order")
    return order


def value(element: Element, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else (found.text or "")


# --- Document shape -----------------------------------------------------------------------------


def test_empty_window_is_an_empty_orders_element_not_an_empty_body():
    document = build_orders_document([], pages=0)
    assert document == DECLARATION + b'\n<Orders pages="0"/>\n'
    root = parse(document)
    assert root.tag == "Orders" and root.attrib == {"pages": "0"} and len(root) == 0


def test_pages_must_hold_the_orders():
    with pytest.raises(ValueError):
        build_orders_document([make_order()], pages=0)
    with pytest.raises(ValueError):
        build_orders_document([], pages=-1)


def test_page_count():
    assert page_count(0) == 0
    assert page_count(1) == 1
    assert page_count(100) == 1
    assert page_count(101) == 2
    assert page_count(250, page_size=50) == 5


def test_reference_example_elements():
    root = parse(
        build_orders_document(
            [make_order(discount_amount=Decimal("4800"), discount_code="SPRING10")], pages=1
        )
    )
    assert root.attrib == {"pages": "1"}
    order = root.find("Order")
    expected = {
        "OrderID": "81",
        "OrderNumber": "DN-2026-00081",
        "OrderDate": "11/20/2026 00:30",  # 09:30 Japan time
        "LastModified": "11/21/2026 06:02",
        "OrderStatus": "ready",
        "ShippingMethod": "Yamato TA-Q-BIN",
        "PaymentMethod": "Invoice",
        "CurrencyCode": "JPY",
        "OrderTotal": "47520.00",
        "TaxAmount": "4320.00",
        "ShippingAmount": "0.00",
        "CustomerNotes": "Deliver before noon",
        "InternalNotes": "Fragile",
        "Gift": "false",
        "GiftMessage": "",
        "CustomField1": "PO-7781",
        "Customer/CustomerCode": "buyer@shop.example",
        "Customer/BillTo/Name": "Sato Hanako",
        "Customer/BillTo/Company": "Select Shop Aoyama",
        "Customer/BillTo/Phone": "03-1234-5678",
        "Customer/BillTo/Email": "buyer@shop.example",
        "Customer/ShipTo/Name": "Sato Hanako",
        "Customer/ShipTo/Company": "Select Shop Aoyama",
        "Customer/ShipTo/Address1": "5-1-1 Minami-Aoyama",
        "Customer/ShipTo/Address2": "",
        "Customer/ShipTo/City": "Minato-ku",
        "Customer/ShipTo/State": "Tokyo",
        "Customer/ShipTo/PostalCode": "107-0062",
        "Customer/ShipTo/Country": "JP",
        "Customer/ShipTo/Phone": "03-1234-5678",
    }
    assert {path: value(order, path) for path in expected} == expected
    item, adjustment = order.findall("Items/Item")
    assert {child.tag: child.text or "" for child in item if child.tag != "Options"} == {
        "LineItemID": "1",
        "SKU": "TS-001-BLK-M",
        "Name": "Linen shirt",
        "ImageUrl": "https://img.example/ts-001.jpg",
        "Weight": "300",
        "WeightUnits": "Grams",
        "Quantity": "4",
        "UnitPrice": "12000.00",
        "Location": "A-03-2",
    }
    options = [(value(o, "Name"), value(o, "Value")) for o in item.findall("Options/Option")]
    assert options == [("Colour", "Black"), ("Size", "M")]
    assert {child.tag: child.text for child in adjustment} == {
        "LineItemID": facts.DISCOUNT_LINE_ITEM_ID,
        "SKU": "SPRING10",
        "Name": "Coupon SPRING10",
        "Quantity": "1",
        "UnitPrice": "-4800.00",
        "Adjustment": "true",
    }


def test_every_child_appears_at_most_once():
    order = only_order()
    for element in [order, order.find("Customer"), *order.iter("BillTo"), *order.iter("ShipTo")]:
        tags = [child.tag for child in element]
        assert len(tags) == len(set(tags)), element.tag
    for item in order.iter("Item"):
        tags = [child.tag for child in item]
        assert len(tags) == len(set(tags))


REQUIRED = [
    "OrderID",
    "OrderNumber",
    "OrderDate",
    "LastModified",
    "OrderStatus",
    "OrderTotal",
    "ShippingAmount",
    "Customer/CustomerCode",
    "Customer/BillTo/Name",
    "Customer/ShipTo/Name",
    "Customer/ShipTo/Address1",
    "Customer/ShipTo/City",
    "Customer/ShipTo/PostalCode",
    "Customer/ShipTo/Country",
    "Items/Item/SKU",
    "Items/Item/Name",
    "Items/Item/Quantity",
    "Items/Item/UnitPrice",
]


def test_required_elements_are_never_empty_even_for_a_sparse_order():
    sparse = make_order(
        ship_to=Party(
            company="株式会社サンプル",
            address1="神宮前1-2-3",
            city="渋谷区",
            postal_code="150-0001",
            country="jp",
        ),
        items=(
            ExportItem(line_item_id="7", sku="", name="Tote", quantity=1, unit_price=Decimal(0)),
        ),
        customer_code="",
        shipping_method="",
        payment_method="",
        tax_amount=None,
        shipping_amount=None,
    )
    order = parse(build_orders_document([sparse], pages=1)).find("Order")
    for path in REQUIRED:
        assert value(order, path), path
    assert value(order, "TaxAmount") is None  # Hakobu has no tax figure: left out
    assert value(order, "ShippingAmount") == "0.00"
    assert value(order, "Customer/ShipTo/Name") == "株式会社サンプル"  # company stands in
    assert value(order, "Customer/ShipTo/Company") == ""
    assert value(order, "Customer/ShipTo/Country") == "JP"
    assert value(order, "Items/Item/Weight") is None  # unknown weight is not sent as 0


def test_name_falls_back_to_the_order_number_without_contact_or_company():
    order = only_order(ship_to=Party(address1="x", city="y", postal_code="1", country="JP"))
    assert value(order, "Customer/ShipTo/Name") == "DN-2026-00081"
    assert value(order, "Customer/BillTo/Name") == "DN-2026-00081"


# --- Amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("47520"), "47520.00"),
        (Decimal("1.005"), "1.01"),
        (Decimal("1.004"), "1.00"),
        (Decimal("-0.001"), "0.00"),
        (Decimal("0"), "0.00"),
        (3500, "3500.00"),
        ("12.5", "12.50"),
    ],
)
def test_money_has_two_places(amount, shown):
    assert money(amount) == shown


def test_money_refuses_non_amounts():
    for bad in (Decimal("NaN"), Decimal("Infinity"), "abc"):
        with pytest.raises(ValueError):
            money(bad)


def test_all_amounts_in_the_document_have_two_places():
    order = only_order(
        order_total=Decimal("1234.5"),
        shipping_amount=Decimal("980"),
        tax_amount=Decimal("0.1"),
        items=(make_item(unit_price=Decimal("99.999")),),
    )
    assert value(order, "OrderTotal") == "1234.50"
    assert value(order, "ShippingAmount") == "980.00"
    assert value(order, "TaxAmount") == "0.10"
    assert value(order, "Items/Item/UnitPrice") == "100.00"


# --- Lengths ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "path", "limit"),
    [
        ({"order_status": "s" * 80}, "OrderStatus", 50),
        ({"shipping_method": "m" * 150}, "ShippingMethod", 100),
        ({"payment_method": "p" * 80}, "PaymentMethod", 50),
        ({"gift_message": "g" * 1500}, "GiftMessage", 1000),
        ({"customer_notes": "c" * 1500}, "CustomerNotes", 1000),
        ({"internal_notes": "i" * 1500}, "InternalNotes", 1000),
        ({"custom_fields": ("r" * 150, "", "")}, "CustomField1", 100),
        ({"items": (make_item(name="n" * 300),)}, "Items/Item/Name", 200),
        ({"items": (make_item(location="l" * 150),)}, "Items/Item/Location", 100),
        ({"items": (make_item(sku="k" * 150),)}, "Items/Item/SKU", 100),
        (
            {"items": (make_item(options=(("o" * 50, "v" * 50),)),)},
            "Items/Item/Options/Option/Value",
            facts.OPTION_VALUE_MAX,
        ),
    ],
)
def test_values_are_cut_to_shipstation_limits(overrides, path, limit):
    order = only_order(**overrides)
    assert len(value(order, path)) == limit


def test_contact_fields_are_cut():
    party = Party(
        name="名" * 150,
        company="社" * 150,
        address1="a" * 90,
        city="c" * 150,
        state="s" * 150,
        postal_code="1" * 60,
        country="JPN",
        phone="0" * 60,
    )
    ship_to = only_order(ship_to=party).find("Customer/ShipTo")
    assert {child.tag: len(child.text or "") for child in ship_to} == {
        "Name": 100,
        "Company": 100,
        "Address1": 90,
        "Address2": 0,
        "City": 100,
        "State": 100,
        "PostalCode": 50,
        "Country": 2,
        "Phone": 50,
    }


def test_long_address_line_overflows_into_address2():
    line1 = "東京都港区南青山5-1-1" + "あ" * 100 + "ビル3階"
    ship_to = only_order(ship_to=Party(name="x", address1=line1, city="c", country="JP")).find(
        "Customer/ShipTo"
    )
    first, second = value(ship_to, "Address1"), value(ship_to, "Address2")
    assert len(first) == 100 and first + second == line1


def test_long_address_cut_when_address2_is_full():
    ship_to = only_order(
        ship_to=Party(name="x", address1="a" * 150, address2="b" * 90, city="c", country="JP")
    ).find("Customer/ShipTo")
    assert value(ship_to, "Address1") == "a" * 100
    assert value(ship_to, "Address2") == "b" * 90


def test_cut_counts_utf16_and_never_splits_a_character():
    emoji = "\U0001f600"  # two UTF-16 units
    assert utf16_length("a" + emoji) == 3
    assert cut("a" * 199 + emoji, 200) == "a" * 199  # would end half-way through the pair
    assert cut("a" * 198 + emoji, 200) == "a" * 198 + emoji
    # a base letter keeps its combining accent, or both go
    assert cut("a" * 199 + "e\u0301", 200) == "a" * 199
    assert cut("a" * 198 + "e\u0301x", 200) == "a" * 198 + "e\u0301"
    # an emoji sequence joined by ZWJ is not left dangling
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert cut("ab" + family, 6) == "ab"
    assert cut("ab" + emoji + "\ufe0f", 4) == "ab"  # no emoji without its selector
    assert cut("short", 50) == "short"
    assert cut("trailing   spaces", 10) == "trailing"


def test_cut_item_name_with_emoji_stays_within_limit_and_parses():
    name = ("シャツ\U0001f455" * 60)[:250]
    order = only_order(items=(make_item(name=name),))
    shown = value(order, "Items/Item/Name")
    assert utf16_length(shown) <= 200 and name.startswith(shown)


# --- CDATA and forbidden characters ------------------------------------------------------------


@pytest.mark.parametrize(
    "notes",
    [
        "a]]>b",
        "]]>",
        "]]>]]>",
        "]]]]>",
        "ends with ]",
        "ends with ]]",
        "<![CDATA[nested]]>",
        "<b>bold</b> & co; &amp; &#0;",
        "\"quotes\" 'single'",
        "改行\nと\tタブ",
    ],
)
def test_free_text_round_trips_through_cdata(notes):
    order = only_order(customer_notes=notes, gift_message=notes, items=(make_item(name=notes),))
    assert value(order, "CustomerNotes") == notes
    assert value(order, "GiftMessage") == notes
    assert value(order, "Items/Item/Name") == notes


def test_cdata_splits_its_terminator():
    assert cdata("a]]>b") == "<![CDATA[a]]]]><![CDATA[>b]]>"
    assert cdata("") == ""


def test_characters_xml_forbids_are_removed():
    dirty = "a\x00b\x01c\x08d\x0be\x0cf\x1fg\ufffeh\uffffi\ud800j\udfffk\tl\nm"
    assert clean_text(dirty) == "abcdefghijk\tl\nm"
    order = only_order(
        customer_notes=dirty,
        order_number="DN\x00-1",
        ship_to=Party(name="Sato\x1b", address1="x\ud83d", city="c", country="JP"),
    )
    assert value(order, "CustomerNotes") == "abcdefghijk\tl\nm"
    assert value(order, "OrderNumber") == "DN-1"
    assert value(order, "Customer/ShipTo/Name") == "Sato"
    assert value(order, "Customer/ShipTo/Address1") == "x"


def test_random_text_always_gives_well_formed_xml():
    rng = random.Random(20261201)
    special = ["]]>", "]]", "<", "&", "\x00", "\ud800", "\udc00", "\ufffe", "\r\n", "\U0001f600"]

    def junk() -> str:
        parts = []
        for _ in range(rng.randint(0, 40)):
            if rng.random() < 0.3:
                parts.append(rng.choice(special))
            else:
                parts.append(chr(rng.randrange(0, 0x110000)))
        return "".join(parts)

    orders = []
    for n in range(60):
        orders.append(
            make_order(
                order_id=str(n),
                order_number="n" + junk(),
                order_status="s" + junk(),
                customer_notes=junk(),
                internal_notes=junk(),
                gift_message=junk(),
                custom_fields=(junk(), junk(), junk()),
                ship_to=Party(
                    name=junk(), company=junk(), address1=junk(), city=junk(), phone=junk()
                ),
                items=(
                    make_item(
                        sku=junk(), name=junk(), location=junk(), options=((junk(), junk()),)
                    ),
                ),
                discount_code=junk(),
                discount_amount=Decimal("10"),
            )
        )
    root = parse(build_orders_document(orders, pages=1))
    assert len(root.findall("Order")) == 60


# --- Items -------------------------------------------------------------------------------------


def test_options_are_capped_at_ten():
    options = tuple((f"Option {n}", f"Value {n}") for n in range(12))
    order = only_order(items=(make_item(options=options),))
    names = [value(o, "Name") for o in order.findall("Items/Item/Options/Option")]
    assert names == [f"Option {n}" for n in range(10)]


def test_options_without_a_name_are_skipped_and_no_options_means_no_element():
    order = only_order(items=(make_item(options=(("", "x"), (" ", "y"), ("Size", ""))),))
    assert [(value(o, "Name"), value(o, "Value")) for o in order.iter("Option")] == [("Size", "")]
    assert only_order(items=(make_item(options=()),)).find("Items/Item/Options") is None


def test_quantities_stay_within_1_to_99999():
    order = only_order(
        items=(
            make_item(line_item_id="1", quantity=0),
            make_item(line_item_id="2", quantity=150_000),
            make_item(line_item_id="3", quantity=1),
        )
    )
    items = [(value(i, "LineItemID"), value(i, "Quantity")) for i in order.iter("Item")]
    assert items == [("2", "99999"), ("2", "50001"), ("3", "1")]


def test_weight_is_per_unit_in_grams():
    order = only_order(items=(make_item(weight_grams=250, quantity=3),))
    assert value(order, "Items/Item/Weight") == "250"
    assert value(order, "Items/Item/WeightUnits") == "Grams"
    assert only_order(items=(make_item(weight_grams=0),)).find("Items/Item/WeightUnits") is None


def test_sku_fallback_is_stable_per_product_and_variant():
    black = fallback_sku("Linen shirt", [("Colour", "Black")])
    assert black.startswith(facts.SKU_FALLBACK_PREFIX) and len(black) <= facts.SKU_MAX
    assert black == fallback_sku("Linen shirt", [("Colour", "Black")])
    assert black != fallback_sku("Linen shirt", [("Colour", "White")])
    assert black != fallback_sku("Linen shirt")
    order = only_order(items=(make_item(sku="  ", options=(("Colour", "Black"),)),))
    assert value(order, "Items/Item/SKU") == black


def test_discount_item_is_a_negative_adjustment():
    order = only_order(discount_code="SPRING10", discount_amount=Decimal("4800"))
    adjustment = order.findall("Items/Item")[-1]
    assert value(adjustment, "Adjustment") == "true"
    assert Decimal(value(adjustment, "UnitPrice")) < 0
    assert value(adjustment, "UnitPrice") == "-4800.00"
    assert value(adjustment, "SKU") == "SPRING10"
    assert value(adjustment, "Quantity") == "1"


def test_discount_without_code_or_amount():
    order = only_order(discount_code="", discount_amount=Decimal("100"))
    adjustment = order.findall("Items/Item")[-1]
    assert value(adjustment, "SKU") == facts.DISCOUNT_DEFAULT_SKU
    assert value(adjustment, "UnitPrice") == "-100.00"
    # a code without an amount: no adjustment item (ShipStation wants a negative price)
    for amount in (None, Decimal(0)):
        order = only_order(discount_code="SPRING10", discount_amount=amount)
        assert [value(i, "Adjustment") for i in order.iter("Item")] == [None]


def test_line_item_ids():
    assert line_item_id(42) == "42"
    assert line_pk_from_item_id(" 42 ") == 42
    assert line_pk_from_item_id(facts.DISCOUNT_LINE_ITEM_ID) is None
    assert line_pk_from_item_id("DNL-81-1") is None
    assert line_pk_from_item_id("") is None
    assert line_pk_from_item_id("４２") is None  # full-width digits are not an id


# --- Customer code ---------------------------------------------------------------------------


def test_customer_code_is_the_email_or_a_stable_fallback():
    assert value(only_order(), "Customer/CustomerCode") == "buyer@shop.example"
    party = Party(
        name="Sato", company="Shop", address1="x", city="y", postal_code="107-0062", country="JP"
    )
    first = value(only_order(customer_code="", ship_to=party), "Customer/CustomerCode")
    again = value(
        only_order(order_id="82", customer_code="", ship_to=party), "Customer/CustomerCode"
    )
    assert first == again and first.startswith(facts.CUSTOMER_CODE_FALLBACK_PREFIX)
    assert len(first) <= facts.CUSTOMER_CODE_MAX
    wide = dataclasses.replace(party, company="ＳＨＯＰ", phone="０３ 1234 5678")
    narrow = dataclasses.replace(party, phone="03-1234-5678")
    assert value(only_order(customer_code="", ship_to=wide), "Customer/CustomerCode") == value(
        only_order(customer_code="", ship_to=narrow), "Customer/CustomerCode"
    )
    other = dataclasses.replace(party, company="Another shop")
    assert value(only_order(customer_code="", ship_to=other), "Customer/CustomerCode") != first
    # an e-mail too long for CustomerCode is never cut (it would name someone else)
    long_email = "x" * 45 + "@shop.example"
    code = value(only_order(customer_code=long_email, ship_to=party), "Customer/CustomerCode")
    assert code == first
    nobody = Party(address1="x", city="y", country="JP")
    assert value(only_order(customer_code="", ship_to=nobody), "Customer/CustomerCode") == (
        "HK-C-ORDER-81"
    )


# --- From delivery notes -------------------------------------------------------------------------


@pytest.fixture
def note(brand):
    with scopes_disabled():
        note = DeliveryNoteFactory(
            brand=brand,
            number="DN-2026-00081",
            order_reference="PO-7781",
            requested_service="Yamato TA-Q-BIN",
            payment_method="Invoice",
            discount_code="SPRING10",
            customer_notes="Deliver before noon",
            internal_notes="Fragile",
            is_gift=True,
            gift_message="Happy birthday",
            total_amount=Decimal("47520"),
            status=ShippingStatus.SHIPPING_REQUESTED,
        )
        ordered = datetime(2026, 11, 20, 9, 30, tzinfo=JST)
        DeliveryNote.objects.filter(pk=note.pk).update(
            created_at=ordered,
            issue_date=date(2026, 11, 20),
            updated_at=datetime(2026, 11, 21, 15, 2, tzinfo=JST),
        )
        note.refresh_from_db()
        return note


def test_order_from_note_maps_every_field(note):
    with scopes_disabled():
        line = DeliveryNoteLineFactory(
            note=note,
            sku="TS-001-BLK-M",
            name="Linen shirt",
            quantity=4,
            unit_price=Decimal("12000"),
            weight_grams=300,
            warehouse_location="A-03-2",
            image_url="https://img.example/ts-001.jpg",
            options={"Colour": "Black", "Size": "M", "Pack": 2, "Extra": None},
        )
        note = (
            DeliveryNote.objects.select_related("brand").prefetch_related("lines").get(pk=note.pk)
        )
        order = order_from_note(note)
    assert order.order_id == str(note.pk)
    assert order.order_status == "shipping_requested"
    assert order.custom_fields == ("PO-7781", "SPRING10", "")
    assert order.discount_amount is None and order.tax_amount is None
    assert order.items[0].line_item_id == str(line.pk)
    assert order.items[0].options == (  # by name: jsonb keeps no typing order
        ("Colour", "Black"),
        ("Extra", ""),
        ("Pack", "2"),
        ("Size", "M"),
    )

    element = parse(build_orders_document([order], pages=1)).find("Order")
    assert value(element, "OrderDate") == "11/20/2026 00:30"  # 09:30 in Japan, in UTC
    assert value(element, "LastModified") == "11/21/2026 06:02"
    assert value(element, "OrderStatus") == "shipping_requested"
    assert value(element, "Gift") == "true"
    assert value(element, "GiftMessage") == "Happy birthday"
    assert value(element, "CustomField2") == "SPRING10"
    assert value(element, "Customer/CustomerCode") == "shop@example.jp"
    assert value(element, "Customer/ShipTo/Name") == "山田 太郎"
    assert value(element, "Customer/ShipTo/Company") == "株式会社サンプル商店"
    assert value(element, "Customer/ShipTo/State") == "東京都"
    assert value(element, "Items/Item/LineItemID") == str(line.pk)
    assert [value(i, "Adjustment") for i in element.iter("Item")] == [None]  # no amount known


def test_order_from_note_uses_the_brand_strings_and_zone(note):
    with scopes_disabled():
        note = DeliveryNote.objects.select_related("brand").get(pk=note.pk)
        order = order_from_note(
            note,
            order_status_strings={"shipping_requested": "Ready"},
            time_zone="America/Los_Angeles",
            lines=[],
        )
    assert order.order_status == "Ready"
    assert order.items == ()
    # created 09:30 on Nov 20 in Japan is Nov 19 in Los Angeles: not the issue date there, so the
    # order date is the start of the issue date in that zone
    assert order.order_date == datetime(2026, 11, 20, 0, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


def test_back_dated_note_is_ordered_at_the_start_of_its_issue_date(note):
    with scopes_disabled():
        DeliveryNote.objects.filter(pk=note.pk).update(issue_date=date(2026, 11, 1))
        note = DeliveryNote.objects.select_related("brand").get(pk=note.pk)
        order = order_from_note(note, lines=[])
    assert order.order_date == datetime(2026, 11, 1, tzinfo=JST)
    element = parse(build_orders_document([order], pages=1)).find("Order")
    assert value(element, "OrderDate") == "10/31/2026 15:00"


def test_note_with_300_lines(brand):
    with scopes_disabled():
        note = DeliveryNoteFactory(brand=brand)
        for position in range(300):
            DeliveryNoteLineFactory(
                note=note,
                position=position,
                sku="" if position % 7 == 0 else f"SKU-{position}",
                options={f"opt{n}": f"v{n}" for n in range(position % 13)},
            )
        note = (
            DeliveryNote.objects.select_related("brand").prefetch_related("lines").get(pk=note.pk)
        )
        lines = list(note.lines.all())
        order = order_from_note(note)
    document = build_orders_document([order], pages=1)
    items = parse(document).findall("Order/Items/Item")
    assert len(items) == 300
    assert [value(i, "LineItemID") for i in items] == [str(line.pk) for line in lines]
    assert all(value(i, "SKU") for i in items)
    assert max(len(i.findall("Options/Option")) for i in items) == facts.OPTIONS_MAX
    assert len(document) < facts.SHIP_NOTICE_MAX_BYTES  # sanity: a big note stays small


def test_several_orders_per_page_use_utc_throughout():
    orders = [
        make_order(order_id=str(n), order_date=datetime(2026, 11, 20, n, 0, tzinfo=JST))
        for n in range(3)
    ]
    root = parse(build_orders_document(orders, pages=4))
    assert root.attrib["pages"] == "4"
    assert [value(o, "OrderDate") for o in root.findall("Order")] == [
        "11/19/2026 15:00",
        "11/19/2026 16:00",
        "11/19/2026 17:00",
    ]
