"""Status changes and activity for a set of notes given as a query, not as a list of ids.

An export of 100,000 notes would otherwise hold 100,000 ids in Python and send them back in
hundreds of `IN (...)` batches. Here the set stays in the database: on PostgreSQL one
`UPDATE … RETURNING` feeds the status entries in the same statement, and the other entries are
one `INSERT … SELECT`. Other databases (SQLite, development) take the id-list path of
`services.move_notes` / `log_activities`, same effect.

`note_ids` is a queryset of note ids (`.values("note_id")` or `.values("pk")`) of the active
brand; the brand condition is also written into every statement.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from brands.models import Brand, User
from delivery_notes import activity
from delivery_notes.models import Activity, DeliveryNote
from delivery_notes.services import log_activities, move_notes
from integrations.registry import HAKOBU

_NOTES = DeliveryNote._meta.db_table
_ACTIVITY = Activity._meta.db_table
_COLUMNS = "brand_id, note_id, created_at, actor_id, platform, verb, message, data"


def _subquery(note_ids: QuerySet) -> tuple[str, tuple]:
    sql, params = note_ids.order_by().query.sql_with_params()
    return sql, tuple(params)


def move_notes_in(
    brand: Brand,
    note_ids: QuerySet,
    *,
    from_status: str,
    to_status: str,
    actor: User | None = None,
    platform: str = HAKOBU,
) -> int:
    """Move the notes among `note_ids` still in `from_status`, with their status entries.

    The UPDATE locks each row and re-checks its status after any concurrent change commits, so
    a note the sync shipped meanwhile is left alone (and gets no entry). Returns how many moved.
    """
    if connection.vendor != "postgresql":
        ids = list(note_ids.values_list(note_ids.query.values_select[0], flat=True))
        return len(
            move_notes(
                brand,
                ids,
                from_status=from_status,
                to_status=to_status,
                actor=actor,
                platform=platform,
            )
        )
    data = {"from": from_status, "to": to_status}
    subquery, params = _subquery(note_ids)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            # Table names from the models and a subquery Django compiled: values are params.
            f"WITH moved AS ("  # noqa: S608
            f" UPDATE {_NOTES} SET status = %s, status_changed_at = %s, updated_at = %s"
            f" WHERE brand_id = %s AND status = %s AND id IN ({subquery}) RETURNING id"
            f") INSERT INTO {_ACTIVITY} ({_COLUMNS})"
            f" SELECT %s, id, %s, %s, %s, 'status', %s, %s::jsonb FROM moved",
            (
                to_status,
                now,
                now,
                brand.pk,
                from_status,
                *params,
                brand.pk,
                now,
                actor.pk if actor else None,
                platform,
                activity.render("status", data),
                json.dumps(data),
            ),
        )
        return cursor.rowcount


def log_activities_in(
    brand: Brand,
    note_ids: QuerySet,
    verb: str,
    *,
    actor: User | None = None,
    platform: str = HAKOBU,
    data: Mapping | None = None,
) -> int:
    """One entry `verb` for every note in `note_ids`, in one statement. Returns how many."""
    data = dict(data or {})
    if connection.vendor != "postgresql":
        ids = list(note_ids.values_list(note_ids.query.values_select[0], flat=True))
        log_activities(brand, ids, verb, actor=actor, platform=platform, data=data)
        return len(ids)
    subquery, params = _subquery(note_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_ACTIVITY} ({_COLUMNS})"  # noqa: S608 (as above)
            f" SELECT %s, id, %s, %s, %s, %s, %s, %s::jsonb FROM {_NOTES}"
            f" WHERE brand_id = %s AND id IN ({subquery}) ORDER BY id",
            (
                brand.pk,
                timezone.now(),
                actor.pk if actor else None,
                platform,
                verb,
                activity.render(verb, data),
                json.dumps(data),
                brand.pk,
                *params,
            ),
        )
        return cursor.rowcount
