from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes import csv_import, importing
from delivery_notes.csv_columns import HEADER
from delivery_notes.models import Activity, DeliveryNote, DeliveryNoteLine, ImportJob
from tests.delivery_notes.helpers import brand_url, make_note

pytestmark = pytest.mark.django_db


def csv_text(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header or HEADER, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def row(number: str, item: str = "Linen tote bag", **values: str) -> dict[str, str]:
    return {
        "number": number,
        "issue_date": "2025/04/01",
        "recipient_company": "株式会社サンプル商店",
        "recipient_name": "山田 太郎",
        "postal_code": "150-0001",
        "address_line1": "神宮前1-2-3",
        "country_code": "jp",
        "item_name": item,
        "item_quantity": "2",
        "item_unit_price": "3,500",
        "item_weight_grams": "250",
        **values,
    }


GOOD_ROWS = [
    row("IMP-1", item="麻のトートバッグ", item_sku="TOTE", item_options="color=生成り; size=M"),
    row("IMP-1", item="Cap", item_sku="CAP", item_quantity="1", item_unit_price="1200"),
    row(
        "IMP-2",
        recipient_company="",
        recipient_name="佐藤 花子",
        total_amount="5000",
        is_gift="yes",
        gift_message="おめでとう",
    ),
]


def upload(client, brand, content: bytes, name: str = "notes.csv"):
    return client.post(
        brand_url("note_import", brand), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_import_happy_path(staff_client, brand, staff_member, encoding):
    response = upload(staff_client, brand, csv_text(GOOD_ROWS).encode(encoding))
    assert response.status_code == 302
    assert response["Location"] == brand_url("note_list", brand)
    with scopes_disabled():
        first = DeliveryNote.objects.get(number="IMP-1")
        second = DeliveryNote.objects.get(number="IMP-2")
        lines = list(first.lines.all())
        activity = Activity.objects.get(note=first)
    assert first.brand == brand and first.issue_date == date(2025, 4, 1)
    assert first.recipient_company == "株式会社サンプル商店" and first.country_code == "JP"
    assert [(line.name, line.quantity, line.position) for line in lines] == [
        ("麻のトートバッグ", 2, 0),
        ("Cap", 1, 1),
    ]
    assert lines[0].options == {"color": "生成り", "size": "M"}
    assert first.total_amount == Decimal("8200") and first.total_weight_grams == 750
    assert second.total_amount == Decimal("5000") and second.is_gift
    assert second.gift_message == "おめでとう"
    assert activity.verb == "created" and activity.actor == staff_member.user
    assert "notes.csv" in activity.message


def test_bad_file_imports_nothing_and_lists_every_problem(staff_client, brand, other_brand):
    make_note(brand, number="TAKEN")
    make_note(other_brand, number="IMP-FREE-ELSEWHERE")
    bad = {"issue_date": "2025-13-01", "country_code": "XX"}
    rows = [
        row("IMP-OK"),
        row("TAKEN"),
        row("IMP-BAD", item_quantity="0", **bad),
        row("IMP-BAD", item_name="", item_unit_price="abc", recipient_company="Other Co", **bad),
        row("", item_name="Orphan"),
        row("IMP-FREE-ELSEWHERE", email="not-an-email", recipient_company="", recipient_name=""),
    ]
    response = upload(staff_client, brand, csv_text(rows).encode())
    assert response.status_code == 200
    problems = {(e.row, e.column) for e in response.context["errors"]}
    assert problems == {
        (3, "number"),  # already exists in this brand
        (4, "issue_date"),
        (4, "country_code"),
        (4, "item_quantity"),
        (5, "item_name"),
        (5, "item_unit_price"),
        (5, "recipient_company"),  # differs from row 4 of the same note
        (6, "number"),
        (7, "email"),
        (7, "recipient_company"),  # neither a company nor a contact name
    }
    content = response.content.decode()
    assert 'id="import-errors"' in content and "Nothing was imported" in content
    assert "“XX” is not a two-letter ISO country code" in content
    with scopes_disabled():
        assert set(DeliveryNote.objects.values_list("number", flat=True)) == {
            "TAKEN",
            "IMP-FREE-ELSEWHERE",
        }
        assert DeliveryNoteLine.objects.count() == 2


def test_header_problems_are_reported(staff_client, brand):
    text = csv_text([{"number": "H-1", "item_qty": "2"}], header=["number", "item_qty"])
    response = upload(staff_client, brand, text.encode())
    problems = {(e.row, e.column) for e in response.context["errors"]}
    assert {(1, "item_qty"), (1, "item_quantity")} <= problems
    # A name may come from the catalogue (by SKU): without one, the row is wrong, not the header.
    assert (2, "item_name") in problems


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("número".encode("utf-16"), "UTF-16"),
        (b"\xff\xfe\x00\x81\x00\x00", "UTF-16"),
        (b"\x80\x81\xff", "could not be read"),
        (b"", "empty"),
        (",".join(HEADER).encode(), "no rows"),
    ],
)
def test_unreadable_files_get_a_clear_message(staff_client, brand, content, message):
    response = upload(staff_client, brand, content)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])


def test_template_has_header_and_example_that_parses(staff_client, brand):
    response = staff_client.get(brand_url("note_import_template", brand))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text)))
    assert records[0] == HEADER and len(records) == 2
    with brand_scope(brand):
        parsed = csv_import.parse(text)
    assert parsed.errors == [] and len(parsed.drafts) == 1


def test_import_page_documents_every_column(staff_client, brand):
    content = staff_client.get(brand_url("note_import", brand)).content.decode()
    assert all(header in content for header in HEADER)


@override_settings(DELIVERY_NOTE_IMPORT_ASYNC_ROWS=2)
def test_large_file_runs_in_background_and_status_reports_done(
    staff_client, brand, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(staff_client, brand, csv_text(GOOD_ROWS).encode("cp932"))
    assert len(callbacks) == 1
    with scopes_disabled():
        job = ImportJob.objects.get()
    status_url = brand_url("note_import_status", brand, job_pk=job.pk)
    assert response["Location"] == status_url
    assert job.status == ImportJob.Status.DONE
    assert (job.total_rows, job.processed_rows, job.created_notes) == (3, 3, 2)
    assert job.content == ""

    partial = staff_client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "2 delivery notes imported." in partial
    assert "hx-trigger" not in partial  # polling stops
    page = staff_client.get(status_url).content.decode()
    assert "<html" in page and "2 delivery notes imported." in page
    with scopes_disabled():
        assert DeliveryNote.objects.count() == 2


def test_running_job_page_polls_and_shows_progress(staff_client, brand):
    with scopes_disabled():
        job = ImportJob.objects.create(
            brand=brand, filename="big.csv", status="running", total_rows=400, processed_rows=100
        )
    partial = staff_client.get(
        brand_url("note_import_status", brand, job_pk=job.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert "25%" in partial and "100 of 400" in partial


@override_settings(DELIVERY_NOTE_IMPORT_ASYNC_ROWS=1)
def test_background_import_with_errors_fails_and_imports_nothing(
    staff_client, brand, django_capture_on_commit_callbacks
):
    rows = [row("BG-1"), row("BG-2", item_quantity="many")]
    with django_capture_on_commit_callbacks(execute=True):
        upload(staff_client, brand, csv_text(rows).encode())
    with scopes_disabled():
        job = ImportJob.objects.get()
        assert not DeliveryNote.objects.exists()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {"row": 3, "column": "item_quantity", "message": "“many” is not a number."}
    ]
    partial = staff_client.get(
        brand_url("note_import_status", brand, job_pk=job.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "item_quantity" in partial and "hx-trigger" not in partial


def test_background_job_is_idempotent(brand, staff_member):
    with scopes_disabled():
        job = ImportJob.objects.create(
            brand=brand, created_by=staff_member.user, content=csv_text(GOOD_ROWS), total_rows=3
        )
    with brand_scope(brand):
        importing.process_job(job.pk)
        importing.process_job(job.pk)  # a duplicate delivery of the task
        assert DeliveryNote.objects.count() == 2
        job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_notes == 2


def test_background_job_held_by_another_worker_is_left_alone(brand):
    with scopes_disabled():
        job = ImportJob.objects.create(
            brand=brand,
            content=csv_text(GOOD_ROWS),
            status="running",
            locked_until=timezone.now() + timedelta(minutes=1),
        )
    with brand_scope(brand):
        importing.process_job(job.pk)
        assert not DeliveryNote.objects.exists()


def test_import_status_of_another_brand_is_404(staff_client, brand, other_brand):
    with scopes_disabled():
        job = ImportJob.objects.create(brand=other_brand, filename="theirs.csv")
    response = staff_client.get(brand_url("note_import_status", brand, job_pk=job.pk))
    assert response.status_code == 404


def test_oversized_file_is_refused(staff_client, brand, monkeypatch):
    monkeypatch.setattr("delivery_notes.forms.IMPORT_MAX_MEGABYTES", 0)
    response = upload(staff_client, brand, csv_text(GOOD_ROWS).encode())
    assert "larger than 0 MB" in " ".join(response.context["form"].errors["file"])
    with scopes_disabled():
        assert not DeliveryNote.objects.exists()


def test_repeated_cells_are_checked_once_but_reported_and_kept_on_every_row(brand):
    """The parser remembers each (column, text) verdict: a bad value repeated on many rows is
    still reported on each of them, and equal options on two lines are two separate dicts."""
    rows = [
        row("REP-1", item_sku="S", item_options="color=red", item_quantity="x"),
        row("REP-2", item_sku="S", item_options="color=red", item_quantity="x"),
        row("REP-3", item_sku="S", item_options="color=red"),
        row("REP-4", item_sku="S", item_options="color=red"),
    ]
    with brand_scope(brand):
        parsed = csv_import.parse(csv_text(rows))
    assert [(e.row, e.column) for e in parsed.errors] == [
        (2, "item_quantity"),
        (3, "item_quantity"),
    ]
    assert parsed.errors[0].message == parsed.errors[1].message
    with brand_scope(brand):
        parsed = csv_import.parse(csv_text(rows[2:]))
    first, second = (draft.lines[0]["options"] for draft in parsed.drafts)
    assert first == second == {"color": "red"} and first is not second
