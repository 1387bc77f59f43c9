"""Re-encrypt every stored secret with the first key of HAKOBU_SECRET_KEYS (key rotation)."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from brands.scoping import scopes_disabled
from integrations.secrets import EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt stored secrets with the newest key, so older keys can be removed."

    def handle(self, *args, **options) -> None:
        total = 0
        with scopes_disabled():
            for model in apps.get_models():
                fields = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
                if not fields:
                    continue
                with transaction.atomic():
                    for obj in model._default_manager.select_for_update().iterator():
                        obj.save(
                            update_fields=fields
                        )  # decrypts with any key, encrypts with the first
                        total += 1
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted secrets on {total} row(s)."))
