"""The PDFs themselves, read back with pypdf: numbers, names, Japanese addresses, page counts."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from brands.models import BrandProfile
from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.documents import DeliveryNoteOptions, delivery_notes_pdf, picking_list_pdf
from delivery_notes.documents.layout import address_lines
from delivery_notes.documents.sources import document_notes
from delivery_notes.models import ShippingStatus
from tests.delivery_notes.documents_helpers import pdf_pages, squeeze
from tests.delivery_notes.helpers import make_note, ship
from tests.factories import DeliveryNoteLineFactory

pytestmark = pytest.mark.django_db

RECIPIENT = "株式会社サンプル商店"


@pytest.fixture
def japanese_brand(brand):
    brand.language = "ja"
    brand.save()
    with scopes_disabled():
        BrandProfile.objects.create(
            brand=brand,
            company_name="株式会社クモ陶房",
            postal_code="600-8216",
            prefecture="京都府",
            city="京都市下京区",
            address_line1="東塩小路町721-1",
            phone="075-000-1111",
            email="ship@kumo.example",
            registration_number="T1234567890123",
            footer_text="またのご利用をお待ちしております。",
        )
    return brand


def note_with_lines(brand, count: int, **fields):
    fields.setdefault("total_amount", Decimal("3000") * count)  # the lines' sum, as the form sets
    note = make_note(brand, lines=0, **fields)
    with scopes_disabled():
        for n in range(count):
            DeliveryNoteLineFactory(
                note=note,
                position=n,
                sku=f"KUMO-{n:03d}",
                name=f"信楽焼 湯呑み {n}",
                options={"色": "白"},
                quantity=2,
                unit_price=Decimal("1500"),
                warehouse_location=f"B-{n % 12}",
            )
    return note


def delivery_pdf(brand, notes, **options) -> bytes:
    out = io.BytesIO()
    with brand_scope(brand):
        delivery_notes_pdf(
            document_notes([n.pk for n in notes]), brand, DeliveryNoteOptions(**options), out
        )
    return out.getvalue()


def picking_pdf(brand, notes) -> bytes:
    out = io.BytesIO()
    with brand_scope(brand):
        picking_list_pdf(document_notes([n.pk for n in notes]), brand, out)
    return out.getvalue()


def test_a_long_japanese_note_has_three_numbered_pages_with_the_header_on_each(japanese_brand):
    note = note_with_lines(
        japanese_brand,
        50,
        number="DN-00042",
        order_reference="PO-7781",
        customer_notes="午前中にお届けください",
        internal_notes="INTERNAL-ONLY 値引き交渉中",
        total_amount=Decimal("150000"),
    )
    pages = pdf_pages(delivery_pdf(japanese_brand, [note]), keep_as="delivery-note-ja-3-pages")

    assert len(pages) == 3
    first, *rest = (squeeze(page) for page in pages)
    assert "納品書" in first and "DN-00042" in first and "PO-7781" in first
    assert "〒150-0001" in first and "東京都渋谷区神宮前1-2-3" in first
    assert f"{RECIPIENT}" in first and "山田太郎様" in first
    assert "株式会社クモ陶房" in first and "〒600-8216" in first and "T1234567890123" in first
    for number, page in enumerate([first, *rest], start=1):
        assert f"{number}/3" in page
        assert "またのご利用をお待ちしております。" in page
    for page in rest:  # the running header names the sender, the note and the recipient
        assert "株式会社クモ陶房" in page and "DN-00042" in page and RECIPIENT in page
        assert "KUMO" in page and "数量" in page  # the table's titles repeat too
    last = rest[-1]
    assert "KUMO-049" in last and "信楽焼湯呑み49" in last
    assert "150,000" in last and "午前中にお届けください" in last
    assert all("INTERNAL-ONLY" not in page for page in pages)


def test_lines_show_sku_name_options_quantity_price_and_amount(japanese_brand):
    note = note_with_lines(japanese_brand, 1)
    (page,) = pdf_pages(delivery_pdf(japanese_brand, [note]))
    text = squeeze(page)
    assert "KUMO-000" in text and "信楽焼湯呑み0" in text and "色:白" in text
    assert "1,500" in text and "3,000" in text


def test_shipping_and_discounts_appear_as_the_difference_to_the_total(japanese_brand):
    note = note_with_lines(japanese_brand, 1, total_amount=Decimal("3800"))
    text = squeeze(pdf_pages(delivery_pdf(japanese_brand, [note]))[0])
    assert "3,000" in text and "800" in text and "3,800" in text


def test_a_gift_prints_its_message_and_the_gift_variant_has_no_prices(japanese_brand):
    note = note_with_lines(
        japanese_brand, 2, is_gift=True, gift_message="お誕生日おめでとう", total_amount=6000
    )
    priced = squeeze(pdf_pages(delivery_pdf(japanese_brand, [note]))[0])
    assert "1,500" in priced and "6,000" in priced and "お誕生日おめでとう" in priced

    pages = pdf_pages(delivery_pdf(japanese_brand, [note], gift_variant=True), keep_as="gift")
    gift = squeeze(pages[0])
    assert "お誕生日おめでとう" in gift and "KUMO-001" in gift
    assert "1,500" not in gift and "3,000" not in gift and "6,000" not in gift


def test_the_gift_variant_keeps_prices_on_notes_that_are_not_gifts(japanese_brand):
    note = note_with_lines(japanese_brand, 1, is_gift=False, gift_message="not printed")
    text = squeeze(pdf_pages(delivery_pdf(japanese_brand, [note], gift_variant=True))[0])
    assert "1,500" in text and "notprinted" not in text


def test_the_recipients_language_and_a_western_address_order(japanese_brand):
    note = note_with_lines(
        japanese_brand,
        1,
        country_code="US",
        recipient_company="Acme Stores",
        recipient_name="Jane Doe",
        postal_code="97201",
        prefecture="OR",
        city="Portland",
        address_line1="1 Main St",
    )
    brand_language = pdf_pages(delivery_pdf(japanese_brand, [note]))[0]
    assert "納品書" in brand_language
    english = pdf_pages(
        delivery_pdf(japanese_brand, [note], language="recipient"), keep_as="delivery-note-en-us"
    )[0]
    assert "Delivery note" in english and "納品書" not in english
    assert "Portland, OR 97201" in english and "様" not in english
    assert english.index("Jane Doe") < english.index("1 Main St") < english.index("Portland")


def test_japanese_address_order_goes_from_postal_code_to_street():
    class Place:
        country_code = "JP"
        postal_code = "150-0001"
        prefecture = "東京都"
        city = "渋谷区"
        address_line1 = "神宮前1-2-3"
        address_line2 = "ハコブビル5F"

    assert address_lines(Place) == ["〒150-0001", "東京都渋谷区神宮前1-2-3", "ハコブビル5F"]


def test_many_notes_in_one_pdf_are_each_numbered_on_their_own(japanese_brand):
    notes = [note_with_lines(japanese_brand, 2, number=f"DN-B{n}") for n in range(3)]
    pages = pdf_pages(delivery_pdf(japanese_brand, notes))
    assert len(pages) == 3
    for number, page in zip(("DN-B0", "DN-B1", "DN-B2"), pages, strict=True):
        assert number in page and "1 / 1" in page


def test_the_font_is_embedded_and_the_logo_printed(japanese_brand):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (200, 30, 30)).save(buffer, "PNG")
    with scopes_disabled():
        profile = BrandProfile.objects.get(brand=japanese_brand)
        profile.logo.save("logo.png", ContentFile(buffer.getvalue()))
    note = note_with_lines(japanese_brand, 1)
    data = delivery_pdf(japanese_brand, [note])
    pdf_pages(data, keep_as="delivery-note-with-logo")
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    descriptors = [fonts[name].get_object().get("/FontDescriptor", {}) for name in fonts]
    assert any("/FontFile2" in descriptor for descriptor in descriptors)  # embedded TrueType
    assert len(page.images) == 1


def test_the_picking_list_groups_by_location_and_counts_what_is_left(japanese_brand):
    notes = []
    for n in range(20):
        note = make_note(japanese_brand, lines=0, number=f"PK-{n:02d}")
        with scopes_disabled():
            for sku, location in (("MUG", "A-10"), ("CUP", "A-2"), ("BOWL", "")):
                DeliveryNoteLineFactory(
                    note=note, sku=sku, name=f"{sku} 器", quantity=3, warehouse_location=location
                )
        notes.append(note)
    with scopes_disabled():
        mug = notes[0].lines.get(sku="MUG")
    ship(notes[0], lines={mug.pk: 2})  # one of three mugs has left: 1 still to pick
    with scopes_disabled():
        notes[1].status = ShippingStatus.CANCELLED
        notes[1].save()

    pages = pdf_pages(picking_pdf(japanese_brand, notes), keep_as="picking-list-20-notes")
    text = squeeze("".join(pages))
    assert "19" in squeeze(pages[0]) and "PK-00" in text and "PK-19" in text
    # Shelves in order (A-2 before A-10), lines without a location last.
    assert text.index("A-2") < text.index("A-10") < text.index("BOWL")
    assert "PK-00×1" in text and "PK-02×3" in text
    # 19 open notes: cups 19×3; mugs 18×3 + 1.
    assert "CUP器57" in text and "MUG器55" in text
    assert "PK-01×" not in text and "PK-01" in text  # named as left out, nothing to pick
    for number, page in enumerate(pages, start=1):
        assert f"{number}/{len(pages)}" in squeeze(page)


def test_a_picking_list_of_only_closed_notes_says_nothing_to_pick(japanese_brand):
    note = note_with_lines(japanese_brand, 1, status=ShippingStatus.SHIPPED)
    text = squeeze(pdf_pages(picking_pdf(japanese_brand, [note]))[0])
    assert note.number in text and "B-0" not in text


def test_an_item_on_many_notes_continues_over_rows_and_pages(japanese_brand):
    notes = [make_note(japanese_brand, lines=0, number=f"MANY-{n:03d}") for n in range(400)]
    with scopes_disabled():
        for note in notes:
            DeliveryNoteLineFactory(note=note, sku="MUG", name="MUG", quantity=1)
    pages = pdf_pages(picking_pdf(japanese_brand, notes))
    text = squeeze("".join(pages))
    assert len(pages) > 1 and "MANY-000×1" in text and "MANY-399×1" in text
    assert "MUG400" in text  # one row: 400 mugs to pick
    tabled = pages[1:]  # the first page lists the 400 note numbers
    assert tabled and all("No location" in page for page in tabled)  # the title repeats


def test_a_very_long_customer_note_continues_on_the_next_page(japanese_brand):
    message = "\n".join(f"{n}行目：配送についてのお願い。" for n in range(200))
    note = note_with_lines(japanese_brand, 1, customer_notes=message)
    pages = pdf_pages(delivery_pdf(japanese_brand, [note]), keep_as="long-customer-note")
    text = squeeze("".join(pages))
    assert len(pages) >= 3 and "0行目" in text and "199行目" in text
