"""Tracking numbers as an indexable text column, filled in for the shipments recorded before."""

from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE delivery_notes_shipment SET tracking_search = COALESCE(("
            " SELECT string_agg(value, ' ') FROM jsonb_array_elements_text(tracking_numbers)"
            "), '') WHERE jsonb_typeof(tracking_numbers) = 'array'"
        )
        return
    Shipment = apps.get_model("delivery_notes", "Shipment")
    batch = []
    for shipment in Shipment.objects.only("id", "tracking_numbers").iterator(chunk_size=BATCH):
        shipment.tracking_search = " ".join(shipment.tracking_numbers or ())
        batch.append(shipment)
        if len(batch) >= BATCH:
            Shipment.objects.bulk_update(batch, ["tracking_search"])
            batch = []
    Shipment.objects.bulk_update(batch, ["tracking_search"])


class Migration(migrations.Migration):
    dependencies = [
        ("delivery_notes", "0006_shipment_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="shipment",
            name="tracking_search",
            field=models.TextField(blank=True, db_default="", default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
