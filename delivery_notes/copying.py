"""Inserting many rows with PostgreSQL's COPY: what an import of 10,000 rows needs to be fast.

`bulk_create` prepares every value of every row through the ORM and has psycopg quote them
into the statement; COPY streams the values in psycopg's C adapters. Ids come from the table's
sequence first (`reserve_ids`), so lines can point at their notes without reading anything
back. Only for PostgreSQL: callers keep `bulk_create` for other databases.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh ids from the model's sequence (one query)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _defaults(model: type[models.Model]) -> dict[str, Any]:
    """Each column's value when a row does not give it (model defaults; auto_now = now)."""
    now = timezone.now()
    defaults = {}
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:  # the default, or "" for a text column without one (what the ORM writes)
            defaults[field.attname] = field.get_default()
    return defaults


def copy_rows(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """COPY `rows` (dicts keyed by attname, ids included) into the model's table."""
    fields = model._meta.concrete_fields
    defaults = _defaults(model)
    json_fields = {f.attname: f.encoder for f in fields if isinstance(f, models.JSONField)}
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    connection.ensure_connection()
    # Django's error wrapping: a duplicate number is an IntegrityError, as with bulk_create.
    with (
        connection.wrap_database_errors,
        connection.connection.cursor() as cursor,
        cursor.copy(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            values = []
            for name in names:
                value = row[name] if name in row else defaults[name]
                if name in json_fields and value is not None:
                    value = json.dumps(value, cls=json_fields[name])
                values.append(value)
            copy.write_row(values)
            count += 1
    return count


def _json_ready(field: models.Field):
    """How a value of `field` goes into JSON so PostgreSQL reads it back exactly."""
    if isinstance(field, models.DateField | models.DecimalField):  # DateTimeField included
        return lambda value: (
            None
            if value is None
            else str(value)
            if isinstance(value, Decimal)
            else value.isoformat()
        )
    return None


def json_insert(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, with_pk: bool = True
) -> tuple[str, list[Any]]:
    """(sql, params) of `INSERT INTO <table> (<columns>) SELECT … FROM
    json_populate_recordset(…)`: any number of rows as one JSON parameter (encoded in C, typed by
    the table itself), meant as one part of a larger data-modifying WITH statement (a page of
    shipments written in one round trip). Rows are dicts keyed by attname; a missing value takes
    the model default, as in `copy_rows`. Without `with_pk` the ids come from the sequence."""
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    defaults = _defaults(model)
    ready = [(f.attname, f.column, _json_ready(f)) for f in fields]
    records = []
    for row in rows:
        record = {}
        for name, column, convert in ready:
            value = row[name] if name in row else defaults[name]
            record[column] = convert(value) if convert else value
        records.append(record)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {columns} "  # noqa: S608 (model metadata)
        f"FROM json_populate_recordset(NULL::{table}, %s::json)"
    )
    return sql, [json.dumps(records, ensure_ascii=False)]


def insert_objects(model: type[models.Model], objects: list[models.Model]) -> list[models.Model]:
    """`bulk_create(objects)`, by COPY on PostgreSQL: ids are reserved first and set on the
    objects, as bulk_create sets them. A constraint violation raises IntegrityError the same."""
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects)
    if not objects:
        return objects
    now = timezone.now()
    stamped = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
        obj.pk = pk
        for f in stamped:
            if f.auto_now or getattr(obj, f.attname) is None:
                setattr(obj, f.attname, now)
        obj._state.adding = False
        obj._state.db = connection.alias
    names = [f.attname for f in model._meta.concrete_fields]
    copy_rows(model, ({name: getattr(obj, name) for name in names} for obj in objects))
    return objects


def copy_notes(
    brand,
    notes: Sequence[tuple[Mapping, Sequence[Mapping]]],
    *,
    actor,
    message: str,
    data: Mapping,
) -> int:
    """`services.create_notes` on PostgreSQL: notes, lines and "created" entries by COPY."""
    from delivery_notes.models import Activity, DeliveryNote, DeliveryNoteLine

    ids = reserve_ids(DeliveryNote, len(notes))
    pairs = list(zip(ids, notes, strict=True))
    copy_rows(
        DeliveryNote,
        ({**values, "id": pk, "brand_id": brand.pk} for pk, (values, _lines) in pairs),
    )
    line_ids = iter(reserve_ids(DeliveryNoteLine, sum(len(lines) for _v, lines in notes)))
    copy_rows(
        DeliveryNoteLine,
        (
            {**line, "id": next(line_ids), "brand_id": brand.pk, "note_id": pk, "position": n}
            for pk, (_values, lines) in pairs
            for n, line in enumerate(lines)
        ),
    )
    copy_rows(
        Activity,
        (
            {
                "id": activity_id,
                "brand_id": brand.pk,
                "note_id": pk,
                "actor_id": actor.pk if actor else None,
                "verb": "created",
                "message": message,
                "data": dict(data),
            }
            for pk, activity_id in zip(ids, reserve_ids(Activity, len(ids)), strict=True)
        ),
    )
    return len(ids)
