"""The note form's catalogue type-ahead in a real Chromium: pick a customer and three products,
see the recipient and the lines filled, save, and the note keeps the links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brands.models import Role
from brands.scoping import brand_scope
from delivery_notes.models import DeliveryNote
from tests.browser.test_login_and_notes import chromium, page  # noqa: F401 (fixtures)
from tests.catalogue.helpers import make_customer, make_product
from tests.factories import BrandFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def test_staff_fills_a_note_from_the_catalogue(page, live_server):  # noqa: F811
    from playwright.sync_api import expect

    brand = BrandFactory(name="Picker Brand", slug="picker-brand")
    staff = UserFactory(email="staff@picker.example")
    MembershipFactory(brand=brand, user=staff, role=Role.STAFF)
    customer = make_customer(brand, "C-0001", addresses=2)
    shirt = make_product(brand, "TS-WHT-M")
    apron = make_product(brand, "AP-LN-NAT", name="リネンエプロン", weight_grams=220)
    socks = make_product(brand, "SK-WL-OAT", name="ウールソックス", weight_grams=80)

    page.goto(live_server.url + reverse("login"))
    page.locator("input[name=username]").fill("staff@picker.example")
    page.locator("input[name=password]").fill("password")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/b/picker-brand/**")
    page.goto(live_server.url + reverse("note_create", kwargs={"brand_slug": brand.slug}))

    page.locator("#customer-search").press_sequentially("ミドリ")
    choices = page.locator(".catalogue-suggestions [data-fill]")
    expect(choices).to_have_count(2)  # one per shipping address, the default first
    choices.first.click()
    expect(page.locator("input[name=recipient_company]")).to_have_value("株式会社ミドリ雑貨店")
    expect(page.locator("input[name=city]")).to_have_value("渋谷区")
    expect(page.locator("[name=requested_carrier]")).to_have_value(
        "yamato"
    )  # a select since the carrier picker
    page.locator("input[name=address_line2]").fill("2F")  # the address stays editable

    def pick(index: int, field: str, text: str) -> None:
        page.locator(f"input[name=lines-{index}-{field}]").press_sequentially(text)
        page.locator(".catalogue-suggestions [data-fill]").first.click()

    pick(0, "sku", "TS-")
    page.locator("#add-line").click()
    pick(1, "name", "エプロン")
    page.locator("#add-line").click()
    pick(2, "sku", "SK-")
    expect(page.locator("input[name=lines-0-name]")).to_have_value("オーガニックコットンTシャツ")
    expect(page.locator("input[name=lines-1-sku]")).to_have_value("AP-LN-NAT")
    expect(page.locator("input[name=lines-2-weight_grams]")).to_have_value("80")
    page.locator("input[name=number]").fill("DN-PICK-1")
    page.locator("form#note-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("DN-PICK-1")

    with brand_scope(brand):
        note = DeliveryNote.objects.get(number="DN-PICK-1")
        lines = list(note.lines.all())
    assert note.customer_id == customer.pk and note.address_line2 == "2F"
    assert [line.product_id for line in lines] == [shirt.pk, apron.pk, socks.pk]
    assert [line.weight_grams for line in lines] == [180, 220, 80]
