"""Notes per status from a tally PostgreSQL maintains, not from counting the notes.

Counting a brand of 200,000 notes by status, even from the index alone, reads 200,000 index
entries on every dashboard view. Instead, statement-level triggers on the notes table write, for
each INSERT, UPDATE or DELETE statement, one `StatusTally` row per (brand, status) whose count
it changed, from the statement's transition tables: a bulk UPDATE of 40,000 notes adds two rows,
and every write path (the ORM, bulk SQL, COPY) is covered without code of its own. Rows are only
inserted, so concurrent writers never wait on a shared counter; `fold` sums them periodically.

The triggers are defined in migration 0011_status_tally (which also fills the tally from the
notes already there). Other databases (SQLite in development) have no triggers and count the
notes.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, Sum

from brands.models import Brand
from delivery_notes.models import DeliveryNote, StatusTally

_TALLY = StatusTally._meta.db_table

# One statement: the rows read are deleted and their sums inserted in the same snapshot, so a
# row a writer commits meanwhile is neither lost nor counted twice; a second fold running at
# once waits on the first's deleted rows and then finds them gone.
_FOLD_SQL = f"""
WITH folded AS (DELETE FROM {_TALLY} RETURNING brand_id, status, notes)
INSERT INTO {_TALLY} (brand_id, status, notes)
SELECT brand_id, status, sum(notes) FROM folded
WHERE brand_id IN (SELECT id FROM {Brand._meta.db_table})
GROUP BY brand_id, status HAVING sum(notes) <> 0
"""  # noqa: S608 (table names from the models)


def maintained() -> bool:
    return connection.vendor == "postgresql"


def counts() -> dict[str, int]:
    """Status -> notes of the active brand (inside its scope)."""
    if not maintained():
        return dict(DeliveryNote.objects.order_by().values_list("status").annotate(n=Count("*")))
    rows = StatusTally.objects.order_by().values_list("status").annotate(n=Sum("notes"))
    return {status: n for status, n in rows if n}


def fold() -> int:
    """Sum every brand's rows into one a status (periodic task, all brands). Returns the rows
    left."""
    if not maintained():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_FOLD_SQL)
        return cursor.rowcount
