"""Trigram (pg_trgm) indexes for the list's search, on PostgreSQL only.

Each index is on `UPPER(column::text)`, the expression Django's `icontains` compares, so the
planner serves `UPPER(col::text) LIKE UPPER('%q%')` from it. Built CONCURRENTLY (hence not
atomic): a brand of 200,000 notes keeps working while they build. SQLite has no pg_trgm: there
the search stays a plain scan, which is fine at development sizes.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("note_number_trgm", "delivery_notes_deliverynote", "number"),
    ("note_company_trgm", "delivery_notes_deliverynote", "recipient_company"),
    ("note_name_trgm", "delivery_notes_deliverynote", "recipient_name"),
    ("note_orderref_trgm", "delivery_notes_deliverynote", "order_reference"),
    ("shipment_tracking_trgm", "delivery_notes_shipment", "tracking_search"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("delivery_notes", "0008_note_list_sort_indexes"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on databases other than PostgreSQL
        migrations.RunPython(create, drop),
    ]
