"""A new note suggests the next number of the brand's pattern; the carrier is picked from a list."""

from __future__ import annotations

import pytest

from brands.scoping import brand_scope
from delivery_notes.numbering import suggest_number
from tests.delivery_notes.helpers import brand_url, make_note

pytestmark = pytest.mark.django_db


def test_the_next_number_follows_the_highest_in_the_pattern(brand, other_brand):
    for number in ("DN-00041", "DN-00099", "DN-100", "PO-99999", "DN-ABC"):
        make_note(brand, number=number)
    make_note(other_brand, number="DN-55555")  # another brand's numbers do not count
    with brand_scope(brand):
        assert suggest_number(brand) == "DN-00101"
    brand.note_number_prefix, brand.note_number_digits = "2026-", 3
    with brand_scope(brand):
        assert suggest_number(brand) == "2026-001"


def test_a_padded_twin_is_skipped(brand):
    make_note(brand, number="DN-00007")
    make_note(brand, number="DN-8")
    brand.note_number_digits = 1
    with brand_scope(brand):
        assert suggest_number(brand) == "DN-9"


def test_the_new_note_form_offers_the_number_and_the_carriers(staff_client, brand):
    make_note(brand, number="DN-00042")
    html = staff_client.get(brand_url("note_create", brand)).content.decode()
    assert 'value="DN-00043"' in html
    assert '<option value="yamato">Yamato Transport</option>' in html
    assert '<datalist id="services-yamato"><option value="TA-Q-BIN">' in html


def test_an_unknown_carrier_is_refused_but_a_notes_own_code_is_kept(staff_client, brand):
    note = make_note(brand, number="DN-1", requested_carrier="kuroneko-old")
    html = staff_client.get(brand_url("note_edit", brand, pk=note.pk)).content.decode()
    assert '<option value="kuroneko-old" selected>kuroneko-old</option>' in html
    response = staff_client.post(
        brand_url("note_create", brand),
        {
            "number": "DN-2",
            "recipient_company": "X",
            "requested_carrier": "madeup",
            "currency": "JPY",
            "country_code": "JP",
            "issue_date": "2026-12-01",
            "lines-TOTAL_FORMS": 0,
            "lines-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Choose one of the listed carriers." in response.content.decode()


def test_admins_set_the_pattern_others_cannot(client, admin_client, brand, staff_member):
    response = admin_client.post(
        brand_url("numbering_settings", brand),
        {"note_number_prefix": "NH-", "note_number_digits": 4},
        follow=True,
    )
    assert "The next new note is offered NH-0001." in response.content.decode()
    brand.refresh_from_db()
    assert (brand.note_number_prefix, brand.note_number_digits) == ("NH-", 4)
    response = admin_client.post(
        brand_url("numbering_settings", brand),
        {"note_number_prefix": "DN2", "note_number_digits": 4},
    )
    assert "not a digit" in response.content.decode()
    client.force_login(staff_member.user)
    assert client.get(brand_url("numbering_settings", brand)).status_code == 403


def test_recording_a_shipment_starts_from_the_requested_carrier_and_service(staff_client, brand):
    note = make_note(brand, number="DN-3", requested_carrier="sagawa", requested_service="HIKYAKU")
    html = staff_client.get(brand_url("note_ship", brand, pk=note.pk)).content.decode()
    assert 'name="carrier" value="sagawa"' in html
    assert 'value="HIKYAKU"' in html and 'list="services-sagawa"' in html
    assert '<datalist id="services-sagawa"><option value="HIKYAKU">' in html
