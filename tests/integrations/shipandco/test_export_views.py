"""Download CSV for Ship&co through the pages: permissions, scoping, small/large, round trip."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import DeliveryNote, ShippingStatus
from integrations.models import ConnectionStatus, Integration
from integrations.shipandco import SHIPANDCO
from integrations.shipandco import export as services
from integrations.shipandco.models import CsvExport
from sandbox.server import SandboxServer
from sandbox.shipandco import DEFAULT_TOKEN
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory, MembershipFactory


@pytest.fixture
def integrated(brand):
    return Integration.objects.create(
        brand=brand, platform=SHIPANDCO, is_active=True, status=ConnectionStatus.INTEGRATED
    )


def make_note(brand, number: str, lines: int = 1, **fields) -> DeliveryNote:
    note = DeliveryNoteFactory(brand=brand, number=number, **fields)
    for position in range(lines):
        DeliveryNoteLineFactory(note=note, position=position, name=f"マグカップ {position + 1}")
    return note


def url(name: str, brand, **kwargs) -> str:
    return reverse(f"shipandco:{name}", kwargs={"brand_slug": brand.slug, **kwargs})


def post_export(client, brand, notes, encoding="utf-8", **extra):
    data = {"selected": [n.pk for n in notes], "shipandco_encoding": encoding, **extra}
    return client.post(url("export_create", brand), data)


def latest_export() -> CsvExport:
    with scopes_disabled():
        return CsvExport.objects.order_by("-pk").first()


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def order_names(raw: bytes, codec: str = "utf-8-sig") -> list[str]:
    return [row["OrderName"] for row in csv.DictReader(io.StringIO(raw.decode(codec)))]


# --- the button on the note list ---------------------------------------------------------------


def render_bulk_actions(membership) -> str:
    request = RequestFactory().get("/")
    request.user = membership.user
    with brand_scope(membership.brand):
        return render_to_string(
            "integrations/shipandco/_note_bulk_actions.html",
            {"brand": membership.brand, "membership": membership},
            request=request,
        )


def test_button_posts_to_the_export_when_shipandco_is_integrated(staff_member, integrated):
    html = render_bulk_actions(staff_member)
    assert f'formaction="{url("export_create", staff_member.brand)}"' in html
    assert 'name="shipandco_encoding"' in html and 'value="shift_jis"' in html
    assert "〓" in html  # the Shift_JIS limitation is explained next to the choice
    assert "Connect Ship&co first" not in html


@pytest.mark.parametrize("integration_status", [None, "inactive", ConnectionStatus.ERROR])
def test_button_is_disabled_until_shipandco_is_integrated(brand, staff_member, integration_status):
    if integration_status:
        Integration.objects.create(
            brand=brand,
            platform=SHIPANDCO,
            is_active=integration_status != "inactive",
            status=ConnectionStatus.ERROR
            if integration_status == ConnectionStatus.ERROR
            else ConnectionStatus.INTEGRATED,
        )
    html = render_bulk_actions(staff_member)
    assert "formaction" not in html
    assert "disabled" in html
    hint = (
        "Fix the Ship&co connection first"
        if integration_status == ConnectionStatus.ERROR
        else "Connect Ship&co first"
    )
    assert f'title="{hint}"' in html
    assert f'href="{url("settings", brand)}"' in html


def test_viewers_do_not_see_the_button(viewer_member, integrated):
    assert "Download CSV" not in render_bulk_actions(viewer_member)


# --- small exports -----------------------------------------------------------------------------


def test_small_export_downloads_at_once_and_is_recorded(client, brand, staff_member, integrated):
    client.force_login(staff_member.user)
    notes = [make_note(brand, "DN-1", lines=2), make_note(brand, "DN-2")]

    response = post_export(client, brand, notes)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="shipandco-brand-a-\d{8}-\d{6}\.csv"',
        response["Content-Disposition"],
    )
    raw = content(response)
    assert sorted(order_names(raw)) == ["DN-1", "DN-1", "DN-2"]
    export = latest_export()
    assert (export.created_by, export.status, export.row_count) == (
        staff_member.user,
        CsvExport.Status.DONE,
        3,
    )
    with scopes_disabled():
        assert set(export.notes.all()) == set(notes)
        assert {n.status for n in DeliveryNote.objects.all()} == {ShippingStatus.SHIPPING_REQUESTED}
    again = client.get(url("export_download", brand, pk=export.pk))
    assert content(again) == raw


def test_shift_jis_download_is_labelled_and_decodes(client, brand, staff_member, integrated):
    client.force_login(staff_member.user)
    response = post_export(client, brand, [make_note(brand, "DN-1")], encoding="shift_jis")
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert "株式会社サンプル商店" in content(response).decode("cp932")


def test_left_out_notes_and_warnings_are_shown_before_the_download(
    client, brand, staff_member, integrated
):
    client.force_login(staff_member.user)
    good = make_note(brand, "DN-OK", recipient_company="カフェ☕️")
    cancelled = make_note(brand, "DN-CXL", status=ShippingStatus.CANCELLED)
    no_phone = make_note(brand, "DN-NOPHONE", phone="")

    response = post_export(client, brand, [good, cancelled, no_phone], encoding="shift_jis")

    export = latest_export()
    assert response.status_code == 302
    assert response["Location"] == url("export_detail", brand, pk=export.pk)
    page = client.get(response["Location"]).content.decode()
    assert "DN-CXL" in page and "Cancelled" in page
    assert "DN-NOPHONE" in page and "No recipient phone number" in page
    assert "RecipientCompany: ☕️ cannot be written in Shift_JIS" in page
    assert url("export_download", brand, pk=export.pk) in page
    assert "hx-trigger" not in page
    download = client.get(url("export_download", brand, pk=export.pk))
    assert order_names(content(download), "cp932") == ["DN-OK"]


def test_all_matching_exports_the_filtered_list_of_this_brand_only(
    client, brand, other_brand, staff_member, integrated
):
    client.force_login(staff_member.user)
    make_note(brand, "DN-A1")
    make_note(brand, "DN-A2")
    make_note(other_brand, "DN-B1")

    response = post_export(client, brand, [], all_matching="1", query="")

    assert sorted(set(order_names(content(response)))) == ["DN-A1", "DN-A2"]


def test_nothing_selected_goes_back_to_the_list(client, brand, staff_member, integrated):
    client.force_login(staff_member.user)
    response = post_export(client, brand, [], query="status=unshipped")
    assert response["Location"] == reverse("note_list", args=[brand.slug]) + "?status=unshipped"
    assert latest_export() is None


def test_export_needs_an_integrated_shipandco(client, brand, staff_member):
    client.force_login(staff_member.user)
    response = post_export(client, brand, [make_note(brand, "DN-1")])
    assert response["Location"] == url("settings", brand)
    assert latest_export() is None


# --- large exports -----------------------------------------------------------------------------


def test_large_export_runs_as_a_task_and_writes_the_same_csv(
    client, brand, staff_member, integrated, settings, django_capture_on_commit_callbacks
):
    settings.SHIPANDCO_EXPORT_SYNC_MAX_NOTES = 2
    client.force_login(staff_member.user)
    notes = [make_note(brand, f"DN-{i}", lines=2) for i in range(3)]

    with django_capture_on_commit_callbacks() as callbacks:
        response = post_export(client, brand, notes)
    export = latest_export()
    assert response["Location"] == url("export_detail", brand, pk=export.pk)
    assert export.status == CsvExport.Status.PENDING
    waiting = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    assert url("export_status", brand, pk=export.pk) in waiting

    assert len(callbacks) == 1
    callbacks[0]()  # the worker picks up the task (eager in tests)

    status = client.get(url("export_status", brand, pk=export.pk)).content.decode()
    assert "hx-trigger" not in status
    assert url("export_download", brand, pk=export.pk) in status
    large = content(client.get(url("export_download", brand, pk=export.pk)))
    assert len(order_names(large)) == 6

    settings.SHIPANDCO_EXPORT_SYNC_MAX_NOTES = 500
    small = content(post_export(client, brand, notes))  # Shipping requested: exportable again
    assert small == large


# --- the exports page, permissions and scoping -----------------------------------------------


def test_exports_page_lists_newest_first(client, brand, staff_member, integrated):
    client.force_login(staff_member.user)
    note = make_note(brand, "DN-1")
    post_export(client, brand, [note])
    post_export(client, brand, [note], encoding="shift_jis")
    with scopes_disabled():
        first, second = CsvExport.objects.order_by("pk")

    page = client.get(url("export_list", brand)).content.decode()

    detail_links = re.findall(r"/exports/(\d+)/\"", page)
    assert detail_links == [str(second.pk), str(first.pk)]
    assert url("export_download", brand, pk=first.pk) in page


def test_viewers_cannot_export_or_see_exports(client, brand, viewer_member, integrated):
    client.force_login(viewer_member.user)
    note = make_note(brand, "DN-1")
    assert post_export(client, brand, [note]).status_code == 403
    assert client.get(url("export_list", brand)).status_code == 403
    assert latest_export() is None


def test_another_brands_export_is_not_found(client, brand, other_brand, staff_member):
    outsider = MembershipFactory(brand=other_brand).user
    note = make_note(other_brand, "DN-B1")
    with brand_scope(other_brand):
        export = services.create_export(
            brand=other_brand,
            user=outsider,
            notes=DeliveryNote.objects.filter(pk=note.pk),
            encoding="utf-8",
        )
        services.run_export(export.pk)
    client.force_login(staff_member.user)
    for name in ("export_detail", "export_status", "export_download"):
        assert client.get(url(name, brand, pk=export.pk)).status_code == 404
    assert "DN-B1" not in client.get(url("export_list", brand)).content.decode()


# --- round trip through the Ship&co sandbox ----------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "shift_jis"])
def test_sandbox_imports_the_csv_as_orders_named_after_the_notes(
    client, brand, staff_member, integrated, encoding
):
    client.force_login(staff_member.user)
    two_items = make_note(brand, "DN-100", lines=2)
    company_only = make_note(brand, "DN-101", recipient_name="", phone="+81 90-1234-5678")
    raw = content(post_export(client, brand, [two_items, company_only], encoding=encoding))

    with SandboxServer() as sandbox, httpx.Client(base_url=f"{sandbox.url}/shipandco") as ui:
        ui.post("/login", data={"token": DEFAULT_TOKEN})
        imported = ui.post("/import", files={"file": ("export.csv", raw, "text/csv")})
        assert imported.status_code == 303, imported.text
        orders = {
            o["name"]: o
            for o in ui.get("/_orders", headers={"x-access-token": DEFAULT_TOKEN}).json()
        }

    assert set(orders) == {"DN-100", "DN-101"}
    first = orders["DN-100"]
    assert first["to_address"]["full_name"] == "山田 太郎"
    assert first["to_address"]["province"] == "東京都"
    assert [(p["name"], p["quantity"], p["price"], p["weight"]) for p in first["products"]] == [
        ("マグカップ 1", 2, 3500, 250),
        ("マグカップ 2", 2, 3500, 250),
    ]
    second = orders["DN-101"]["to_address"]
    assert (second["company"], second["phone"]) == ("株式会社サンプル商店", "+81 90-1234-5678")


def test_an_export_whose_file_is_gone_explains_instead_of_failing(
    client, brand, staff_member, integrated
):
    client.force_login(staff_member.user)
    post_export(client, brand, [make_note(brand, "DN-1")])
    export = latest_export()
    export.file.storage.delete(export.file.name)  # expired, or another media folder

    response = client.get(url("export_download", brand, pk=export.pk), follow=True)

    assert response.redirect_chain[-1][0] == url("export_detail", brand, pk=export.pk)
    assert "no longer available" in response.content.decode()
