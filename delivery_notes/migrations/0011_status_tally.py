"""The notes-per-status tally's table and, on PostgreSQL, its triggers (see status_tally.py).

The SQL names its tables literally: a migration stays what it was when written.
"""

from django.db import migrations, models

CREATE_SQL = """
CREATE OR REPLACE FUNCTION note_status_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO delivery_notes_statustally (brand_id, status, notes)
        SELECT brand_id, status, count(*) FROM new_rows GROUP BY brand_id, status;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO delivery_notes_statustally (brand_id, status, notes)
        SELECT brand_id, status, -count(*) FROM old_rows GROUP BY brand_id, status;
    ELSE
        INSERT INTO delivery_notes_statustally (brand_id, status, notes)
        SELECT brand_id, status, sum(change) FROM (
            SELECT brand_id, status, -1 AS change FROM old_rows
            UNION ALL
            SELECT brand_id, status, 1 FROM new_rows
        ) AS changes GROUP BY brand_id, status HAVING sum(change) <> 0;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER note_status_tally_insert AFTER INSERT ON delivery_notes_deliverynote
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_status_tally();
CREATE TRIGGER note_status_tally_update AFTER UPDATE ON delivery_notes_deliverynote
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION note_status_tally();
CREATE TRIGGER note_status_tally_delete AFTER DELETE ON delivery_notes_deliverynote
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION note_status_tally();
INSERT INTO delivery_notes_statustally (brand_id, status, notes)
    SELECT brand_id, status, count(*) FROM delivery_notes_deliverynote GROUP BY brand_id, status;
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS note_status_tally_insert ON delivery_notes_deliverynote;
DROP TRIGGER IF EXISTS note_status_tally_update ON delivery_notes_deliverynote;
DROP TRIGGER IF EXISTS note_status_tally_delete ON delivery_notes_deliverynote;
DROP FUNCTION IF EXISTS note_status_tally();
DELETE FROM delivery_notes_statustally;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("brands", "0004_brand_note_numbering"),
        ("delivery_notes", "0010_activity_latest_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatusTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=20)),
                ("notes", models.BigIntegerField()),
                (
                    "brand",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="brands.brand",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["brand", "status"], name="status_tally_brand_idx")],
            },
        ),
        migrations.RunPython(create, drop),
    ]
