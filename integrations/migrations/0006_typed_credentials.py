"""One encrypted access token becomes the `access_token` entry of typed, encrypted credentials."""

from django.db import migrations

import integrations.secrets


def token_to_credentials(apps, schema_editor):
    Integration = apps.get_model("integrations", "Integration")
    for integration in Integration._base_manager.exclude(credential=""):
        integration.credentials = {"access_token": str(integration.credential)}
        integration.save(update_fields=["credentials"])


def credentials_to_token(apps, schema_editor):
    Integration = apps.get_model("integrations", "Integration")
    for integration in Integration._base_manager.all():
        integration.credential = (integration.credentials or {}).get("access_token", "")
        integration.save(update_fields=["credential"])


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0005_platform_choices_from_registry"),
    ]

    operations = [
        migrations.AddField(
            model_name="integration",
            name="credentials",
            field=integrations.secrets.EncryptedJSONField(
                blank=True, default=dict, verbose_name="credentials"
            ),
        ),
        migrations.RunPython(token_to_credentials, credentials_to_token),
        migrations.RemoveField(
            model_name="integration",
            name="credential",
        ),
    ]
