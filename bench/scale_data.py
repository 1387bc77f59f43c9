"""The scale benchmark's data, written with COPY: brands of 200,000, 20,000 and 200 notes.

Per brand of N notes: 3 lines a note; the first half of the notes shipped whole (one shipment,
every line), the next quarter partially shipped (one shipment, the first line), the rest
unshipped; one "created" activity a note. Numbers, recipients and tracking numbers are unique
per note, so a search for one finds one; companies repeat (500 names), so a search for one finds
hundreds. Ids are given here (not by the sequences) so rows refer to each other without reading
anything back; the sequences are moved past them at the end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection

from brands.models import Brand, Membership, Role, User
from delivery_notes.models import (
    Activity,
    DeliveryNote,
    DeliveryNoteLine,
    Shipment,
    ShipmentLine,
)

LINES_PER_NOTE = 3
COMPANIES = 500
PREFECTURES = ("東京都", "大阪府", "京都府", "北海道", "福岡県", "愛知県")
START = date(2024, 1, 1)
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class BenchBrand:
    brand: Brand
    user: User
    notes: int
    first_note_id: int  # notes have ids first_note_id … first_note_id + notes - 1

    def number(self, i: int) -> str:
        return f"{self.brand.slug.upper()}-{i:07d}"

    def tracking(self, i: int) -> str:
        return f"{self.brand.pk}{i:011d}"

    def recipient(self, i: int) -> str:
        return f"山田 太郎 {self.brand.pk}-{i:07d}"

    def note_id(self, i: int) -> int:
        return self.first_note_id + i

    @property
    def shipped(self) -> int:
        """Notes 0 … shipped-1 are shipped whole."""
        return self.notes // 2

    @property
    def partial(self) -> int:
        """Notes shipped … partial-1 are partially shipped."""
        return self.notes * 3 // 4


def _copy(table: str, columns: tuple[str, ...], rows) -> int:
    count = 0
    raw = connection.connection  # the psycopg connection under Django's
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


NOTE_COLUMNS = [
    "id",
    "brand_id",
    "number",
    "issue_date",
    "order_reference",
    "recipient_company",
    "recipient_name",
    "postal_code",
    "prefecture",
    "city",
    "address_line1",
    "address_line2",
    "country_code",
    "phone",
    "email",
    "requested_carrier",
    "requested_service",
    "delivery_terms",
    "customer_notes",
    "internal_notes",
    "is_gift",
    "gift_message",
    "payment_method",
    "discount_code",
    "total_amount",
    "currency",
    "total_weight_grams",
    "status",
    "status_changed_at",
    "created_at",
    "updated_at",
]
LINE_COLUMNS = [
    "id",
    "brand_id",
    "note_id",
    "position",
    "sku",
    "name",
    "options",
    "quantity",
    "unit_price",
    "weight_grams",
    "warehouse_location",
    "image_url",
]
SHIPMENT_COLUMNS = [
    "id",
    "brand_id",
    "note_id",
    "platform",
    "external_id",
    "carrier",
    "service",
    "tracking_numbers",
    "tracking_search",
    "shipped_on",
    "cost",
    "created_at",
    "awaiting_announcement",
    "announcement_id",
]
SHIPMENT_LINE_COLUMNS = ("id", "brand_id", "shipment_id", "line_id", "quantity")
ACTIVITY_COLUMNS = [
    "brand_id",
    "note_id",
    "created_at",
    "actor_id",
    "platform",
    "verb",
    "message",
    "data",
]  # id: sequence


def _status(b: BenchBrand, i: int) -> str:
    if i < b.shipped:
        return "shipped"
    if i < b.partial:
        return "partially_shipped"
    return "unshipped"


def note_row(b: BenchBrand, i: int, *, number: str | None = None, status: str | None = None):
    issued = START + timedelta(days=i * 1000 // max(b.notes, 1))
    return (
        b.note_id(i),
        b.brand.pk,
        number or b.number(i),
        issued,
        f"PO-{b.brand.pk}-{i:07d}",
        f"株式会社ベンチ{i % COMPANIES:03d}",
        b.recipient(i),
        "150-0001",
        PREFECTURES[i % len(PREFECTURES)],
        "渋谷区",
        f"神宮前{i % 9 + 1}-{i % 30 + 1}-{i % 20 + 1}",
        "",
        "JP",
        "03-1234-5678",
        "",
        "yamato",
        "",
        "",
        "",
        "",
        False,
        "",
        "",
        "",
        "6600.00",
        "JPY",
        900,
        status or _status(b, i),
        NOW,
        NOW,
        NOW,
    )


def _line_id(b: BenchBrand, i: int, position: int) -> int:
    return b.first_note_id * LINES_PER_NOTE + i * LINES_PER_NOTE + position


def _lines(b: BenchBrand):
    for i in range(b.notes):
        for position in range(LINES_PER_NOTE):
            yield (
                _line_id(b, i, position),
                b.brand.pk,
                b.note_id(i),
                position,
                f"SKU-{position}",
                ("麻のトートバッグ", "器", "手ぬぐい")[position],
                "{}",
                2,
                "1100.00",
                300,
                f"A-{position:02d}",
                "",
            )


def _shipments(b: BenchBrand):
    for i in range(b.partial):
        number = b.tracking(i)
        yield (
            b.note_id(i),
            b.brand.pk,
            b.note_id(i),
            "shipandco",
            f"bench-{b.brand.pk}-{i}",
            "yamato",
            "",
            json.dumps([number]),
            number,
            NOW.date(),
            None,
            NOW,
            False,
            None,
        )


def _shipment_lines(b: BenchBrand):
    for i in range(b.partial):
        for position in range(LINES_PER_NOTE if i < b.shipped else 1):
            yield (
                _line_id(b, i, position),
                b.brand.pk,
                b.note_id(i),
                _line_id(b, i, position),
                2,
            )


def _activities(b: BenchBrand):
    data = json.dumps({})
    for i in range(b.notes):
        yield (
            b.brand.pk,
            b.note_id(i),
            NOW,
            None,
            "hakobu",
            "created",
            "Delivery note created",
            data,
        )


def make_brand(slug: str, notes: int, first_note_id: int) -> BenchBrand:
    brand = Brand.objects.create(name=slug, slug=slug)
    user = User.objects.create_user(f"admin@{slug}.example", "pw")
    Membership.objects.create(brand=brand, user=user, role=Role.ADMIN)
    b = BenchBrand(brand, user, notes, first_note_id)
    _copy(DeliveryNote._meta.db_table, NOTE_COLUMNS, (note_row(b, i) for i in range(notes)))
    _copy(DeliveryNoteLine._meta.db_table, LINE_COLUMNS, _lines(b))
    _copy(Shipment._meta.db_table, SHIPMENT_COLUMNS, _shipments(b))
    _copy(ShipmentLine._meta.db_table, SHIPMENT_LINE_COLUMNS, _shipment_lines(b))
    _copy(Activity._meta.db_table, ACTIVITY_COLUMNS, _activities(b))
    return b


def finish() -> None:
    """Sequences past the ids given, and statistics (and the visibility map) up to date."""
    with connection.cursor() as cursor:
        for model in (DeliveryNote, DeliveryNoteLine, Shipment, ShipmentLine):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (model tables)
                f"(SELECT max(id) FROM {table}))"
            )
    vacuum()


def vacuum() -> None:
    connection.ensure_connection()
    raw = connection.connection
    autocommit = raw.autocommit
    raw.autocommit = True
    try:
        with raw.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        raw.autocommit = autocommit
