"""The note list's CSV export: filtered or selected notes, one row per line, every role, two encodings."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brands.scoping import scopes_disabled
from delivery_notes.csv_columns import HEADER
from delivery_notes.downloads import COOKIE
from tests.delivery_notes.helpers import brand_url, make_note, ship
from tests.factories import DeliveryNoteLineFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def rows(response, encoding="utf-8-sig") -> list[dict]:
    body = b"".join(response.streaming_content).decode(encoding)
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def notes(brand):
    kyoto = make_note(brand, number="DN-KYOTO", recipient_company="京都商店", lines=0)
    with scopes_disabled():
        DeliveryNoteLineFactory(note=kyoto, name="手ぬぐい", quantity=3, warehouse_location="A-1")
        DeliveryNoteLineFactory(note=kyoto, name="𠮷 mug", quantity=1, warehouse_location="B-2")
    ship(kyoto, carrier="yamato", tracking_numbers=["1234-5678"])
    osaka = make_note(brand, number="DN-OSAKA", recipient_company="=HYPERLINK(1)")
    return kyoto, osaka


def test_a_viewer_exports_the_filtered_list_with_one_row_per_line(client, viewer_member, notes):
    client.force_login(viewer_member.user)
    response = client.get(brand_url("note_export", viewer_member.brand) + "?q=KYOTO")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    exported = rows(response)
    assert [r["number"] for r in exported] == ["DN-KYOTO", "DN-KYOTO"]
    assert [r["item_name"] for r in exported] == ["手ぬぐい", "𠮷 mug"]
    assert [r["item_location"] for r in exported] == ["A-1", "B-2"]
    assert exported[0]["status"] == "shipped"
    assert exported[0]["tracking_numbers"] == "1234-5678"
    assert list(exported[0])[: len(HEADER)] == HEADER


def test_a_selection_exports_only_the_selected_notes_in_shift_jis(staff_client, brand, notes):
    kyoto, osaka = notes
    response = staff_client.post(
        brand_url("note_export", brand),
        {"selected": [kyoto.pk], "export_encoding": "shift_jis", "query": ""},
    )
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    exported = rows(response, "cp932")
    assert {r["number"] for r in exported} == {"DN-KYOTO"}
    assert exported[1]["item_name"] == "〓 mug"  # Shift_JIS cannot hold 𠮷: marked, not dropped


def test_nothing_selected_exports_the_filter_and_formulas_are_neutralised(
    staff_client, brand, notes
):
    response = staff_client.post(
        brand_url("note_export", brand), {"query": "q=OSAKA", "download_token": "abc123XYZ"}
    )
    exported = rows(response)
    assert [r["number"] for r in exported] == ["DN-OSAKA"]
    assert exported[0]["recipient_company"] == "'=HYPERLINK(1)"
    # The page's script learns that the file arrived from this cookie.
    assert response.cookies[COOKIE].value == "abc123XYZ"


def test_a_bad_download_token_is_not_echoed(staff_client, brand, notes):
    response = staff_client.post(
        brand_url("note_export", brand), {"query": "", "download_token": "<script>"}
    )
    assert COOKIE not in response.cookies


def test_another_brands_notes_are_never_exported(client, other_brand, brand, notes):
    theirs = make_note(other_brand, number="DN-THEIRS")
    member = MembershipFactory(brand=other_brand, user=UserFactory(email="o@b.example"))
    client.force_login(member.user)
    response = client.post(
        brand_url("note_export", other_brand),
        {"selected": [notes[0].pk, theirs.pk], "query": ""},
    )
    assert [r["number"] for r in rows(response)] == ["DN-THEIRS"]


def test_the_export_reads_a_constant_number_of_queries(staff_client, brand):
    def export() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(brand_url("note_export", brand))
            exported = rows(response)
        return len(queries), len(exported)

    for n in range(3):
        make_note(brand, number=f"DN-Q-{n}", lines=2)
    few, rows_few = export()
    for n in range(3, 30):
        make_note(brand, number=f"DN-Q-{n}", lines=2)
    many, rows_many = export()
    assert (rows_few, rows_many) == (6, 60)
    assert many == few
