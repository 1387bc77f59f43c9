"""Trigram indexes for the catalogue's "contains" searches, on PostgreSQL only.

The type-ahead and the list search match names and companies anywhere in the text (LIKE
'%…%'), which a b-tree cannot serve: without these, every keystroke scans all of a brand's
products. pg_trgm indexes serve them (Japanese included). They need the pg_trgm extension: when
the database user may not create it, the migration goes on without the indexes (searches stay
correct, only slower) and says so; an administrator can run CREATE EXTENSION pg_trgm and migrate
the app back to 0001 and forward again.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEXES = [
    ("catalogue_product", "product_usku_trgm", "sku"),
    ("catalogue_product", "product_uname_trgm", "name"),
    ("catalogue_product", "product_ustyle_trgm", "style_code"),
    ("catalogue_product", "product_ulocation_trgm", "warehouse_location"),
    ("catalogue_customer", "customer_ucode_trgm", "code"),
    ("catalogue_customer", "customer_ucompany_trgm", "company"),
    ("catalogue_customer", "customer_ucontact_trgm", "contact_name"),
    ("catalogue_customer", "customer_uemail_trgm", "email"),
    ("catalogue_customer", "customer_phone_trgm", "phone_digits"),
]


def _expression(column: str) -> str:
    # Django writes icontains/istartswith as UPPER("col"::text) LIKE UPPER(…): index that.
    return f'(UPPER(("{column}")::text))' if column != "phone_digits" else f'"{column}"'


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        logger.warning("pg_trgm is not available (%s): catalogue search runs unindexed", exc)
        return
    for table, name, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f"USING gin ({_expression(column)} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_catalogue_initial")]

    operations = [migrations.RunPython(create, drop)]
