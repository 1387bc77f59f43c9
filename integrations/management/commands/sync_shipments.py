"""`manage.py sync_shipments --platform shipandco [--brand SLUG]`: the beat's sync, run now.

Same code as the Celery task, synchronously and without retries, with a summary per brand.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brands.scoping import scopes_disabled
from integrations.models import Integration
from integrations.registry import Capability, platforms
from integrations.sync import sync_integration


class Command(BaseCommand):
    help = "Retrieve shipments from a shipping platform for every connected brand (or one)."

    def add_arguments(self, parser: CommandParser) -> None:
        pulling = sorted(
            spec.platform for spec in platforms() if spec.can(Capability.PULL_SHIPMENTS)
        )
        parser.add_argument("--platform", required=True, choices=pulling)
        parser.add_argument("--brand", help="slug of one brand (default: every connected brand)")

    def handle(self, *args, platform: str, brand: str | None, **options) -> None:
        with scopes_disabled():
            integrations = Integration.objects.select_related("brand").filter(platform=platform)
            if brand:
                integrations = integrations.filter(brand__slug=brand)
            integrations = list(integrations.order_by("brand__slug"))
        syncable = [integration for integration in integrations if integration.is_syncable]
        if brand and not syncable:
            raise CommandError(f"{brand}: {platform} is not integrated and active for this brand.")
        if not syncable:
            self.stdout.write(f"No brand has {platform} integrated and active.")
        for integration in syncable:
            run = sync_integration(integration.pk, final_attempt=True)
            slug = integration.brand.slug
            if run is None:
                self.stdout.write(f"{slug}: not integrated any more, skipped")
                continue
            line = (
                f"{slug}: {run.outcome} — fetched {run.fetched}, applied {run.applied}, "
                f"unmatched {run.unmatched}, skipped {run.skipped}"
            )
            if run.error:
                line += f" ({run.error})"
            style = self.style.SUCCESS if run.outcome == "success" else self.style.WARNING
            self.stdout.write(style(line))
