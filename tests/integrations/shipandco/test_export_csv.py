"""The Ship&co CSV itself: columns, rows, encodings, injection, skipped notes, note changes."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from brands.scoping import brand_scope, scopes_disabled
from delivery_notes.models import Activity, DeliveryNote, ShippingStatus
from delivery_notes.services import record_shipment
from integrations.shipandco import csv_format
from integrations.shipandco import export as services
from integrations.shipandco.export_tasks import run_csv_export
from integrations.shipandco.models import CsvExport, SkipReason
from tests.factories import DeliveryNoteFactory, DeliveryNoteLineFactory

REFERENCE_HEADER = [
    "OrderName", "CurrencyCode", "RecipientProvince", "RecipientCountryCode", "RecipientZIP",
    "RecipientFirstName", "RecipientLastName", "RecipientPhone", "RecipientAddress1",
    "RecipientCity", "RecipientCompany", "Date", "RecipientMail", "RecipientAddress2",
    "ProductName", "ProductQuantity", "ProductPrice", "ProductWeight", "ProductSKU",
    "ProductHSCode", "ProductOriginCountry",
]  # fmt: skip


def note_with_lines(brand, *, lines: int = 1, **fields) -> DeliveryNote:
    note = DeliveryNoteFactory(brand=brand, **fields)
    for position in range(lines):
        DeliveryNoteLineFactory(note=note, position=position, name=f"器 {position + 1}")
    return note


def run(brand, user, notes, encoding=CsvExport.Encoding.UTF8) -> CsvExport:
    """Export `notes` (in number order) the way the views do, and return the finished record."""
    with brand_scope(brand):
        export = services.create_export(
            brand=brand,
            user=user,
            notes=DeliveryNote.objects.filter(pk__in=[n.pk for n in notes]).order_by("number"),
            encoding=encoding,
        )
        return services.run_export(export.pk)


def file_bytes(export: CsvExport) -> bytes:
    with export.file.open("rb") as handle:
        return handle.read()


def parse(raw: bytes, codec: str = "utf-8-sig") -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(raw.decode(codec), newline=""))
    header = next(reader)
    assert header == REFERENCE_HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


# --- pure formatting -------------------------------------------------------------------------


def test_header_is_the_reference_columns_in_order():
    assert list(csv_format.HEADER) == REFERENCE_HEADER


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("山田 太郎", "JP", ("太郎", "山田")),
        ("山田\u3000太郎", "jp", ("太郎", "山田")),
        ("John Paul Smith", "US", ("John Paul", "Smith")),
        ("山田", "JP", ("", "山田")),
        ("  ", "JP", ("", "")),
    ],
)
def test_split_name_puts_the_family_name_in_last_name(name, country, expected):
    assert csv_format.split_name(name, country) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("\tx", "'\tx"),
        ("\r=1", "'\r=1"),
        ("+81 3-1234-5678", "+81 3-1234-5678"),
        ("+1 (555) 010-9999", "+1 (555) 010-9999"),
        ("-5", "-5"),
        ("03-1234-5678", "03-1234-5678"),
        ("a=b", "a=b"),
    ],
)
def test_formula_cells_are_quoted_but_phone_numbers_are_not(value, expected):
    assert csv_format.neutralise_formula(value) == expected


def test_fit_cp932_marks_and_reports_what_shift_jis_cannot_hold():
    assert csv_format.fit_cp932("𠮷野家😀") == ("〓野家〓", "𠮷😀")
    assert csv_format.fit_cp932("髙橋 〜 ①") == ("髙橋 〜 ①", "")
    assert csv_format.fit_cp932("A — B") == ("A ― B", "")


# --- the file ----------------------------------------------------------------------------------


def test_one_row_per_line_repeating_the_order_columns(brand, staff_member):
    first = note_with_lines(
        brand, lines=2, number="DN-001", issue_date=date(2024, 4, 1), address_line2="3F"
    )
    second = note_with_lines(brand, number="DN-002", recipient_company="", country_code="jp")
    export = run(brand, staff_member.user, [first, second])

    raw = file_bytes(export)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Japanese text as UTF-8
    rows = parse(raw)
    assert [r["OrderName"] for r in rows] == ["DN-001", "DN-001", "DN-002"]
    order_columns = REFERENCE_HEADER[:14]
    assert [rows[0][c] for c in order_columns] == [rows[1][c] for c in order_columns]
    assert rows[0] | {"ProductName": "", "ProductSKU": ""} == {
        "OrderName": "DN-001",
        "CurrencyCode": "JPY",
        "RecipientProvince": "東京都",
        "RecipientCountryCode": "JP",
        "RecipientZIP": "150-0001",
        "RecipientFirstName": "太郎",
        "RecipientLastName": "山田",
        "RecipientPhone": "03-1234-5678",
        "RecipientAddress1": "神宮前1-2-3",
        "RecipientCity": "渋谷区",
        "RecipientCompany": "株式会社サンプル商店",
        "Date": "2024-04-01",
        "RecipientMail": "shop@example.jp",
        "RecipientAddress2": "3F",
        "ProductName": "",
        "ProductQuantity": "2",
        "ProductPrice": "3500",
        "ProductWeight": "250",
        "ProductSKU": "",
        "ProductHSCode": "",
        "ProductOriginCountry": "",
    }
    assert [r["ProductName"] for r in rows] == ["器 1", "器 2", "器 1"]
    assert rows[2]["RecipientCompany"] == ""
    assert export.row_count == 3
    assert export.exported_notes == 2


def test_shift_jis_file_decodes_with_the_japanese_text(brand, staff_member):
    note = note_with_lines(brand, recipient_name="髙橋 一郎")
    raw = file_bytes(run(brand, staff_member.user, [note], CsvExport.Encoding.SHIFT_JIS))

    assert not raw.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    row = parse(raw, "cp932")[0]
    assert (row["RecipientLastName"], row["RecipientFirstName"]) == ("髙橋", "一郎")
    assert row["RecipientCompany"] == "株式会社サンプル商店"
    assert row["ProductName"] == "器 1"


def test_characters_outside_cp932_are_marked_and_listed_never_dropped(brand, staff_member):
    note = note_with_lines(brand, recipient_company="カフェ😀", address_line2="𠮷野ビル")
    shift_jis = run(brand, staff_member.user, [note], CsvExport.Encoding.SHIFT_JIS)

    row = parse(file_bytes(shift_jis), "cp932")[0]
    assert row["RecipientCompany"] == "カフェ〓"
    assert row["RecipientAddress2"] == "〓野ビル"
    assert shift_jis.warnings == [
        {"note": note.number, "field": "RecipientCompany", "kind": "not_cp932", "chars": "😀"},
        {"note": note.number, "field": "RecipientAddress2", "kind": "not_cp932", "chars": "𠮷"},
    ]

    utf8 = run(brand, staff_member.user, [note], CsvExport.Encoding.UTF8)
    assert parse(file_bytes(utf8))[0]["RecipientCompany"] == "カフェ😀"
    assert utf8.warnings == []


def test_spreadsheet_formulas_are_neutralised_in_the_file(brand, staff_member):
    note = DeliveryNoteFactory(brand=brand, phone="+81 3-1234-5678", recipient_company="=1+1")
    DeliveryNoteLineFactory(note=note, name='=HYPERLINK("http://evil.example","x")', sku="@A1")
    row = parse(file_bytes(run(brand, staff_member.user, [note])))[0]

    assert row["ProductName"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["ProductSKU"] == "'@A1"
    assert row["RecipientCompany"] == "'=1+1"
    assert row["RecipientPhone"] == "+81 3-1234-5678"


def test_values_over_shipandco_limits_are_kept_whole_and_warned(brand, staff_member):
    long_address = "神宮前" + "1" * 37
    note = note_with_lines(brand, lines=2, address_line1=long_address)
    export = run(brand, staff_member.user, [note])

    assert parse(file_bytes(export))[0]["RecipientAddress1"] == long_address
    assert export.warnings == [  # once per note, not once per row
        {
            "note": note.number,
            "field": "RecipientAddress1",
            "kind": "too_long",
            "length": 40,
            "limit": 35,
        }
    ]


def test_a_country_without_postal_codes_gets_000(brand, staff_member):
    note = note_with_lines(brand, country_code="HK", postal_code="", prefecture="")
    row = parse(file_bytes(run(brand, staff_member.user, [note])))[0]
    assert (row["RecipientCountryCode"], row["RecipientZIP"]) == ("HK", "000")


def test_unshippable_notes_are_left_out_with_their_reason(brand, staff_member):
    good = note_with_lines(brand, number="DN-OK")
    expected = {
        note_with_lines(brand, status=ShippingStatus.CANCELLED): SkipReason.CANCELLED,
        note_with_lines(brand, status=ShippingStatus.SHIPPED): SkipReason.SHIPPED,
        note_with_lines(brand, status=ShippingStatus.DELIVERED): SkipReason.DELIVERED,
        note_with_lines(brand, address_line1=""): SkipReason.NO_ADDRESS,
        note_with_lines(brand, postal_code=""): SkipReason.NO_ADDRESS,
        note_with_lines(brand, phone=" "): SkipReason.NO_PHONE,
        note_with_lines(brand, recipient_name="", recipient_company=""): SkipReason.NO_NAME,
        note_with_lines(brand, lines=0): SkipReason.NOTHING_LEFT,
    }
    export = run(brand, staff_member.user, [good, *expected])

    assert [r["OrderName"] for r in parse(file_bytes(export))] == ["DN-OK"]
    with brand_scope(brand):
        skipped = {e.note: e.skip_reason for e in services.skipped_entries(export)}
        assert list(export.notes.order_by("number")) == sorted([good, *expected], key=str)
    assert skipped == expected
    assert (export.total_notes, export.exported_notes, export.skipped_notes) == (9, 1, 8)


def test_nothing_exportable_records_the_export_without_a_file(brand, staff_member):
    note = note_with_lines(brand, status=ShippingStatus.CANCELLED)
    export = run(brand, staff_member.user, [note])
    assert export.status == CsvExport.Status.DONE
    assert (export.exported_notes, export.can_download) == (0, False)


def test_exported_notes_move_to_shipping_requested_with_activity(brand, staff_member):
    unshipped = note_with_lines(brand)
    requested = note_with_lines(brand, status=ShippingStatus.SHIPPING_REQUESTED)
    export = run(brand, staff_member.user, [unshipped, requested])

    with scopes_disabled():
        unshipped.refresh_from_db()
        assert unshipped.status == ShippingStatus.SHIPPING_REQUESTED
        exported = Activity.objects.filter(verb=services.ACTIVITY_VERB)
        assert {(a.note_id, a.message, a.actor) for a in exported} == {
            (unshipped.pk, "Exported to Ship&co CSV", staff_member.user),
            (requested.pk, "Exported to Ship&co CSV", staff_member.user),
        }
        assert exported.first().data["export_id"] == export.pk
        status_changes = Activity.objects.filter(verb="status")
        assert [a.note_id for a in status_changes] == [unshipped.pk]


def test_partially_shipped_notes_export_only_what_is_left(brand, staff_member):
    note = DeliveryNoteFactory(brand=brand)
    sent = DeliveryNoteLineFactory(note=note, position=0, name="Sent", quantity=2)
    half = DeliveryNoteLineFactory(note=note, position=1, name="Half", quantity=3)
    with brand_scope(brand):
        record_shipment(note, lines={sent.pk: 2, half.pk: 1})
        note.refresh_from_db()
    assert note.status == ShippingStatus.PARTIALLY_SHIPPED

    rows = parse(file_bytes(run(brand, staff_member.user, [note])))
    assert [(r["ProductName"], r["ProductQuantity"]) for r in rows] == [("Half", "2")]
    with scopes_disabled():
        note.refresh_from_db()
    assert note.status == ShippingStatus.PARTIALLY_SHIPPED  # part of it has left already


def test_the_task_is_idempotent(brand, staff_member):
    note = note_with_lines(brand)
    with brand_scope(brand):
        export = services.create_export(
            brand=brand,
            user=staff_member.user,
            notes=DeliveryNote.objects.all(),
            encoding=CsvExport.Encoding.UTF8,
        )
    run_csv_export.delay(brand.pk, export.pk)
    run_csv_export.delay(brand.pk, export.pk)  # a redelivered message: the export is already done

    with scopes_disabled():
        export.refresh_from_db()
        assert export.status == CsvExport.Status.DONE
        assert export.attempts == 1
        assert Activity.objects.filter(note=note, verb=services.ACTIVITY_VERB).count() == 1


def test_a_failure_while_finishing_changes_no_note_and_keeps_no_file(
    brand, staff_member, monkeypatch
):
    notes = [note_with_lines(brand), note_with_lines(brand)]
    calls = []

    def flaky_log_activities(*args, **kwargs):
        calls.append(args)
        raise RuntimeError("database went away")

    def stored_files() -> set[str]:
        folder = f"shipandco/exports/{brand.pk}"
        return set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()

    before = stored_files()
    monkeypatch.setattr(services, "log_activities_in", flaky_log_activities)
    export = run(brand, staff_member.user, notes)

    assert export.status == CsvExport.Status.FAILED
    assert export.error
    assert not export.file
    assert len(calls) == 1  # the file was written and the notes moved before the error
    assert stored_files() == before
    with scopes_disabled():
        assert set(DeliveryNote.objects.values_list("status", flat=True)) == {"unshipped"}


def test_purge_deletes_old_files_but_keeps_the_record(brand, staff_member, settings):
    settings.SHIPANDCO_EXPORT_RETENTION_DAYS = 30
    old = run(brand, staff_member.user, [note_with_lines(brand)])
    fresh = run(brand, staff_member.user, [note_with_lines(brand)])
    old_name = old.file.name
    with scopes_disabled():
        CsvExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    assert services.purge_expired_files() == 1

    with scopes_disabled():
        old.refresh_from_db()
        fresh.refresh_from_db()
    assert not default_storage.exists(old_name)
    assert (old.can_download, old.file_deleted_at is not None) == (False, True)
    assert old.exported_notes == 1
    assert fresh.can_download


@pytest.mark.parametrize("encoding", [csv_format.UTF8, csv_format.SHIFT_JIS])
@pytest.mark.parametrize(
    "company",
    ["株式会社サンプル", '=HYPERLINK("x")', "-5", "長" * 31, "Ａ—Ｂ", "🍣 寿司", "@SUM(A1)"],
)
def test_the_row_fast_path_gives_what_cell_by_cell_preparation_gives(encoding, company):
    """`prepare_row` (the export's hot path) quotes, marks and reports exactly as
    `prepare_cells` does, whether the row takes its fast path or not."""
    cells = dict.fromkeys(csv_format.ORDER_HEADER, "")
    cells[csv_format.ORDER_COLUMNS["company"]] = company
    cells[csv_format.ORDER_COLUMNS["phone"]] = "+81 3-1234-5678"
    row = [cells[header] for header in csv_format.ORDER_HEADER]
    values, issues = csv_format.prepare_row(row, csv_format.ORDER_HEADER, encoding)
    prepared, expected = csv_format.prepare_cells(cells, encoding)
    assert values == [prepared[header] for header in csv_format.ORDER_HEADER]
    assert issues == expected


def test_line_options_follow_the_product_name(brand, staff_member):
    """Options reach the CSV as "name (key: value, …)" whichever form the database returns
    them in (PostgreSQL's rows carry the JSON as text, decoded only when not empty)."""
    note = DeliveryNoteFactory(brand=brand)
    DeliveryNoteLineFactory(
        note=note, position=0, name="トート", options={"色": "生成", "size": "L"}
    )
    DeliveryNoteLineFactory(note=note, position=1, name="器", options={})

    rows = parse(file_bytes(run(brand, staff_member.user, [note])))

    assert [row["ProductName"] for row in rows] == ["トート (色: 生成, size: L)", "器"]
